import { describe, expect, it } from "vitest";
import { DEFAULT_COMBINES_WITH, rewardsForBuyer, type Reward } from "./catalog";
import { rewardFormValues, rewardFromForm, rewardIdFor, type RewardFormValues } from "./reward-form";

const blank: RewardFormValues = {
  id: "",
  kind: "fixed-amount-off",
  title: "",
  pointsCost: "",
  amountOff: "",
  percentOff: "",
  maximumShippingPrice: "",
  productVariantId: "",
  credit: "",
  creditExpiresInDays: "",
  minimumSubtotal: "",
  combinesWithProductDiscounts: true,
  combinesWithOrderDiscounts: false,
  combinesWithShippingDiscounts: true,
};
const form = (v: Partial<RewardFormValues>) => ({ ...blank, ...v });
const ok = (v: Partial<RewardFormValues>, currency = "EUR") => {
  const r = rewardFromForm(form(v), currency, new Set(["10-off"]));
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.reward;
};
const problemsOf = (v: Partial<RewardFormValues>, currency = "EUR") => {
  const r = rewardFromForm(form(v), currency, new Set());
  return r.ok ? [] : r.problems.map((p) => `${p.code}:${p.field}`);
};

describe("the reward form: store credit", () => {
  it("reads the credit and its expiry, and shows them again", () => {
    const r = rewardFromForm(form({ kind: "store-credit", title: "5 € credit", pointsCost: "500", credit: "5,00", creditExpiresInDays: "90" }), "EUR", new Set());
    expect(r).toEqual({
      ok: true,
      reward: { id: "5-credit", kind: "store-credit", title: "5 € credit", pointsCost: 500, credit: { amountMinor: 500, currency: "EUR" }, expiresInDays: 90, combinesWith: DEFAULT_COMBINES_WITH },
    });
    if (r.ok) expect(rewardFormValues(r.reward, "EUR")).toMatchObject({ kind: "store-credit", credit: "5.00", creditExpiresInDays: "90", amountOff: "" });
    expect(problemsOf({ kind: "store-credit", title: "x", pointsCost: "1", credit: "" })).toEqual(["amount-invalid:credit"]);
    expect(problemsOf({ kind: "store-credit", title: "x", pointsCost: "1", credit: "5", creditExpiresInDays: "0" })).toEqual(["expiry-days-invalid:creditExpiresInDays"]);
  });
});

