import { describe, expect, it } from "vitest";
import { messages, type Locale, type MessageKey } from "./messages";
import { formatCount, localeFrom, translator, withLocale } from "./translate";

/** Every key with its plural forms spelled out ("list.total/one"), so both languages must have the same forms. */
function keysWithForms(table: Record<string, unknown>): string[] {
  return Object.entries(table)
    .flatMap(([key, value]) => (typeof value === "string" ? [key] : Object.keys(value as object).map((form) => `${key}/${form}`)))
    .sort();
}

const pluralKeys = (locale: Locale) => Object.entries(messages[locale]).filter(([, v]) => typeof v !== "string").map(([k]) => k as MessageKey);

describe("admin translations", () => {
  it("has every English key, and every plural form, in German too", () => {
    expect(keysWithForms(messages.de)).toEqual(keysWithForms(messages.en));
    expect(pluralKeys("en").length).toBeGreaterThan(0);
  });

  it("gives every plural key the forms its language needs (one and other in English and German)", () => {
    for (const locale of ["en", "de"] as const) {
      for (const key of pluralKeys(locale)) {
        const forms = messages[locale][key] as unknown as Record<string, string>;
        const needed = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;
        for (const form of needed) expect(forms[form], `${locale} ${key} lacks "${form}"`).toContain("{count}");
      }
    }
  });

  it("picks the plural form for 0, 1 and many, and formats the count for the language", () => {
    const en = translator("en");
    const de = translator("de");
    expect(en("list.total", { count: 0 })).toBe("0 customers in this segment");
    expect(en("list.total", { count: 1 })).toBe("1 customer in this segment");
    expect(en("list.total", { count: 25900 })).toBe("25,900 customers in this segment");
    expect(de("list.total", { count: 0 })).toBe("0 Kunden in diesem Segment");
    expect(de("list.total", { count: 1 })).toBe("1 Kunde in diesem Segment");
    expect(de("list.total", { count: 25900 })).toBe("25.900 Kunden in diesem Segment");
    expect(en("program.preview", { amount: "0.50", currency: "EUR", count: 1 })).toBe("An order of 0.50 EUR earns 1 point.");
    expect(de("program.preview", { amount: "57.90", currency: "EUR", count: 57 })).toBe("Eine Bestellung über 57.90 EUR bringt 57 Punkte.");
  });

  it("builds sentences with several counts from count fragments, each in its own plural form and German case", () => {
    const held = (locale: Locale, orders: number, refunds: number, customers: number) => {
      const t = translator(locale);
      return t("dash.import.held", {
        orders: t("count.orders", { count: orders }),
        refunds: t("count.refunds", { count: refunds }),
        customers: t("count.customers.dative", { count: customers }),
      });
    };
    expect(held("en", 1, 0, 1)).toBe("1 order and 0 refunds of 1 customer in the history.");
    expect(held("en", 1200, 1, 900)).toBe("1,200 orders and 1 refund of 900 customers in the history.");
    // "von 1 Kunden": German's dative singular of Kunde; the nominative fragment says "1 Kunde".
    expect(held("de", 1, 0, 1)).toBe("1 Bestellung und 0 Erstattungen von 1 Kunden in der Historie.");
    expect(held("de", 1200, 1, 900)).toBe("1.200 Bestellungen und 1 Erstattung von 900 Kunden in der Historie.");
    expect(translator("de")("count.customers", { count: 1 })).toBe("1 Kunde");
    const rate = (locale: Locale, referred: number, orders: number) =>
      translator(locale)("referrals.rateHelp", { count: referred, orders: translator(locale)("count.orders", { count: orders }) });
    expect(rate("en", 1, 1)).toBe("1 of 1 order came from a referred customer.");
    expect(rate("en", 3, 40)).toBe("3 of 40 orders came from referred customers.");
    expect(rate("de", 1, 40)).toBe("1 von 40 Bestellungen stammt von geworbenen Kunden.");
    expect(rate("de", 0, 40)).toBe("0 von 40 Bestellungen stammen von geworbenen Kunden.");
  });

  it("picks German for any de-* locale and English otherwise", () => {
    expect(localeFrom("de-DE")).toBe("de");
    expect(localeFrom("de")).toBe("de");
    expect(localeFrom("en-US")).toBe("en");
    expect(localeFrom("fr")).toBe("en");
    expect(localeFrom(null)).toBe("en");
  });

  it("fills placeholders without escaping them (React escapes) and formats counts per locale", () => {
    expect(translator("de")("home.heading", { shop: "Laden & Co" })).toBe("Kundenbindung für Laden & Co");
    expect(translator("en")("home.countsSource", { domain: "tea.myshopify.com" })).toBe("Counted by Shopify for tea.myshopify.com.");
    expect(translator("en")("dash.period.30")).toBe("Last 30 days");
    expect(formatCount("de", 25900)).toBe("25.900");
    expect(formatCount("en", 25900)).toBe("25,900");
  });
});

describe("withLocale", () => {
  it("adds the merchant's language to an in-app link, keeping the link's own query", () => {
    expect(withLocale("/app/members", "de")).toBe("/app/members?locale=de");
    expect(withLocale("/app/members?q=anna&page=2", "de")).toBe("/app/members?q=anna&page=2&locale=de");
    expect(withLocale("/app?locale=en", "de")).toBe("/app?locale=de");
    expect(withLocale("?reward=new", "de")).toBe("?reward=new&locale=de");
    expect(withLocale(".", "de")).toBe("?locale=de");
  });

  it("leaves links alone in English, the language without a parameter", () => {
    expect(withLocale("/app/members", "en")).toBe("/app/members");
    expect(withLocale(".", "en")).toBe(".");
  });
});
