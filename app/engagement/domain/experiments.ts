/**
 * A/B tests with holdouts: which arm a member is in, and what the arms' outcomes say.
 *
 * Assignment is a hash of the experiment and the customer, so a member stays in their arm across restarts and
 * instances without storing anything, and arms fill in proportion to their weights. The comparison is of each
 * arm against the holdout (the arm that gets nothing): the difference in repeat-purchase rate (a proportion) and
 * in revenue per member (a mean, every member counted, buyers or not), each with a 95 % confidence interval from
 * the normal approximation (Welch's standard error: arms of different sizes and spreads). With hundreds of members
 * per arm, which any test worth reading has, the approximation holds; the coverage test simulates it.
 */
import { createHash } from "node:crypto";
import { PROGRAM_SUBJECT, SEGMENT_BONUS_SUBJECT } from "./member-mail";

export interface ArmDefinition {
  id: string;
  /** Relative size (e.g. 10 for the holdout, 90 for the treatment). */
  weight: number;
  /** The arm that gets nothing: what the others are measured against. */
  holdout?: boolean;
}

/** A number in [0, 1) from the experiment and the customer, the same everywhere and always. */
export function assignmentPoint(experimentId: string, customerId: string): number {
  const digest = createHash("sha256").update(`${experimentId}\u0000${customerId}`).digest();
  // 48 bits are plenty and stay exact in a double.
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

export function assignArm(experimentId: string, customerId: string, arms: readonly ArmDefinition[]): string {
  const total = arms.reduce((sum, a) => sum + Math.max(0, a.weight), 0);
  if (!(total > 0)) throw new RangeError("an experiment needs at least one arm with a positive weight");
  let point = assignmentPoint(experimentId, customerId) * total;
  for (const arm of arms) {
    point -= Math.max(0, arm.weight);
    if (point < 0) return arm.id;
  }
  return arms[arms.length - 1].id;
}

/** What an arm did over the window: members, how many bought again, and revenue per member (sum and sum of squares). */
export interface ArmOutcome {
  members: number;
  repeaters: number;
  revenueMinor: number;
  /** Σ (revenue per member)², for the spread of revenue per member. */
  revenueSquaresMinor: number;
}

export interface Interval {
  /** Arm minus holdout. */
  difference: number;
  low: number;
  high: number;
}

export interface Comparison {
  repeatRate: Interval;
  /** In minor units per member. */
  revenuePerMember: Interval;
  /** "better"/"worse": the revenue interval excludes zero; "not-yet": it does not (yet). */
  verdict: "better" | "worse" | "not-yet";
  /** For "not-yet": about how many more members (all arms together, in the same proportions) would make the difference seen so far significant, 80 % of the time; null when no difference is seen or it already is. */
  moreMembersNeeded: number | null;
}

const Z95 = 1.959963984540054;
const Z80 = 0.8416212335729143;

function meanAndVariance(o: ArmOutcome): { mean: number; variance: number } {
  const n = o.members;
  const mean = o.revenueMinor / n;
  // The sample variance (n − 1); one member has none to speak of.
  const variance = n > 1 ? Math.max(0, (o.revenueSquaresMinor - n * mean * mean) / (n - 1)) : 0;
  return { mean, variance };
}

/** The arm against the holdout. Both need members; an arm without any has nothing to compare. */
export function compareWithHoldout(arm: ArmOutcome, holdout: ArmOutcome): Comparison {
  if (arm.members < 1 || holdout.members < 1) throw new RangeError("both arms need members to be compared");
  const p1 = arm.repeaters / arm.members;
  const p0 = holdout.repeaters / holdout.members;
  const seRate = Math.sqrt((p1 * (1 - p1)) / arm.members + (p0 * (1 - p0)) / holdout.members);
  const a = meanAndVariance(arm);
  const h = meanAndVariance(holdout);
  const seRevenue = Math.sqrt(a.variance / arm.members + h.variance / holdout.members);
  const revenue: Interval = { difference: a.mean - h.mean, low: a.mean - h.mean - Z95 * seRevenue, high: a.mean - h.mean + Z95 * seRevenue };
  const verdict = revenue.low > 0 ? "better" : revenue.high < 0 ? "worse" : "not-yet";
  let moreMembersNeeded: number | null = null;
  if (verdict === "not-yet" && revenue.difference !== 0 && seRevenue > 0) {
    // The standard error shrinks with √n: the members at which the difference seen would be 2.8 standard errors.
    const total = arm.members + holdout.members;
    const needed = total * ((seRevenue * (Z95 + Z80)) / Math.abs(revenue.difference)) ** 2;
    moreMembersNeeded = Math.max(0, Math.ceil(needed - total));
  }
  return {
    repeatRate: { difference: p1 - p0, low: p1 - p0 - Z95 * seRate, high: p1 - p0 + Z95 * seRate },
    revenuePerMember: revenue,
    verdict,
    moreMembersNeeded,
  };
}

export { PROGRAM_SUBJECT, SEGMENT_BONUS_SUBJECT };
export const HOLDOUT_ARM = "holdout";
/** The arm of a test of segment bonuses that gets the bonus (points and, if chosen, the win-back e-mail). */
export const BONUS_ARM = "bonus";

/** A holdout of `holdoutPercent` and one arm for the rest. */
export function holdoutAnd(arm: string, holdoutPercent: number): ArmDefinition[] {
  return [
    { id: HOLDOUT_ARM, weight: holdoutPercent, holdout: true },
    { id: arm, weight: 100 - holdoutPercent },
  ];
}

export const segmentBonusTestArms = (holdoutPercent: number): ArmDefinition[] => holdoutAnd(BONUS_ARM, holdoutPercent);

/** A running test of the whole program. */
export interface ProgramTest {
  id: string;
  holdoutPercent: number;
  startedAt: Date;
}

export const programTestArms = (holdoutPercent: number): ArmDefinition[] => holdoutAnd(PROGRAM_SUBJECT, holdoutPercent);

/**
 * Whether a customer is held out of the program: only customers the shop first saw (first order, account, or
 * now for one never seen) after the test started take part, so no member loses a program they had; of those, the
 * holdout's share by the deterministic assignment.
 */
export function heldOutOfProgram(test: ProgramTest | null, customerId: string, firstSeen: Date): boolean {
  if (!test || firstSeen.getTime() < test.startedAt.getTime()) return false;
  return assignArm(test.id, customerId, programTestArms(test.holdoutPercent)) === HOLDOUT_ARM;
}
