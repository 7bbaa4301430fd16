import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { line, orderSnapshot, T0 } from "../../../tests/support/points-builders";
import { campaignRunsAt, earningContextFor, pointsAdjustmentForOrder, pointsWorthForOrder, type EarningContext } from "./earning";
import { DEFAULT_PROGRAM, type Campaign, type LoyaltyProgram } from "./program";

const plain: EarningContext = { tierMultiplierPercent: 100, campaigns: [] };
const program = (over: Partial<LoyaltyProgram> = {}): LoyaltyProgram => ({ ...DEFAULT_PROGRAM, ...over });
const worth = (over: Parameters<typeof orderSnapshot>[0] = {}, p: LoyaltyProgram = DEFAULT_PROGRAM, ctx: EarningContext = plain) =>
  pointsWorthForOrder(orderSnapshot(over), p, ctx).points;

const doublePoints: Campaign = {
  id: "double",
  name: "48 hours of double points",
  kind: "multiplier",
  multiplierPercent: 200,
  startsAt: new Date("2025-03-01T00:00:00Z"),
  endsAt: new Date("2025-03-03T00:00:00Z"),
};

describe("pointsWorthForOrder — spend", () => {
  it("earns 1 point per 1.00 by default, rounded down", () => {
    expect(worth({ currentSubtotalMinor: 5790 })).toBe(57);
    expect(worth({ currentSubtotalMinor: 5799 })).toBe(57);
    expect(worth({ currentSubtotalMinor: 99 })).toBe(0);
    expect(worth({ currentSubtotalMinor: 100 })).toBe(1);
  });

  it("applies the merchant's rate, e.g. 5 points per 2.00, or 1 point per 100 yen", () => {
    expect(worth({ currentSubtotalMinor: 5790 }, program({ earnRate: { points: 5, perCurrencyUnits: 2 } }))).toBe(144); // 57.90 / 2 × 5 = 144.75
    expect(worth({ currentSubtotalMinor: 5790, currency: "JPY" }, program({ earnRate: { points: 1, perCurrencyUnits: 100 } }))).toBe(57);
  });

  it("counts whole currency units in 0- and 3-decimal currencies", () => {
    expect(worth({ currentSubtotalMinor: 5790, currency: "JPY" })).toBe(5790);
    expect(worth({ currentSubtotalMinor: 5790, currency: "KWD" })).toBe(5);
    expect(worth({ currentSubtotalMinor: 999, currency: "BHD" })).toBe(0);
  });

  it("earns nothing below the minimum order value and everything from it", () => {
    const p = program({ minimumOrderMinor: 2500, pointsPerOrder: 10 });
    expect(worth({ currentSubtotalMinor: 2499 }, p)).toBe(0);
    expect(pointsWorthForOrder(orderSnapshot({ currentSubtotalMinor: 2499 }), p, plain).breakdown.nothingEarnedBecause).toBe("below-minimum");
    expect(worth({ currentSubtotalMinor: 2500 }, p)).toBe(35);
  });

  it("does not count gift cards bought", () => {
    const lines = [line({ lineId: "1", unitPriceMinor: 2000 }), line({ lineId: "2", productId: "gc", unitPriceMinor: 5000, giftCard: true })];
    expect(worth({ currentSubtotalMinor: 7000, lines })).toBe(20);
    expect(worth({ currentSubtotalMinor: 5000, lines: [lines[1]] })).toBe(0);
  });
});

describe("pointsWorthForOrder — fixed points and bonuses", () => {
  it("adds the points every order earns (punch), also on a free order", () => {
    expect(worth({ currentSubtotalMinor: 5790 }, program({ pointsPerOrder: 10 }))).toBe(67);
    expect(worth({ currentSubtotalMinor: 0 }, program({ pointsPerOrder: 10 }))).toBe(10);
  });

  it("adds product bonuses per unit kept; the largest bonus for a product applies", () => {
    const p = program({
      productBonuses: [
        { target: "product", targetId: "100", pointsPerUnit: 20 },
        { target: "collection", targetId: "summer", pointsPerUnit: 50 },
        { target: "collection", targetId: "shoes", pointsPerUnit: 5 },
      ],
    });
    const lines = [line({ lineId: "1", productId: "100", currentQuantity: 3, unitPriceMinor: 1000 }), line({ lineId: "2", productId: "200", currentQuantity: 1, unitPriceMinor: 2790 })];
    expect(worth({ currentSubtotalMinor: 5790, lines }, p)).toBe(57 + 60);
    const ctx: EarningContext = { ...plain, productCollections: { "100": ["summer", "shoes"], "200": ["shoes"] } };
    expect(worth({ currentSubtotalMinor: 5790, lines }, p, ctx)).toBe(57 + 150 + 5);
    // Refunding one unit of product 100 takes its bonus with it.
    const afterRefund = [{ ...lines[0], currentQuantity: 2 }, lines[1]];
    expect(worth({ currentSubtotalMinor: 4790, lines: afterRefund }, p)).toBe(47 + 40);
  });

  it("multiplies spend points by the tier and the campaign, rounding down once", () => {
    expect(worth({ currentSubtotalMinor: 5790 }, DEFAULT_PROGRAM, { tierMultiplierPercent: 150, campaigns: [] })).toBe(86); // 86.85
    expect(worth({ currentSubtotalMinor: 5790 }, DEFAULT_PROGRAM, { tierMultiplierPercent: 150, campaigns: [doublePoints] })).toBe(173); // 173.7
    expect(worth({ currentSubtotalMinor: 99 }, DEFAULT_PROGRAM, { tierMultiplierPercent: 150, campaigns: [doublePoints] })).toBe(2); // 0.99 × 3 = 2.97
    // Multipliers leave fixed points alone.
    expect(worth({ currentSubtotalMinor: 1000 }, program({ pointsPerOrder: 5 }), { tierMultiplierPercent: 200, campaigns: [] })).toBe(25);
  });

  it("does not stack two multiplier campaigns, but adds every bonus campaign", () => {
    const triple: Campaign = { ...doublePoints, id: "triple", multiplierPercent: 300 };
    const bonus: Campaign = { ...doublePoints, id: "bonus", kind: "bonus", bonusPoints: 25 };
    const bonus2: Campaign = { ...bonus, id: "bonus2", bonusPoints: 5 };
    expect(worth({ currentSubtotalMinor: 1000 }, DEFAULT_PROGRAM, { tierMultiplierPercent: 100, campaigns: [doublePoints, triple, bonus, bonus2] })).toBe(30 + 30);
  });
});

