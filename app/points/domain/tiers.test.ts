import { describe, expect, it } from "vitest";
import { T0 } from "../../../tests/support/points-builders";
import type { VipSettings } from "./program";
import { addDays } from "./time";
import { qualifyingTier, spendInWindow, spendOfOrder, tierFor, tierMultiplierPercent, upgradeOnOrder, type SpendEvent } from "./tiers";

const vip: VipSettings = {
  windowDays: 365,
  tiers: [
    { id: "silver", name: "Silver", thresholdMinor: 50_000, multiplierPercent: 125 },
    { id: "gold", name: "Gold", thresholdMinor: 200_000, multiplierPercent: 150 },
  ],
};
const day = (n: number) => addDays(T0, n);
const spend = (d: number, amountMinor: number): SpendEvent => ({ at: day(d), amountMinor });

describe("spendInWindow", () => {
  it("counts orders placed in the last windowDays, the window's start excluded", () => {
    const events = [spend(0, 100), spend(100, 200), spend(365, 400)];
    expect(spendInWindow(events, day(364), 365)).toBe(300);
    expect(spendInWindow(events, day(365), 365)).toBe(600);
    expect(spendInWindow(events, day(99), 365)).toBe(100);
  });

  it("counts refunds through the orders' current amounts", () => {
    expect(spendInWindow([spend(0, 50_000), spend(1, 0)], day(2), 365)).toBe(50_000);
  });
});

describe("qualifyingTier", () => {
  it("is the highest tier the spend reaches", () => {
    expect(qualifyingTier(49_999, vip.tiers)).toBeNull();
    expect(qualifyingTier(50_000, vip.tiers)?.id).toBe("silver");
    expect(qualifyingTier(1_000_000, vip.tiers)?.id).toBe("gold");
    expect(tierMultiplierPercent(null)).toBe(100);
    expect(tierMultiplierPercent(vip.tiers[1])).toBe(150);
  });
});

describe("tierFor", () => {
  it("joins a tier as soon as the spend reaches it, for one period", () => {
    expect(tierFor([spend(0, 10_000)], day(0), vip, null, null)).toEqual({ tier: null, periodEnd: null, change: "unchanged", spendMinor: 10_000 });
    expect(tierFor([spend(0, 10_000), spend(5, 40_000)], day(5), vip, null, null)).toEqual({ tier: vip.tiers[0], periodEnd: day(370), change: "joined", spendMinor: 50_000 });
  });

  it("upgrades at once, even in the middle of a period", () => {
    const standing = tierFor([spend(0, 60_000), spend(30, 150_000)], day(30), vip, "silver", day(365));
    expect(standing).toMatchObject({ tier: { id: "gold" }, periodEnd: day(395), change: "upgraded" });
  });

  it("keeps the tier until the period ends, even when the spend falls", () => {
    // Spend at day 0 leaves the window on day 365, but the period runs to day 370.
    const events = [spend(0, 60_000)];
    expect(tierFor(events, day(366), vip, "silver", day(370))).toMatchObject({ tier: { id: "silver" }, periodEnd: day(370), change: "unchanged", spendMinor: 0 });
    expect(tierFor(events, day(370), vip, "silver", day(370))).toEqual({ tier: null, periodEnd: null, change: "downgraded", spendMinor: 0 });
  });

  it("downgrades only as far as the spend falls", () => {
    const events = [spend(0, 250_000), spend(300, 60_000)];
    expect(tierFor(events, day(400), vip, "gold", day(365))).toMatchObject({ tier: { id: "silver" }, periodEnd: day(765), change: "downgraded" });
  });

  it("renews a tier still reached at period end, anchored on the old period end", () => {
    const events = [spend(0, 60_000), spend(200, 60_000)];
    expect(tierFor(events, day(366), vip, "silver", day(365))).toMatchObject({ tier: { id: "silver" }, periodEnd: day(730), change: "renewed" });
  });

  it("treats a tier removed from the program as no tier", () => {
    expect(tierFor([spend(0, 60_000)], day(1), vip, "platinum", day(300))).toMatchObject({ tier: { id: "silver" }, change: "joined" });
  });
});

describe("tier changes an order may apply", () => {
  it("counts an order's current subtotal, nothing once cancelled or for a test order", () => {
    const order = { createdAt: day(3), currentSubtotalMinor: 4_200, cancelled: false, test: false };
    expect(spendOfOrder(order)).toEqual({ at: day(3), amountMinor: 4_200 });
    expect(spendOfOrder({ ...order, cancelled: true }).amountMinor).toBe(0);
    expect(spendOfOrder({ ...order, test: true }).amountMinor).toBe(0);
  });

  it("applies joining and upgrades at once, leaves downgrades and renewals to the period end", () => {
    const joined = tierFor([spend(0, 60_000)], day(1), vip, null, null);
    expect(upgradeOnOrder(joined)?.tier?.id).toBe("silver");
    const upgraded = tierFor([spend(0, 60_000), spend(2, 150_000)], day(2), vip, "silver", addDays(day(1), 365));
    expect(upgradeOnOrder(upgraded)).toMatchObject({ change: "upgraded", tier: { id: "gold" }, periodEnd: addDays(day(2), 365) });
    // A refund takes spend below silver: nothing changes until the period ends.
    const fallen = tierFor([spend(0, 10_000)], day(30), vip, "silver", addDays(day(1), 365));
    expect(fallen.change).toBe("unchanged");
    expect(upgradeOnOrder(fallen)).toBeNull();
    const atEnd = tierFor([spend(0, 10_000)], addDays(day(1), 365), vip, "silver", addDays(day(1), 365));
    expect(atEnd.change).toBe("downgraded");
    expect(upgradeOnOrder(atEnd)).toBeNull();
  });
});
