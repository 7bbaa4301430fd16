import { describe, expect, it } from "vitest";
import { affordableRewards, catalogProblems, cheapestReward, DEFAULT_COMBINES_WITH, defaultRewardCatalog, rewardProblems, type Reward } from "./catalog";

const eur = (amountMinor: number) => ({ amountMinor, currency: "EUR" });
const base = { title: "Reward", pointsCost: 100, combinesWith: DEFAULT_COMBINES_WITH };

describe("the default catalog", () => {
  it("is 5.00 off and 5.00 of store credit (every plan, no code), each for 500 points, in the shop currency, named in the reader's language", () => {
    expect(defaultRewardCatalog("eur")).toEqual([
      { id: "default-5-off", kind: "fixed-amount-off", title: "€5.00 off", autoTitle: true, pointsCost: 500, amountOff: eur(500), combinesWith: DEFAULT_COMBINES_WITH },
      { id: "default-5-credit", kind: "store-credit", title: "€5.00 store credit", autoTitle: true, pointsCost: 500, credit: eur(500), combinesWith: DEFAULT_COMBINES_WITH },
    ]);
    expect(defaultRewardCatalog("JPY")[1]).toMatchObject({ credit: { amountMinor: 5, currency: "JPY" } });
    expect(defaultRewardCatalog("JPY")[0]).toMatchObject({ amountOff: { amountMinor: 5, currency: "JPY" } });
    expect(defaultRewardCatalog("KWD")[0]).toMatchObject({ amountOff: { amountMinor: 5000, currency: "KWD" } });
    expect(catalogProblems(defaultRewardCatalog("EUR"), "EUR")).toEqual([]);
  });
});

describe("validating rewards", () => {
  it("accepts one reward of every kind", () => {
    const rewards: Reward[] = [
      { ...base, id: "a", kind: "fixed-amount-off", amountOff: eur(500), minimumSubtotal: eur(2000) },
      { ...base, id: "b", kind: "percentage-off", percentOff: 10 },
      { ...base, id: "c", kind: "free-shipping", maximumShippingPrice: eur(990) },
      { ...base, id: "d", kind: "free-product", productVariantId: "gid://shopify/ProductVariant/123" },
      { ...base, id: "e", kind: "store-credit", credit: eur(500) },
      { ...base, id: "f", kind: "store-credit", credit: eur(1000), expiresInDays: 365 },
    ];
    expect(catalogProblems(rewards, "EUR")).toEqual([]);
  });

  it("names each problem with a stable code and field", () => {
    const codes = (reward: Reward) => rewardProblems(reward, "EUR").map((p) => `${p.code}:${p.field}`);
    expect(codes({ ...base, id: "a", title: "  ", pointsCost: 0, kind: "fixed-amount-off", amountOff: eur(0) })).toEqual([
      "title-missing:title",
      "points-cost-invalid:pointsCost",
      "amount-invalid:amountOff",
    ]);
    expect(codes({ ...base, id: "a", title: "x".repeat(256), pointsCost: 2.5, kind: "percentage-off", percentOff: 101 })).toEqual([
      "title-too-long:title",
      "points-cost-invalid:pointsCost",
      "percent-out-of-range:percentOff",
    ]);
    expect(codes({ ...base, id: "a", kind: "fixed-amount-off", amountOff: { amountMinor: 500, currency: "USD" }, minimumSubtotal: eur(-1) })).toEqual([
      "minimum-subtotal-invalid:minimumSubtotal",
      "currency-not-shop-currency:amountOff",
    ]);
    expect(codes({ ...base, id: "a", kind: "free-product", productVariantId: "gid://shopify/Product/123" })).toEqual(["product-variant-invalid:productVariantId"]);
    expect(rewardProblems({ ...base, id: "a", kind: "free-shipping", maximumShippingPrice: { amountMinor: 5, currency: "CHF" } }, "EUR")).toEqual([
      { code: "currency-not-shop-currency", index: 0, field: "maximumShippingPrice", params: { currency: "CHF", shopCurrency: "EUR" } },
    ]);
  });

  it("finds an id used twice in a catalog", () => {
    const reward: Reward = { ...base, id: "same", kind: "percentage-off", percentOff: 5 };
    expect(catalogProblems([reward, reward], "EUR")).toEqual([{ code: "duplicate-id", index: 1, field: "id", params: { id: "same" } }]);
  });
});

describe("store credit rewards", () => {
  it("credit a positive amount in the shop currency, expiring after 1 to 3650 days if at all", () => {
    const credit = (over: Partial<Extract<Reward, { kind: "store-credit" }>>): Reward => ({ ...base, id: "sc", kind: "store-credit", credit: eur(500), ...over });
    const codes = (r: Reward) => rewardProblems(r, "EUR").map((p) => `${p.code}:${p.field}`);
    expect(codes(credit({}))).toEqual([]);
    expect(codes(credit({ credit: eur(0) }))).toEqual(["amount-invalid:credit"]);
    expect(codes(credit({ credit: { amountMinor: 500, currency: "USD" } }))).toEqual(["currency-not-shop-currency:credit"]);
    expect(codes(credit({ expiresInDays: 0 }))).toEqual(["expiry-days-invalid:expiresInDays"]);
    expect(codes(credit({ expiresInDays: 3651 }))).toEqual(["expiry-days-invalid:expiresInDays"]);
    expect(codes(credit({ expiresInDays: 1.5 }))).toEqual(["expiry-days-invalid:expiresInDays"]);
    expect(codes(credit({ expiresInDays: 3650 }))).toEqual([]);
  });
});

describe("affordableRewards", () => {
  const catalog = [
    { id: "20-off", pointsCost: 2000 },
    { id: "5-off", pointsCost: 500 },
    { id: "shipping", pointsCost: 300 },
    { id: "also-500", pointsCost: 500 },
  ];
  it("lists what the balance covers, cheapest first, ties in catalog order", () => {
    expect(affordableRewards(620, catalog).map((r) => r.id)).toEqual(["shipping", "5-off", "also-500"]);
    expect(affordableRewards(500, catalog).map((r) => r.id)).toEqual(["shipping", "5-off", "also-500"]);
    expect(affordableRewards(299, catalog)).toEqual([]);
    expect(affordableRewards(0, [])).toEqual([]);
  });
});

describe("cheapestReward", () => {
  it("is the reward a balance reaches first, the first in catalog order among equal costs", () => {
    const r = (id: string, pointsCost: number) => ({ id, pointsCost });
    expect(cheapestReward([r("ten", 1_000), r("five-off", 500), r("five-credit", 500)])?.id).toBe("five-off");
    expect(cheapestReward([r("only", 300)])?.id).toBe("only");
    expect(cheapestReward([])).toBeUndefined();
  });
});
