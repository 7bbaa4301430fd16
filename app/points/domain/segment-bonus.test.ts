import { describe, expect, it } from "vitest";
import { MAX_SEGMENT_BONUS_POINTS, segmentBonusProblems } from "./segment-bonus";

const ok = { segment: "atRisk", points: 200, reason: "We miss you", requestId: "req-12345678" };
const codes = (input: Partial<typeof ok>) => segmentBonusProblems({ ...ok, ...input }).map((p) => p.code);

describe("a bonus for a whole segment", () => {
  it("takes a known segment, whole points up to the cap, a reason and a request id", () => {
    expect(codes({})).toEqual([]);
    expect(codes({ points: MAX_SEGMENT_BONUS_POINTS })).toEqual([]);
  });

  it("refuses what would hand out the wrong thing, naming each problem", () => {
    expect(codes({ segment: "everyone" })).toEqual(["segment-invalid"]);
    expect(codes({ points: 0 })).toEqual(["points-invalid"]);
    expect(codes({ points: -5 })).toEqual(["points-invalid"]);
    expect(codes({ points: 1.5 })).toEqual(["points-invalid"]);
    expect(codes({ points: MAX_SEGMENT_BONUS_POINTS + 1 })).toEqual(["points-invalid"]);
    expect(codes({ reason: "   " })).toEqual(["reason-missing"]);
    expect(codes({ reason: "x".repeat(201) })).toEqual(["reason-too-long"]);
    expect(codes({ requestId: "short" })).toEqual(["request-invalid"]);
    expect(codes({ segment: "x", points: NaN, reason: "" })).toEqual(["segment-invalid", "points-invalid", "reason-missing"]);
  });
});
