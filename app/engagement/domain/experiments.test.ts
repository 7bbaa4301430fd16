import { describe, expect, it } from "vitest";
import { seededRandom } from "~/points/domain/simulation";
import { assignArm, assignmentPoint, compareWithHoldout, heldOutOfProgram, programTestArms, segmentBonusTestArms, type ArmOutcome } from "./experiments";

/** Seeded: the simulation is the same on every run, so the test cannot flake. */
const random = seededRandom;

/** An arm of `n` members who each buy again with probability `p`, spending Exponential(mean) minor units if they do. */
function simulateArm(rand: () => number, n: number, p: number, mean: number): ArmOutcome {
  const o: ArmOutcome = { members: n, repeaters: 0, revenueMinor: 0, revenueSquaresMinor: 0 };
  for (let i = 0; i < n; i++) {
    if (rand() >= p) continue;
    const spend = -Math.log(1 - rand()) * mean;
    o.repeaters++;
    o.revenueMinor += spend;
    o.revenueSquaresMinor += spend * spend;
  }
  return o;
}

describe("assigning members to arms", () => {
  it("puts a member in the same arm every time, and other experiments shuffle them independently", () => {
    const arms = [
      { id: "holdout", weight: 10, holdout: true },
      { id: "mail", weight: 90 },
    ];
    expect(assignArm("exp-1", "42", arms)).toBe(assignArm("exp-1", "42", arms));
    const same = Array.from({ length: 2000 }, (_, i) => assignmentPoint("exp-1", String(i)) < 0.5 === assignmentPoint("exp-2", String(i)) < 0.5).filter(Boolean).length;
    expect(same / 2000).toBeGreaterThan(0.45);
    expect(same / 2000).toBeLessThan(0.55);
  });

  it("fills the arms in proportion to their weights", () => {
    const arms = [
      { id: "holdout", weight: 5, holdout: true },
      { id: "a", weight: 45 },
      { id: "b", weight: 50 },
    ];
    const counts: Record<string, number> = { holdout: 0, a: 0, b: 0 };
    for (let i = 0; i < 20_000; i++) counts[assignArm("exp-w", String(1_000_000 + i), arms)]++;
    // Binomial standard deviations: holdout ≈ 31, a ≈ 70, b ≈ 71; four of them either way.
    expect(Math.abs(counts.holdout - 1_000)).toBeLessThan(124);
    expect(Math.abs(counts.a - 9_000)).toBeLessThan(280);
    expect(Math.abs(counts.b - 10_000)).toBeLessThan(284);
    expect(() => assignArm("exp", "1", [{ id: "x", weight: 0 }])).toThrow(RangeError);
  });
});

