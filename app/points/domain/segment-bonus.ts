/**
 * What a merchant may give a whole segment at once: a whole number of points, at most MAX_SEGMENT_BONUS_POINTS
 * each (a typo of three zeros would otherwise hand out a fortune), with a reason for the members' history.
 */
export const MAX_SEGMENT_BONUS_POINTS = 100_000;
export const MAX_SEGMENT_BONUS_REASON = 200;
export const SEGMENTS = ["new", "active", "atRisk", "lost", "vip"] as const;

export type SegmentBonusProblemCode = "segment-invalid" | "points-invalid" | "reason-missing" | "reason-too-long" | "request-invalid";

export interface SegmentBonusProblem {
  code: SegmentBonusProblemCode;
  field: "segment" | "points" | "reason" | "requestId";
  params?: Record<string, number>;
}

export function segmentBonusProblems(input: { segment: string; points: number; reason: string; requestId: string }): SegmentBonusProblem[] {
  const problems: SegmentBonusProblem[] = [];
  if (!(SEGMENTS as readonly string[]).includes(input.segment)) problems.push({ code: "segment-invalid", field: "segment" });
  if (!Number.isSafeInteger(input.points) || input.points < 1 || input.points > MAX_SEGMENT_BONUS_POINTS) {
    problems.push({ code: "points-invalid", field: "points", params: { max: MAX_SEGMENT_BONUS_POINTS } });
  }
  const reason = input.reason.trim();
  if (!reason) problems.push({ code: "reason-missing", field: "reason" });
  else if (reason.length > MAX_SEGMENT_BONUS_REASON) problems.push({ code: "reason-too-long", field: "reason", params: { max: MAX_SEGMENT_BONUS_REASON } });
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(input.requestId)) problems.push({ code: "request-invalid", field: "requestId" });
  return problems;
}
