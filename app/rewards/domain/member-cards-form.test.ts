import { describe, expect, it } from "vitest";
import { activeStampCard, memberCardsFormValues, memberCardsFromForm, memberCardsFromJson, NO_MEMBER_CARDS, type MemberCardsFormValues } from "./member-cards-form";

const ctx = {
  shopCurrency: "EUR",
  tiers: [
    { id: "silver", name: "Silver" },
    { id: "gold", name: "Gold" },
  ],
  rewardIds: new Set(["default-5-off", "free-coffee"]),
  previous: NO_MEMBER_CARDS,
  now: new Date("2026-11-23T18:00:00Z"),
};
const form = (over: Partial<MemberCardsFormValues> = {}): MemberCardsFormValues => ({
  percentByTier: { silver: "", gold: "" },
  combinesWithOtherDiscounts: false,
  stampsEnabled: false,
  stampsRequired: "",
  stampRewardId: "",
  stampMinimumSubtotal: "",
  stampStartsOn: "",
  ...over,
});

describe("member cards form", () => {
  it("saves percentages per tier and a stamp card starting now", () => {
    const result = memberCardsFromForm(form({ percentByTier: { silver: "5", gold: " 10 " }, combinesWithOtherDiscounts: true, stampsEnabled: true, stampsRequired: "10", stampRewardId: "free-coffee", stampMinimumSubtotal: "12,50" }), ctx);
    expect(result).toEqual({
      ok: true,
      settings: {
        discount: { percentOffByTier: { silver: 5, gold: 10 }, combinesWithOtherDiscounts: true },
        stamps: { enabled: true, stampsRequired: 10, rewardId: "free-coffee", startsAt: "2026-11-23T18:00:00.000Z", minimumSubtotal: { amountMinor: 1250, currency: "EUR" } },
      },
    });
  });

  it("reports every problem with its field", () => {
    const result = memberCardsFromForm(
      form({ percentByTier: { silver: "0", gold: "101", bronze: "5" }, stampsEnabled: true, stampsRequired: "1", stampRewardId: "", stampMinimumSubtotal: "abc", stampStartsOn: "2026-02-30" }),
      ctx,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => [p.field, p.code])).toEqual([
      ["percent.silver", "percent-invalid"],
      ["percent.gold", "percent-invalid"],
      ["percent.bronze", "tier-unknown"],
      ["stampsRequired", "stamps-required-invalid"],
      ["stampRewardId", "reward-missing"],
      ["stampMinimumSubtotal", "minimum-subtotal-invalid"],
      ["stampStartsOn", "starts-on-invalid"],
    ]);
    expect(result.problems[0].params).toEqual({ min: 1, max: 100 });
    expect(result.problems[3].params).toEqual({ min: 2, max: 100 });
  });

  it("refuses a reward that is not in the catalog and a fractional stamp count", () => {
    const result = memberCardsFromForm(form({ stampsEnabled: true, stampsRequired: "2.5", stampRewardId: "nope" }), ctx);
    expect(result.ok ? [] : result.problems.map((p) => p.code)).toEqual(["stamps-required-invalid", "reward-unknown"]);
  });

  it("keeps the card (its exact start) when the start date is unchanged, and starts a new card on a new date", () => {
    const first = memberCardsFromForm(form({ stampsEnabled: true, stampsRequired: "5", stampRewardId: "free-coffee" }), ctx);
    if (!first.ok) throw new Error("expected ok");
    const values = memberCardsFormValues(first.settings, ctx.tiers, "EUR");
    expect(values.stampStartsOn).toBe("2026-11-23");
    const later = { ...ctx, previous: first.settings, now: new Date("2026-12-01T00:00:00Z") };
    const again = memberCardsFromForm({ ...values, stampsRequired: "6" }, later);
    if (!again.ok) throw new Error("expected ok");
    expect(activeStampCard(again.settings)!.id).toBe(activeStampCard(first.settings)!.id);
    const moved = memberCardsFromForm({ ...values, stampStartsOn: "2027-01-01" }, later);
    if (!moved.ok) throw new Error("expected ok");
    expect(moved.settings.stamps!.startsAt).toBe("2027-01-01T00:00:00.000Z");
    expect(activeStampCard(moved.settings)!.id).not.toBe(activeStampCard(first.settings)!.id);
  });

  it("leaves the stamp card alone when its fields are empty, and a switched-off card is inactive", () => {
    const result = memberCardsFromForm(form({ percentByTier: { gold: "10" } }), ctx);
    expect(result).toEqual({ ok: true, settings: { discount: { percentOffByTier: { gold: 10 }, combinesWithOtherDiscounts: false }, stamps: null } });
    const off = memberCardsFromForm(form({ stampsRequired: "4", stampRewardId: "free-coffee" }), ctx);
    if (!off.ok) throw new Error("expected ok");
    expect(off.settings.stamps!.enabled).toBe(false);
    expect(activeStampCard(off.settings)).toBeNull();
  });

  it("round-trips through JSON and drops what a stored row cannot mean", () => {
    const result = memberCardsFromForm(form({ percentByTier: { silver: "5", gold: "" }, stampsEnabled: true, stampsRequired: "3", stampRewardId: "free-coffee", stampMinimumSubtotal: "10" }), ctx);
    if (!result.ok) throw new Error("expected ok");
    expect(memberCardsFromJson(JSON.parse(JSON.stringify(result.settings)))).toEqual(result.settings);
    expect(memberCardsFromJson(null)).toEqual(NO_MEMBER_CARDS);
    expect(memberCardsFromJson({ discount: { percentOffByTier: { gold: 250, silver: 5 } }, stamps: { enabled: true } })).toEqual({
      discount: { percentOffByTier: { silver: 5 }, combinesWithOtherDiscounts: false },
      stamps: null,
    });
  });
});