describe("comparing an arm with the holdout", () => {
  it("gives intervals that cover the true difference about 95 % of the time (simulated, known effect)", () => {
    const rand = random(20261207);
    const runs = 1_000;
    const base = { p: 0.2, mean: 4_000 };
    const lift = { p: 0.24, mean: 4_000 };
    const trueRevenue = lift.p * lift.mean - base.p * base.mean; // 160 minor units per member
    const trueRate = lift.p - base.p;
    let revenueCovered = 0;
    let rateCovered = 0;
    for (let r = 0; r < runs; r++) {
      const c = compareWithHoldout(simulateArm(rand, 3_000, lift.p, lift.mean), simulateArm(rand, 1_000, base.p, base.mean));
      if (c.revenuePerMember.low <= trueRevenue && trueRevenue <= c.revenuePerMember.high) revenueCovered++;
      if (c.repeatRate.low <= trueRate && trueRate <= c.repeatRate.high) rateCovered++;
    }
    // 1,000 runs: the share's standard deviation is 0.7 points; 3 of them either way of 95 %.
    expect(revenueCovered / runs).toBeGreaterThan(0.929);
    expect(revenueCovered / runs).toBeLessThan(0.971);
    expect(rateCovered / runs).toBeGreaterThan(0.929);
    expect(rateCovered / runs).toBeLessThan(0.971);
  });

  it("says 'better' once the interval is above zero, and how many more members a promising test needs", () => {
    const rand = random(7);
    const small = compareWithHoldout(simulateArm(rand, 300, 0.24, 4_000), simulateArm(rand, 100, 0.2, 4_000));
    expect(small.verdict).toBe("not-yet");
    const big = compareWithHoldout(simulateArm(rand, 60_000, 0.24, 4_000), simulateArm(rand, 20_000, 0.2, 4_000));
    expect(big.verdict).toBe("better");
    expect(big.moreMembersNeeded).toBeNull();
    expect(big.revenuePerMember.low).toBeGreaterThan(0);
    const worse = compareWithHoldout(simulateArm(rand, 60_000, 0.16, 4_000), simulateArm(rand, 20_000, 0.2, 4_000));
    expect(worse.verdict).toBe("worse");
  });

  it("estimates the members needed from the spread and the difference seen", () => {
    // Arms with the same spread: revenue per member 100 ± 1,000 (sd) against 0 ± 1,000, 500 members each.
    const arm = (members: number, mean: number, sd: number): ArmOutcome => ({
      members,
      repeaters: members / 2,
      revenueMinor: mean * members,
      revenueSquaresMinor: (members - 1) * sd * sd + members * mean * mean,
    });
    const c = compareWithHoldout(arm(500, 100, 1_000), arm(500, 0, 1_000));
    // SE = 1000·√(2/500) ≈ 63.2; needed total = 1000 · (63.2 · 2.80 / 100)² ≈ 3,139.
    expect(c.verdict).toBe("not-yet");
    expect(c.moreMembersNeeded).toBeGreaterThan(2_100);
    expect(c.moreMembersNeeded).toBeLessThan(2_180);
    expect(compareWithHoldout(arm(500, 0, 1_000), arm(500, 0, 1_000)).moreMembersNeeded).toBeNull();
    expect(() => compareWithHoldout(arm(0, 0, 0), arm(10, 0, 1))).toThrow(RangeError);
  });
});

describe("heldOutOfProgram", () => {
  const test = { id: "program-test-1", holdoutPercent: 10, startedAt: new Date("2026-12-01T00:00:00Z") };
  const after = new Date("2026-12-02T00:00:00Z");

  it("holds out about the holdout's share of the customers first seen since the test started, each always the same way", () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => String(1_000 + i));
    const held = ids.filter((id) => heldOutOfProgram(test, id, after));
    expect(held.length / ids.length).toBeGreaterThan(0.09);
    expect(held.length / ids.length).toBeLessThan(0.11);
    expect(held.every((id) => heldOutOfProgram(test, id, new Date("2027-06-01T00:00:00Z")))).toBe(true);
    // The same arm the report puts them in.
    expect(held.every((id) => assignArm(test.id, id, programTestArms(test.holdoutPercent)) === "holdout")).toBe(true);
  });

  it("never holds out a customer first seen before the test, nor anyone without a running test", () => {
    const ids = Array.from({ length: 2_000 }, (_, i) => String(i));
    expect(ids.filter((id) => heldOutOfProgram(test, id, new Date("2026-11-30T23:59:59Z")))).toEqual([]);
    expect(ids.filter((id) => heldOutOfProgram(null, id, after))).toEqual([]);
  });
});

describe("segmentBonusTestArms", () => {
  it("holds out the holdout's share and gives the rest the bonus, with different customers held out in different tests", () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => String(50_000 + i));
    const arms = segmentBonusTestArms(30);
    const held = (testId: string) => ids.filter((id) => assignArm(testId, id, arms) === "holdout");
    const first = held("bonus-test-1");
    expect(first.length / ids.length).toBeGreaterThan(0.28);
    expect(first.length / ids.length).toBeLessThan(0.32);
    expect(new Set(ids.map((id) => assignArm("bonus-test-1", id, arms)))).toEqual(new Set(["holdout", "bonus"]));
    // Another test draws its own holdout: about 30 % of the first one's again, not the same customers.
    const again = new Set(held("bonus-test-2"));
    const overlap = first.filter((id) => again.has(id)).length / first.length;
    expect(overlap).toBeGreaterThan(0.25);
    expect(overlap).toBeLessThan(0.35);
  });
});
