import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { currencyMinorDigits, formatMinor, parseMinor } from "./money";
import { addMonths, parseInstant } from "./time";

describe("parseMinor", () => {
  it("reads Shopify's decimal strings without floating point", () => {
    expect(parseMinor("57.90", "EUR")).toBe(5790);
    expect(parseMinor("57.9", "EUR")).toBe(5790);
    expect(parseMinor("57", "EUR")).toBe(5700);
    expect(parseMinor("0.29", "EUR")).toBe(29); // 0.29 * 100 = 28.999999999999996 in floats
    expect(parseMinor("1.15", "USD")).toBe(115);
    expect(parseMinor(" 12.50 ", "GBP")).toBe(1250);
    expect(parseMinor("-3.50", "EUR")).toBe(-350);
  });

  it("respects each currency's minor digits", () => {
    expect(currencyMinorDigits("JPY")).toBe(0);
    expect(currencyMinorDigits("KWD")).toBe(3);
    expect(currencyMinorDigits("bhd")).toBe(3);
    expect(currencyMinorDigits("CHF")).toBe(2);
    expect(parseMinor("1000", "JPY")).toBe(1000);
    expect(parseMinor("1000.0", "JPY")).toBe(1000);
    expect(parseMinor("1.234", "KWD")).toBe(1234);
    expect(parseMinor("1.5", "BHD")).toBe(1500);
  });

  it("rounds digits beyond the currency's precision half-up, as Shopify does", () => {
    expect(parseMinor("0.005", "EUR")).toBe(1);
    expect(parseMinor("0.0049", "EUR")).toBe(0);
    expect(parseMinor("999.5", "JPY")).toBe(1000);
  });

  it("accepts unquoted numbers and refuses anything that is not a plain decimal", () => {
    expect(parseMinor(57.9, "EUR")).toBe(5790);
    expect(parseMinor(0.1 + 0.2, "EUR")).toBe(30);
    for (const bad of ["", "abc", "1e3", "1,50", "1.", ".5", "--1", "NaN"]) expect(parseMinor(bad, "EUR")).toBeNull();
    expect(parseMinor(Number.NaN, "EUR")).toBeNull();
    expect(parseMinor("99999999999999999999", "EUR")).toBeNull();
  });

  it("round-trips with formatMinor in every exponent", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.constantFrom("EUR", "JPY", "KWD"), (minor, currency) => {
        expect(parseMinor(formatMinor(minor, currency), currency)).toBe(minor);
      }),
    );
    expect(formatMinor(5790, "EUR")).toBe("57.90");
    expect(formatMinor(5, "EUR")).toBe("0.05");
    expect(formatMinor(1000, "JPY")).toBe("1000");
    expect(formatMinor(1234, "KWD")).toBe("1.234");
    expect(formatMinor(-5, "KWD")).toBe("-0.005");
  });
});

describe("UTC calendar", () => {
  it("adds calendar months, falling back to the month's last day", () => {
    expect(addMonths(new Date("2024-01-31T10:00:00Z"), 1).toISOString()).toBe("2024-02-29T10:00:00.000Z");
    expect(addMonths(new Date("2025-01-31T10:00:00Z"), 1).toISOString()).toBe("2025-02-28T10:00:00.000Z");
    expect(addMonths(new Date("2025-11-15T00:00:00Z"), 3).toISOString()).toBe("2026-02-15T00:00:00.000Z");
    expect(addMonths(new Date("2025-03-31T23:59:59Z"), 12).toISOString()).toBe("2026-03-31T23:59:59.000Z");
  });

  it("reads instants only when they name their offset", () => {
    expect(parseInstant("2024-07-01T10:30:00+01:00")?.toISOString()).toBe("2024-07-01T09:30:00.000Z");
    expect(parseInstant("2024-07-01T10:30:00Z")?.toISOString()).toBe("2024-07-01T10:30:00.000Z");
    expect(parseInstant("2024-07-01T10:30:00-0400")?.toISOString()).toBe("2024-07-01T14:30:00.000Z");
    expect(parseInstant("2024-07-01T10:30:00")).toBeNull();
    expect(parseInstant("2024-07-01")).toBeNull();
    expect(parseInstant("2024-13-01T10:30:00Z")).toBeNull();
  });
});
