import { describe, expect, it } from "vitest";
import { T0 } from "../../../tests/support/points-builders";
import type { VipSettings } from "./program";
import { addDays } from "./time";
import { seededRandom } from "./simulation";
import { qualifyingTier, spendInWindow, spendOfOrder, tierFor, tierMultiplierPercent, TierRun, upgradeOnOrder, type HeldTier, type SpendEvent } from "./tiers";

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

describe("TierRun", () => {
  // The reference is what applying orders one at a time does: after each changed order, the member's spend is
  // added up again from all their orders and upgradeOnOrder decides. The run follows a running sum instead.
  it("moves members up exactly as re-adding every order after each one would (random runs)", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const random = seededRandom(seed);
      const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
      const now = day(400);
      const customers = ["1", "2", "3"];
      const orders = new Map<string, { customerId: string | null; spend: SpendEvent }>();
      // Stored before the run: some orders, some inside the window, some before it; some members holding tiers.
      for (let o = 0; o < int(0, 6); o++) orders.set(`o${o}`, { customerId: customers[int(0, 2)], spend: spend(int(0, 400), int(0, 80_000)) });
      const held = new Map<string, HeldTier>();
      if (random() < 0.5) held.set("1", { tierId: "silver", periodEnd: day(int(380, 500)) });
      if (random() < 0.3) held.set("2", { tierId: "gone", periodEnd: day(450) });
      const spendOf = (c: string) => spendInWindow([...orders.values()].filter((o) => o.customerId === c).map((o) => o.spend), now, vip.windowDays);
      const run = new TierRun(vip, now, held, new Map(customers.map((c) => [c, spendOf(c)])));
      const expected = new Map(held);
      const moved = new Set<string>();
      for (let step = 0; step < 12; step++) {
        const id = random() < 0.4 ? `o${int(0, 8)}` : `n${step}`;
        const before = orders.get(id) ?? null;
        // An order gets a customer, changes amount (refund, cancellation) or is new; now and then a guest's.
        const customerId = random() < 0.1 ? null : random() < 0.2 ? customers[int(0, 2)] : (before?.customerId ?? customers[int(0, 2)]);
        const after = { customerId, spend: { at: before ? before.spend.at : day(int(30, 400)), amountMinor: int(0, 120_000) } };
        if (after.customerId) expect(run.multiplierPercent(after.customerId)).toBe(tierMultiplierPercent(vip.tiers.find((t) => t.id === expected.get(after.customerId!)?.tierId) ?? null));
        run.orderChanged(before, after);
        orders.set(id, after);
        if (after.customerId === null) continue;
        const h = expected.get(after.customerId) ?? { tierId: null, periodEnd: null };
        const upgrade = upgradeOnOrder(tierFor([...orders.values()].filter((o) => o.customerId === after.customerId).map((o) => o.spend), now, vip, h.tierId, h.periodEnd));
        if (upgrade) {
          expected.set(after.customerId, { tierId: upgrade.tier?.id ?? null, periodEnd: upgrade.periodEnd });
          moved.add(after.customerId);
        }
      }
      const upgrades = new Map(run.upgrades().map((u) => [u.customerId, { tierId: u.tierId, periodEnd: u.periodEnd }]));
      expect(upgrades, `seed ${seed}`).toEqual(new Map([...moved].map((c) => [c, expected.get(c)!])));
    }
  });

  it("counts an order's move from one member to another, and orders outside the window not at all", () => {
    const now = day(400);
    const run = new TierRun(vip, now, new Map(), new Map([["1", 40_000]]));
    run.orderChanged({ customerId: "1", spend: spend(399, 40_000) }, { customerId: "2", spend: spend(399, 40_000) });
    run.orderChanged(null, { customerId: "1", spend: spend(10, 60_000) }); // placed before the window
    expect(run.upgrades()).toEqual([]);
    run.orderChanged(null, { customerId: "2", spend: spend(300, 10_000) });
    expect(run.upgrades()).toEqual([{ customerId: "2", tierId: "silver", periodEnd: addDays(now, 365) }]);
    expect(run.multiplierPercent("2")).toBe(125);
    expect(run.multiplierPercent("1")).toBe(100);
  });
});