describe("campaigns", () => {
  it("run from their start (inclusive) to their end (exclusive) by the order's created_at", () => {
    expect(campaignRunsAt(doublePoints, new Date("2025-02-28T23:59:59.999Z"))).toBe(false);
    expect(campaignRunsAt(doublePoints, new Date("2025-03-01T00:00:00Z"))).toBe(true);
    expect(campaignRunsAt(doublePoints, new Date("2025-03-02T23:59:59.999Z"))).toBe(true);
    expect(campaignRunsAt(doublePoints, new Date("2025-03-03T00:00:00Z"))).toBe(false);
  });

  it("price an order by when it was created, not when a later update arrives", () => {
    const p = program({ campaigns: [doublePoints] });
    const inside = orderSnapshot({ createdAt: new Date("2025-03-02T23:59:59Z"), updatedAt: new Date("2025-03-05T00:00:00Z"), currentSubtotalMinor: 1000 });
    expect(pointsWorthForOrder(inside, p, earningContextFor(p, inside.createdAt)).points).toBe(20);
    const after = { ...inside, createdAt: new Date("2025-03-03T00:00:00Z") };
    expect(pointsWorthForOrder(after, p, earningContextFor(p, after.createdAt)).points).toBe(10);
    // A context that lists a campaign which did not run at creation does not apply it.
    expect(pointsWorthForOrder(after, p, { tierMultiplierPercent: 100, campaigns: [doublePoints] }).points).toBe(10);
  });
});

describe("orders that earn nothing", () => {
  const p = program({ pointsPerOrder: 10, campaigns: [{ ...doublePoints, kind: "bonus", bonusPoints: 5 } as Campaign] });
  it("cancelled, test, fully refunded", () => {
    const ctx = earningContextFor(p, T0);
    expect(pointsWorthForOrder(orderSnapshot({ cancelled: true }), p, ctx)).toMatchObject({ points: 0, breakdown: { nothingEarnedBecause: "cancelled" } });
    expect(pointsWorthForOrder(orderSnapshot({ test: true }), p, ctx)).toMatchObject({ points: 0, breakdown: { nothingEarnedBecause: "test-order" } });
    const refunded = orderSnapshot({ currentSubtotalMinor: 0, lines: [line({ currentQuantity: 0, unitPriceMinor: 5790 })], refundCount: 1 });
    expect(pointsWorthForOrder(refunded, p, ctx)).toMatchObject({ points: 0, breakdown: { nothingEarnedBecause: "nothing-kept" } });
  });
});

