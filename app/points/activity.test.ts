import { describe, expect, it } from "vitest";
import { shopperActivity, tierProgress } from "./activity";

const vip = {
  windowDays: 365,
  tiers: [
    { id: "silver", name: "Silver", thresholdMinor: 20_000, multiplierPercent: 110 },
    { id: "gold", name: "Gold", thresholdMinor: 50_000, multiplierPercent: 125 },
  ],
};
const now = new Date("2026-12-06T12:00:00Z");

describe("a member's points history", () => {
  const row = (id: number, kind: string, points: number, availableAt = "2026-11-01T00:00:00Z", idempotencyKey = `k${id}`) => ({
    id: BigInt(id), kind, points, at: new Date("2026-11-01T00:00:00Z"), availableAt: new Date(availableAt), idempotencyKey,
  });

  it("marks earned points not spendable yet with the day they become so, and names what a redemption bought", () => {
    const entries = shopperActivity(
      [row(3, "earn", 120, "2026-12-20T00:00:00Z"), row(2, "redeem", -500, "2026-11-01T00:00:00Z", "redeem:tap-1"), row(1, "earn", 700)],
      new Map([["tap-1", "5.00 off"]]),
      now,
    );
    expect(entries).toEqual([
      { id: "3", kind: "earn", points: 120, at: "2026-11-01T00:00:00.000Z", pendingUntil: "2026-12-20T00:00:00.000Z", reward: null },
      { id: "2", kind: "redeem", points: -500, at: "2026-11-01T00:00:00.000Z", pendingUntil: null, reward: "5.00 off" },
      { id: "1", kind: "earn", points: 700, at: "2026-11-01T00:00:00.000Z", pendingUntil: null, reward: null },
    ]);
  });

  it("never shows a deduction as pending, nor a redemption whose reward is unknown by another name", () => {
    const [deduction, redeem] = shopperActivity([row(2, "adjust-order", -50, "2026-12-30T00:00:00Z"), row(1, "redeem", -100, "2026-11-01T00:00:00Z", "redeem:gone")], new Map(), now);
    expect(deduction.pendingUntil).toBeNull();
    expect(redeem.reward).toBeNull();
  });
});

describe("progress to the next tier", () => {
  it("is nothing without tiers", () => {
    expect(tierProgress({ windowDays: 365, tiers: [] }, 1000, null, null)).toBeNull();
  });

  it("counts what is missing to the first tier, then to the next, and nothing past the top", () => {
    expect(tierProgress(vip, 12_000, null, null)).toMatchObject({ current: null, next: { name: "Silver", remainingMinor: 8_000 }, keep: null });
    expect(tierProgress(vip, 31_000, "silver", new Date("2027-06-01T00:00:00Z"))).toMatchObject({
      current: "Silver", periodEnd: "2027-06-01T00:00:00.000Z", next: { name: "Gold", remainingMinor: 19_000 }, keep: null,
    });
    expect(tierProgress(vip, 60_000, "gold", new Date("2027-06-01T00:00:00Z"))).toMatchObject({ current: "Gold", next: null, keep: null });
  });

  it("tells a member holding a tier their spend no longer reaches what keeps it, and never offers a lower tier as next", () => {
    expect(tierProgress(vip, 30_000, "gold", new Date("2027-01-10T00:00:00Z"))).toMatchObject({ current: "Gold", next: null, keep: { remainingMinor: 20_000 } });
    expect(tierProgress(vip, 5_000, "silver", new Date("2027-01-10T00:00:00Z"))).toMatchObject({ next: { name: "Gold", remainingMinor: 45_000 }, keep: { remainingMinor: 15_000 } });
  });
});
