import { describe, expect, it } from "vitest";
import { messages, type Locale, type MessageKey } from "./messages";
import { formatCount, localeFrom, translator } from "./translate";

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
