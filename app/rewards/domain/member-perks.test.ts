import { buildClientSchema, coerceInputValue, type IntrospectionQuery } from "graphql";
import { describe, expect, it } from "vitest";
import { adminSchemaIntrospection, ADMIN_API_VERSION } from "../../../scripts/admin-schema";
import { memberDiscountChanges, memberDiscountInput, memberDiscountPercent, stampCardOrderOf, stampCardProgress, stampCardStanding, type MemberDiscountCodeState, type StampCard, type StampCardOrder, type StampOrderSnapshot } from "./member-perks";

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

describe("stamps from the engine's order state", () => {
  const snap = (over: Partial<StampOrderSnapshot> = {}): StampOrderSnapshot => ({
    createdAt: new Date("2026-03-01T10:00:00Z"),
    cancelled: false,
    test: false,
    currency: "EUR",
    currentSubtotalMinor: 2000,
    lines: [{ giftCard: false, currentQuantity: 1, unitPriceMinor: 2000 }],
    ...over,
  });
  it("reads cancellation, full refund, gift cards and test orders", () => {
    expect(stampCardOrderOf(snap())).toEqual({ placedAt: new Date("2026-03-01T10:00:00Z"), subtotal: { amountMinor: 2000, currency: "EUR" }, cancelled: false, fullyRefunded: false });
    expect(stampCardOrderOf(snap({ test: true }))).toBeNull();
    expect(stampCardOrderOf(snap({ lines: [{ giftCard: false, currentQuantity: 0, unitPriceMinor: 2000 }], currentSubtotalMinor: 0 }))!.fullyRefunded).toBe(true);
    // Only a gift card kept: nothing bought that a stamp could be for.
    const giftOnly = stampCardOrderOf(snap({ lines: [{ giftCard: true, currentQuantity: 1, unitPriceMinor: 2500 }, { giftCard: false, currentQuantity: 0, unitPriceMinor: 500 }], currentSubtotalMinor: 2500 }))!;
    expect(giftOnly).toMatchObject({ fullyRefunded: true, subtotal: { amountMinor: 0 } });
    expect(stampCardOrderOf(snap({ cancelled: true }))!.cancelled).toBe(true);
  });
});

describe("stamp card standing: rewards follow the most stamps ever held", () => {
  it("owes each full card once", () => {
    expect(stampCardStanding(7, 3, [])).toEqual({ stamps: 7, stampsRequired: 3, rewardsEarned: 2, stampsOnCurrentCard: 1, stampsToNextReward: 2, rewardsDue: [1, 2] });
    expect(stampCardStanding(7, 3, [1])).toMatchObject({ rewardsEarned: 2, rewardsDue: [2] });
    expect(stampCardStanding(7, 3, [1, 2])).toMatchObject({ rewardsEarned: 2, rewardsDue: [] });
    expect(stampCardStanding(0, 3, [])).toMatchObject({ rewardsEarned: 0, stampsOnCurrentCard: 0, stampsToNextReward: 3, rewardsDue: [] });
  });

  it("does not claw back an issued reward after a refund; the missing stamps are needed again", () => {
    // 3 stamps → reward 1 issued; one order refunded → 2 stamps.
    expect(stampCardStanding(2, 3, [1])).toEqual({ stamps: 2, stampsRequired: 3, rewardsEarned: 1, stampsOnCurrentCard: 0, stampsToNextReward: 4, rewardsDue: [] });
    // Back to 3, then on to 6: only then is reward 2 due.
    expect(stampCardStanding(3, 3, [1])).toMatchObject({ stampsOnCurrentCard: 0, stampsToNextReward: 3, rewardsDue: [] });
    expect(stampCardStanding(6, 3, [1])).toMatchObject({ rewardsEarned: 2, rewardsDue: [2] });
  });

  it("is idempotent: issuing what is due leaves nothing due, in any order of stamps seen", () => {
    for (let required = 1; required <= 5; required++) {
      let issued: number[] = [];
      for (const stamps of [4, 9, 2, 11, 11, 0, 15, 3]) {
        const s = stampCardStanding(stamps, required, issued);
        issued = [...issued, ...s.rewardsDue];
        expect(stampCardStanding(stamps, required, issued).rewardsDue).toEqual([]);
        expect(new Set(issued).size).toBe(issued.length);
      }
      expect(issued.sort((a, b) => a - b)).toEqual(Array.from({ length: Math.floor(15 / required) }, (_, i) => i + 1));
    }
  });

  it("refuses nonsense", () => {
    expect(() => stampCardStanding(-1, 3, [])).toThrow(RangeError);
    expect(() => stampCardStanding(1, 0, [])).toThrow(RangeError);
  });
});