describe("payment: points are earned with the money", () => {
  const p = program({ pointsPerOrder: 10, campaigns: [{ ...doublePoints, kind: "bonus", bonusPoints: 5 } as Campaign] });
  const ctx = earningContextFor(p, T0);
  const unpaid = { totalMinor: 5790, outstandingMinor: 5790 };

  it("an order not paid yet earns nothing until it is, a voided one never", () => {
    for (const financialStatus of ["pending", "authorized"]) {
      expect(pointsWorthForOrder(orderSnapshot({ financialStatus, ...unpaid }), p, ctx)).toMatchObject({ points: 0, breakdown: { nothingEarnedBecause: "awaiting-payment" } });
    }
    expect(pointsWorthForOrder(orderSnapshot({ financialStatus: "voided", ...unpaid }), p, ctx)).toMatchObject({ points: 0, breakdown: { nothingEarnedBecause: "voided" } });
    // 57 for 57.90, 10 per order, 5 from the bonus campaign.
    expect(pointsWorthForOrder(orderSnapshot({ financialStatus: "paid", totalMinor: 5790, outstandingMinor: 0 }), p, ctx).points).toBe(72);
  });

  it("a partially paid order earns the paid share of its spend points; fixed points and bonuses come with full payment", () => {
    // 40.00 of 57.90 paid: 57.90 × 4000 / 5790 = 40.00 → 40 points.
    const partly = pointsWorthForOrder(orderSnapshot({ financialStatus: "partially_paid", totalMinor: 5790, outstandingMinor: 1790 }), p, ctx);
    expect(partly).toMatchObject({ points: 40, breakdown: { spendPoints: 40, orderPoints: 0, campaignBonusPoints: 0, nothingEarnedBecause: null } });
    // With shipping in the total, the share is of the total: 30.00 of 60.00 paid → half of 57.90 → 28 points.
    expect(worth({ financialStatus: "partially_paid", totalMinor: 6000, outstandingMinor: 3000 })).toBe(28);
    // Nothing paid yet, or the payload lacks the totals: nothing.
    expect(pointsWorthForOrder(orderSnapshot({ financialStatus: "partially_paid", totalMinor: null, outstandingMinor: null }), p, ctx)).toMatchObject({
      points: 0,
      breakdown: { nothingEarnedBecause: "awaiting-payment" },
    });
  });

  it("the paid share never earns more than the whole order", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 0, max: 1_000_000 }), (subtotal, total, outstanding) => {
        const paidInFull = worth({ currentSubtotalMinor: subtotal, lines: [line({ unitPriceMinor: subtotal })] });
        const partly = worth({ currentSubtotalMinor: subtotal, lines: [line({ unitPriceMinor: subtotal })], financialStatus: "partially_paid", totalMinor: total, outstandingMinor: outstanding });
        expect(partly).toBeGreaterThanOrEqual(0);
        expect(partly).toBeLessThanOrEqual(paidInFull);
      }),
    );
  });
});

describe("pointsAdjustmentForOrder", () => {
  it("posts the difference between the worth now and what was awarded", () => {
    expect(pointsAdjustmentForOrder(0, 57)).toBe(57);
    expect(pointsAdjustmentForOrder(57, 35)).toBe(-22);
    expect(pointsAdjustmentForOrder(57, 0)).toBe(-57);
    expect(pointsAdjustmentForOrder(57, 57)).toBe(0);
  });
});

describe("worth properties", () => {
  const arbProgram = fc.record({
    earnRate: fc.record({ points: fc.integer({ min: 1, max: 1000 }), perCurrencyUnits: fc.integer({ min: 1, max: 1000 }) }),
    minimumOrderMinor: fc.integer({ min: 0, max: 100_000 }),
    pointsPerOrder: fc.integer({ min: 0, max: 1000 }),
    productBonuses: fc.array(fc.record({ target: fc.constant("product" as const), targetId: fc.constantFrom("100", "200"), pointsPerUnit: fc.integer({ min: 1, max: 100 }) }), { maxLength: 3 }),
    pendingDays: fc.constant(0),
  });
  const arbContext = fc.record({
    tierMultiplierPercent: fc.integer({ min: 100, max: 1000 }),
    campaigns: fc.subarray([doublePoints, { ...doublePoints, id: "b", kind: "bonus", bonusPoints: 7 } as Campaign]),
  });
  const arbCurrency = fc.constantFrom("EUR", "JPY", "KWD");

  it("is never negative", () => {
    fc.assert(
      fc.property(arbProgram, arbContext, fc.integer({ min: -1e6, max: 1e11 }), arbCurrency, fc.boolean(), fc.boolean(), (p, ctx, amount, currency, cancelled, test) => {
        const points = worth({ currentSubtotalMinor: amount, currency, cancelled, test }, { ...DEFAULT_PROGRAM, ...p }, ctx);
        expect(Number.isSafeInteger(points)).toBe(true);
        expect(points).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it("never falls when the amount spent rises", () => {
    fc.assert(
      fc.property(arbProgram, arbContext, fc.integer({ min: 0, max: 1e11 }), fc.integer({ min: 0, max: 1e9 }), arbCurrency, (p, ctx, amount, more, currency) => {
        const full = { ...DEFAULT_PROGRAM, ...p };
        expect(worth({ currentSubtotalMinor: amount + more, currency }, full, ctx)).toBeGreaterThanOrEqual(worth({ currentSubtotalMinor: amount, currency }, full, ctx));
      }),
    );
  });
});

describe("an order of a customer held out of a test of the whole program", () => {
  it("earns nothing, whatever it is worth, and says why", () => {
    const p = program({ pointsPerOrder: 10 });
    const held = pointsWorthForOrder(orderSnapshot({}), p, { ...plain, programHoldout: true });
    expect(held.points).toBe(0);
    expect(held.breakdown.nothingEarnedBecause).toBe("program-holdout");
    expect(worth({}, p, plain)).toBeGreaterThan(0);
  });
});
