import { describe, expect, it } from "vitest";
import { DEFAULT_COMBINES_WITH, defaultRewardCatalog, rewardsForBuyer, type Reward } from "./catalog";
import { formatRewardMoney, generatedRewardTitle, redeemedTitle, rewardTitle } from "./reward-title";

// Intl writes a no-break space between amount and symbol in German; compare with plain spaces.
const plain = (s: string) => s.replace(/\s/g, " ");
const base = { id: "r", title: "", autoTitle: true, pointsCost: 100, combinesWith: DEFAULT_COMBINES_WITH } as const;

describe("a reward's name", () => {
  it("is generated from what it gives, in the reader's language, with the shop currency", () => {
    const rewards: Reward[] = [
      { ...base, kind: "fixed-amount-off", amountOff: { amountMinor: 500, currency: "EUR" } },
      { ...base, kind: "percentage-off", percentOff: 15 },
      { ...base, kind: "free-shipping" },
      { ...base, kind: "free-product", productVariantId: "gid://shopify/ProductVariant/1" },
      { ...base, kind: "store-credit", credit: { amountMinor: 1250, currency: "GBP" } },
    ];
    expect(rewards.map((r) => plain(generatedRewardTitle(r, "en")))).toEqual(["€5.00 off", "15% off", "Free shipping", "Free product", "£12.50 store credit"]);
    expect(rewards.map((r) => plain(generatedRewardTitle(r, "de")))).toEqual(["5,00 € Rabatt", "15 % Rabatt", "Kostenloser Versand", "Gratisprodukt", "12,50 £ Guthaben"]);
  });

  it("writes the currency's own minor digits: none for yen, three for dinar", () => {
    expect(plain(formatRewardMoney({ amountMinor: 500, currency: "JPY" }, "en"))).toBe("JP¥500");
    expect(plain(formatRewardMoney({ amountMinor: 5000, currency: "KWD" }, "de"))).toBe("5,000 KWD");
  });

  it("formats each language and currency its own way however the calls interleave", () => {
    const calls: [number, string, "en" | "de"][] = [[500, "EUR", "en"], [500, "EUR", "de"], [500, "JPY", "en"], [1999, "EUR", "en"], [500, "JPY", "de"], [5000, "KWD", "de"], [500, "EUR", "de"]];
    expect(calls.map(([amountMinor, currency, locale]) => plain(formatRewardMoney({ amountMinor, currency }, locale)))).toEqual([
      "€5.00", "5,00 €", "JP¥500", "€19.99", "500 ¥", "5,000 KWD", "5,00 €",
    ]);
  });

  it("is the merchant's own name when they gave one, in every language", () => {
    const named: Reward = { id: "s", kind: "percentage-off", title: "Summer treat", pointsCost: 100, percentOff: 10, combinesWith: DEFAULT_COMBINES_WITH };
    expect(rewardTitle(named, "de")).toBe("Summer treat");
    const [fiveOff] = defaultRewardCatalog("EUR");
    expect(plain(rewardTitle(fiveOff, "de"))).toBe("5,00 € Rabatt");
    expect(rewardTitle(fiveOff, "en")).toBe("€5.00 off");
  });

  it("reaches buyers in their language", () => {
    expect(rewardsForBuyer(600, defaultRewardCatalog("EUR"), "de").map((r) => plain(r.title))).toEqual(["5,00 € Rabatt", "5,00 € Guthaben"]);
  });

  it("of a past redemption comes from its stored copy: generated again when unnamed, else as stored", () => {
    const [fiveOff] = defaultRewardCatalog("EUR");
    expect(plain(redeemedTitle(fiveOff, "de"))).toBe("5,00 € Rabatt");
    expect(redeemedTitle({ title: "5.00 off", kind: "fixed-amount-off" }, "de")).toBe("5.00 off");
    // A copy marked unnamed but missing its amount keeps its stored name rather than failing the page.
    expect(redeemedTitle({ title: "5.00 off", kind: "fixed-amount-off", autoTitle: true }, "de")).toBe("5.00 off");
    expect(redeemedTitle(null, "en")).toBe("");
  });
});
