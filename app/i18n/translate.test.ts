import { describe, expect, it } from "vitest";
import { messages } from "./messages";
import { formatCount, localeFrom, translator } from "./translate";

describe("admin translations", () => {
  it("has every English key in German too", () => {
    expect(Object.keys(messages.de).sort()).toEqual(Object.keys(messages.en).sort());
  });

  it("picks German for any de-* locale and English otherwise", () => {
    expect(localeFrom("de-DE")).toBe("de");
    expect(localeFrom("de")).toBe("de");
    expect(localeFrom("en-US")).toBe("en");
    expect(localeFrom("fr")).toBe("en");
    expect(localeFrom(null)).toBe("en");
  });

  it("fills placeholders and formats counts per locale", () => {
    expect(translator("de")("home.heading", { shop: "Laden" })).toBe("Kundenbindung für Laden");
    expect(translator("en")("home.countsSource", {})).toContain("{domain}");
    expect(formatCount("de", 25900)).toBe("25.900");
    expect(formatCount("en", 25900)).toBe("25,900");
  });
});
