import { describe, expect, it } from "vitest";
import { estimatePoints, parseLoyaltyState } from "./loyalty";

describe("reading GET /api/loyalty", () => {
  it("keeps well-formed fields, drops malformed rewards and defaults the optional ones", () => {
    const state = parseLoyaltyState({
      balance: 10,
      rewards: [{ id: "a", title: "A", pointsCost: 5, affordable: true, kind: "percentage-off" }, { id: "b", title: "B", pointsCost: -1 }, null],
      referral: { code: "X" },
      earnRate: { points: 1, perMinor: 0, currency: "EUR" },
    });
    expect(state).toEqual({
      customerId: null,
      balance: 10,
      pending: 0,
      lifetimeEarned: 0,
      tier: null,
      rewards: [{ id: "a", title: "A", pointsCost: 5, affordable: true, kind: "percentage-off" }],
      referral: null,
      earnRate: null,
      order: null,
      cards: { discount: null, stamps: null },
      birthday: null,
      inProgram: true,
    });
    // Only an explicit false takes a customer out of the program (an older app says nothing).
    expect(parseLoyaltyState({ balance: 0, inProgram: false }).inProgram).toBe(false);
    expect(parseLoyaltyState({ balance: 0, inProgram: "no" }).inProgram).toBe(true);
    expect(parseLoyaltyState({ balance: 0, birthday: "07-04" }).birthday).toBe("07-04");
    expect(parseLoyaltyState({ balance: 0, birthday: "4 July" }).birthday).toBeNull();
    expect(() => parseLoyaltyState({ balance: -1 })).toThrow();
    expect(() => parseLoyaltyState(null)).toThrow();
  });
});

describe("reading the member cards", () => {
  it("keeps well-formed cards and drops malformed ones", () => {
    const ok = parseLoyaltyState({ balance: 0, cards: { discount: { percent: 10, code: "MEMBER-AAAA-BBBB" }, stamps: { stampsOnCurrentCard: 2, stampsRequired: 5, rewardsEarned: 1 } } });
    expect(ok.cards).toEqual({ discount: { percent: 10, code: "MEMBER-AAAA-BBBB" }, stamps: { stampsOnCurrentCard: 2, stampsRequired: 5, rewardsEarned: 1 } });
    const bad = parseLoyaltyState({ balance: 0, cards: { discount: { percent: 0, code: "X" }, stamps: { stampsOnCurrentCard: 2, stampsRequired: 0, rewardsEarned: 1 } } });
    expect(bad.cards).toEqual({ discount: null, stamps: null });
  });
});

describe("what a guest's order would earn", () => {
  const rate = { points: 2, perMinor: 100, currency: "EUR" };
  it("rounds like the points engine: multiply, then floor once", () => {
    expect(estimatePoints({ amount: 57.9, currencyCode: "EUR" }, rate)).toBe(115);
    expect(estimatePoints({ amount: 0.29, currencyCode: "eur" }, { ...rate, points: 1 })).toBe(0);
    expect(estimatePoints({ amount: 1000, currencyCode: "JPY" }, { points: 1, perMinor: 100, currency: "JPY" })).toBe(10);
  });
  it("says nothing for another currency or no rate", () => {
    expect(estimatePoints({ amount: 57.9, currencyCode: "USD" }, rate)).toBeNull();
    expect(estimatePoints({ amount: 57.9, currencyCode: "EUR" }, null)).toBeNull();
  });
});
