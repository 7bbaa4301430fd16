import { describe, expect, it } from "vitest";
import { memberDiscountPercent, stampCardProgress, type StampCard, type StampCardOrder } from "./member-perks";

describe("member discount card", () => {
  const card = { percentOffByTier: { silver: 5, gold: 10, broken: 150 }, combinesWithOtherDiscounts: false };
  it("gives each tier its percentage and nothing to others", () => {
    expect(memberDiscountPercent(card, "gold")).toBe(10);
    expect(memberDiscountPercent(card, "silver")).toBe(5);
    expect(memberDiscountPercent(card, "bronze")).toBeNull();
    expect(memberDiscountPercent(card, null)).toBeNull();
    expect(memberDiscountPercent(card, "broken")).toBeNull();
  });
});

describe("stamp card", () => {
  const card: StampCard = { id: "coffee", stampsRequired: 3, rewardId: "free-coffee", startsAt: new Date("2026-01-01T00:00:00Z"), minimumSubtotal: { amountMinor: 1000, currency: "EUR" } };
  const order = (day: string, amountMinor = 1500, extra: Partial<StampCardOrder> = {}): StampCardOrder => ({
    placedAt: new Date(`${day}T12:00:00Z`),
    subtotal: { amountMinor, currency: "EUR" },
    cancelled: false,
    fullyRefunded: false,
    ...extra,
  });

  it("counts qualifying orders since the card started; every third order earns the reward", () => {
    const orders = [
      order("2025-12-31"), // before the card started
      order("2026-01-02"),
      order("2026-01-03", 999), // below the minimum
      order("2026-01-04", 1000),
      order("2026-01-05", 1500, { cancelled: true }),
      order("2026-01-06", 1500, { fullyRefunded: true }),
      order("2026-01-07", 1500, { subtotal: { amountMinor: 5000, currency: "USD" } }),
      order("2026-01-08"),
      order("2026-01-09"),
    ];
    expect(stampCardProgress(orders, card)).toEqual({ stamps: 4, rewardsEarned: 1, stampsOnCurrentCard: 1, stampsToNextReward: 2 });
    expect(stampCardProgress([], card)).toEqual({ stamps: 0, rewardsEarned: 0, stampsOnCurrentCard: 0, stampsToNextReward: 3 });
  });

  it("refuses a card that needs no stamps", () => {
    expect(() => stampCardProgress([], { ...card, stampsRequired: 0 })).toThrow(RangeError);
  });
});