describe("the reward form", () => {
  it("turns each kind's fields into a reward in minor units of the shop currency", () => {
    expect(ok({ title: "10 € off", pointsCost: "1000", amountOff: "10,00", minimumSubtotal: "50" })).toEqual({
      id: "10-off-2",
      kind: "fixed-amount-off",
      title: "10 € off",
      pointsCost: 1000,
      amountOff: { amountMinor: 1000, currency: "EUR" },
      minimumSubtotal: { amountMinor: 5000, currency: "EUR" },
      combinesWith: DEFAULT_COMBINES_WITH,
    });
    expect(ok({ kind: "percentage-off", title: "15 %", pointsCost: "800", percentOff: "15" })).toMatchObject({ kind: "percentage-off", percentOff: 15 });
    expect(ok({ kind: "free-shipping", title: "Ship", pointsCost: "300", maximumShippingPrice: "1000" }, "JPY")).toMatchObject({
      maximumShippingPrice: { amountMinor: 1000, currency: "JPY" },
    });
    expect(ok({ kind: "free-shipping", title: "Ship", pointsCost: "300" })).not.toHaveProperty("maximumShippingPrice");
    expect(ok({ kind: "free-product", title: "Mug", pointsCost: "900", productVariantId: "4711" })).toMatchObject({ productVariantId: "gid://shopify/ProductVariant/4711" });
    expect(ok({ title: "x", pointsCost: "1", amountOff: "1", combinesWithOrderDiscounts: true, combinesWithProductDiscounts: false }).combinesWith).toEqual({
      productDiscounts: false,
      orderDiscounts: true,
      shippingDiscounts: true,
    });
    // An edit keeps its id whatever the title says.
    expect(ok({ id: "default-5-off", title: "Five off", pointsCost: "500", amountOff: "5" }).id).toBe("default-5-off");
  });

  it("reports every problem with the field it belongs to", () => {
    expect(problemsOf({})).toEqual(["amount-invalid:amountOff", "points-cost-invalid:pointsCost"]);
    expect(problemsOf({ title: "   ", pointsCost: "1", amountOff: "1" })).toEqual([]);
    expect(problemsOf({ title: "x", pointsCost: "-5", amountOff: "abc", minimumSubtotal: "lots" })).toEqual([
      "minimum-subtotal-invalid:minimumSubtotal",
      "amount-invalid:amountOff",
      "points-cost-invalid:pointsCost",
    ]);
    expect(problemsOf({ title: "x", pointsCost: "1.5", amountOff: "0" })).toEqual(["points-cost-invalid:pointsCost", "amount-invalid:amountOff"]);
    expect(problemsOf({ kind: "percentage-off", title: "x", pointsCost: "1", percentOff: "101" })).toEqual(["percent-out-of-range:percentOff"]);
    expect(problemsOf({ kind: "percentage-off", title: "x", pointsCost: "1", percentOff: "" })).toEqual(["percent-out-of-range:percentOff"]);
    expect(problemsOf({ kind: "free-product", title: "x", pointsCost: "1", productVariantId: "gid://shopify/Product/1" })).toEqual(["product-variant-invalid:productVariantId"]);
    expect(problemsOf({ kind: "gift-card", title: "x", pointsCost: "1" })).toEqual(["kind-invalid:kind"]);
    expect(problemsOf({ id: "Not An Id!", title: "x", pointsCost: "1", amountOff: "1" })).toEqual(["id-invalid:id"]);
    expect(problemsOf({ title: "x".repeat(256), pointsCost: "1", amountOff: "1" })).toEqual(["title-too-long:title"]);
  });

  it("round-trips a stored reward through the form", () => {
    const rewards: Reward[] = [
      { id: "a", kind: "fixed-amount-off", title: "A", pointsCost: 500, amountOff: { amountMinor: 550, currency: "EUR" }, minimumSubtotal: { amountMinor: 2000, currency: "EUR" }, combinesWith: DEFAULT_COMBINES_WITH },
      { id: "b", kind: "percentage-off", title: "B", pointsCost: 700, percentOff: 12, combinesWith: { productDiscounts: false, orderDiscounts: true, shippingDiscounts: false } },
      { id: "c", kind: "free-shipping", title: "C", pointsCost: 300, maximumShippingPrice: { amountMinor: 990, currency: "EUR" }, combinesWith: DEFAULT_COMBINES_WITH },
      { id: "d", kind: "free-product", title: "D", pointsCost: 900, productVariantId: "gid://shopify/ProductVariant/9", combinesWith: DEFAULT_COMBINES_WITH },
    ];
    for (const reward of rewards) expect(rewardFromForm(rewardFormValues(reward, "EUR"), "EUR", new Set())).toEqual({ ok: true, reward });
  });

  it("names a reward left unnamed after what it gives, and keeps it unnamed through an edit", () => {
    const reward = ok({ title: "", pointsCost: "500", amountOff: "5" });
    expect(reward).toMatchObject({ id: "5-00-off", title: "€5.00 off", autoTitle: true });
    // The form shows the name empty again (the placeholder is the generated name), so an edit keeps it generated.
    expect(rewardFormValues(reward, "EUR").title).toBe("");
    expect(rewardFromForm(rewardFormValues(reward, "EUR"), "EUR", new Set())).toEqual({ ok: true, reward });
    // A changed amount renames it.
    expect(ok({ ...rewardFormValues(reward, "EUR"), amountOff: "7,50" })).toMatchObject({ id: "5-00-off", title: "€7.50 off", autoTitle: true });
    // Named by the merchant: their name, nothing generated.
    expect(ok({ ...rewardFormValues(reward, "EUR"), title: "Summer treat" })).not.toHaveProperty("autoTitle");
  });

  it("derives readable, unique ids from titles", () => {
    expect(rewardIdFor("Gratis Versand für Stammkunden!", new Set())).toBe("gratis-versand-fur-stammkunden");
    expect(rewardIdFor("!!!", new Set())).toBe("reward");
    expect(rewardIdFor("5 off", new Set(["5-off", "5-off-2"]))).toBe("5-off-3");
  });
});

describe("rewards as a buyer sees them", () => {
  it("lists the catalog cheapest first with whether the balance covers each", () => {
    const r = (id: string, pointsCost: number): Reward => ({ id, kind: "percentage-off", title: id, pointsCost, percentOff: 5, combinesWith: DEFAULT_COMBINES_WITH });
    expect(rewardsForBuyer(500, [r("big", 1000), r("a", 500), r("b", 500), r("small", 100)])).toEqual([
      { id: "small", title: "small", pointsCost: 100, affordable: true, kind: "percentage-off" },
      { id: "a", title: "a", pointsCost: 500, affordable: true, kind: "percentage-off" },
      { id: "b", title: "b", pointsCost: 500, affordable: true, kind: "percentage-off" },
      { id: "big", title: "big", pointsCost: 1000, affordable: false, kind: "percentage-off" },
    ]);
    expect(rewardsForBuyer(0, [r("a", 1)])[0].affordable).toBe(false);
  });
});