describe("member discount codes: desired against existing", () => {
  const gold = { percent: 10, combinesWithOtherDiscounts: false };
  const row = (customerId: string, percent: number, code: string, status: MemberDiscountCodeState["status"] = "active"): MemberDiscountCodeState => ({ customerId, percent, combinesWithOtherDiscounts: false, code, status });

  it("creates missing codes, keeps matching ones, removes the rest", () => {
    const desired = new Map([["1", gold], ["2", gold], ["3", { percent: 5, combinesWithOtherDiscounts: false }]]);
    const changes = memberDiscountChanges(desired, [row("2", 10, "B"), row("3", 10, "C"), row("4", 10, "D"), row("5", 10, "E", "removing"), row("6", 10, "F", "removed")]);
    expect(changes).toEqual({ create: [{ customerId: "1", terms: gold }, { customerId: "3", terms: { percent: 5, combinesWithOtherDiscounts: false } }], remove: ["C", "D", "E"] });
  });

  it("removes a duplicate live code and does not retry a code Shopify refused", () => {
    expect(memberDiscountChanges(new Map([["1", gold]]), [row("1", 10, "A"), row("1", 10, "A2", "creating")])).toEqual({ create: [], remove: ["A2"] });
    expect(memberDiscountChanges(new Map([["1", gold]]), [row("1", 10, "A", "refused")])).toEqual({ create: [], remove: [] });
    // A refused code never existed in Shopify: nothing to remove when the terms change.
    expect(memberDiscountChanges(new Map([["1", { percent: 15, combinesWithOtherDiscounts: false }]]), [row("1", 10, "A", "refused")]).remove).toEqual([]);
  });

  it("has nothing to do once the changes are applied", () => {
    const desired = new Map([["1", gold], ["2", gold]]);
    const existing = [row("2", 5, "B"), row("3", 10, "C")];
    const { create, remove } = memberDiscountChanges(desired, existing);
    const after: MemberDiscountCodeState[] = [
      ...existing.map((r) => (remove.includes(r.code) ? { ...r, status: "removed" as const } : r)),
      ...create.map((c, i) => ({ customerId: c.customerId, ...c.terms, code: `N${i}`, status: "active" as const })),
    ];
    expect(memberDiscountChanges(desired, after)).toEqual({ create: [], remove: [] });
  });

  it("builds an unlimited, customer-only percentage code without an end", () => {
    const input = memberDiscountInput({ customerGid: "gid://shopify/Customer/7", code: "MEMBER-AAAA-BBBB", terms: { percent: 15, combinesWithOtherDiscounts: true }, startsAt: new Date("2026-11-23T00:00:00Z"), title: "Gold" });
    expect(input.basicCodeDiscount).toMatchObject({ context: { customers: { add: ["gid://shopify/Customer/7"] } }, appliesOncePerCustomer: false, customerGets: { value: { percentage: 0.15 } } });
    expect(input.basicCodeDiscount).not.toHaveProperty("endsAt");
    expect(input.basicCodeDiscount).not.toHaveProperty("usageLimit");
    expect(() => memberDiscountInput({ ...{ customerGid: "7", code: "X", title: "t", startsAt: new Date() }, terms: gold })).toThrow(RangeError);
  });
});

describe("member discount input against the real Admin schema", () => {
  const schema = buildClientSchema(adminSchemaIntrospection(ADMIN_API_VERSION) as IntrospectionQuery);
  const arg = schema.getMutationType()!.getFields().discountCodeBasicCreate!.args.find((a) => a.name === "basicCodeDiscount")!;
  it("coerces without errors", () => {
    const input = memberDiscountInput({ customerGid: "gid://shopify/Customer/7", code: "MEMBER-AAAA-BBBB", terms: { percent: 12, combinesWithOtherDiscounts: false }, startsAt: new Date("2026-11-23T00:00:00Z"), title: "Treue member discount: Gold" });
    const errors: string[] = [];
    coerceInputValue(input.basicCodeDiscount, arg.type, (path, _v, error) => errors.push(`${path.join(".")}: ${error.message}`));
    expect(errors).toEqual([]);
    // …and would catch a wrong shape.
    coerceInputValue({ ...input.basicCodeDiscount, endsOn: "never" }, arg.type, (path, _v, error) => errors.push(`${path.join(".")}: ${error.message}`));
    expect(errors.length).toBe(1);
  });
});
