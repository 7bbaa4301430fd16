import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CsvError, parseCsvRecords, parseDecimalToMinorUnits, parseOrderEventsCsv, parsePurchasesCsv } from "./csv";

describe("parseCsvRecords", () => {
  it("reads quoted fields, CRLF, a BOM and skips blank lines, keeping line numbers", () => {
    const text = '\uFEFFa,b\r\n"x, ""quoted""",2\r\n\r\n"multi\nline",3\n';
    expect(parseCsvRecords(text)).toEqual([
      { line: 1, fields: ["a", "b"] },
      { line: 2, fields: ['x, "quoted"', "2"] },
      { line: 4, fields: ["multi\nline", "3"] },
    ]);
  });

  it("keeps empty fields and handles a last line without newline", () => {
    expect(parseCsvRecords("1,,3")).toEqual([{ line: 1, fields: ["1", "", "3"] }]);
  });

  it("names the line of malformed quoting", () => {
    expect(() => parseCsvRecords('a\n"open')).toThrow(new CsvError(2, "a quoted field is not closed"));
    expect(() => parseCsvRecords('a\nb"c')).toThrow(/line 2/);
    expect(() => parseCsvRecords('"a"b')).toThrow(/after a closing quote/);
  });
});

describe("parseDecimalToMinorUnits", () => {
  it("parses exactly, without float arithmetic", () => {
    expect(parseDecimalToMinorUnits("0.29")).toBe(29);
    expect(parseDecimalToMinorUnits("1.005", 3)).toBe(1005);
    expect(parseDecimalToMinorUnits("12.5")).toBe(1250);
    expect(parseDecimalToMinorUnits("-2.50")).toBe(-250);
    expect(parseDecimalToMinorUnits(".5")).toBe(50);
    expect(parseDecimalToMinorUnits("7.")).toBe(700);
    expect(parseDecimalToMinorUnits("+3")).toBe(300);
    expect(parseDecimalToMinorUnits("-0.00")).toBe(0);
    expect(parseDecimalToMinorUnits("100", 0)).toBe(100);
    expect(parseDecimalToMinorUnits("100.000", 0)).toBe(100);
    expect(parseDecimalToMinorUnits("19.990")).toBe(1999);
  });

  it("rejects anything it would have to guess at", () => {
    for (const bad of ["", "-", ".", "1,000.00", "1e3", "12.345", "100.5x", "$5", "NaN", "1 000"]) {
      expect(parseDecimalToMinorUnits(bad)).toHaveProperty("error");
    }
    expect(parseDecimalToMinorUnits("100.5", 0)).toHaveProperty("error");
    expect(parseDecimalToMinorUnits("99999999999999999")).toHaveProperty("error");
  });

  it("round-trips every amount formatted with two decimals", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (minor) => {
        const abs = Math.abs(minor);
        const text = `${minor < 0 ? "-" : ""}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
        expect(parseDecimalToMinorUnits(text)).toBe(minor === 0 ? 0 : minor);
      }),
    );
  });
});

describe("parseOrderEventsCsv", () => {
  it("reads orders, refunds and guests, in any column order", () => {
    const text = "amount,date,order_id,customer_id\n10.00,2024-01-05,o1,c1\n-2.50,2024-01-06T10:00:00Z,o1,c1\n5,2024-01-07,o2,\n";
    expect(parseOrderEventsCsv(text)).toEqual({
      rows: [
        { orderId: "o1", customerId: "c1", at: Date.UTC(2024, 0, 5), amountMinor: 1000 },
        { orderId: "o1", customerId: "c1", at: Date.UTC(2024, 0, 6, 10), amountMinor: -250 },
        { orderId: "o2", customerId: null, at: Date.UTC(2024, 0, 7), amountMinor: 500 },
      ],
      lines: [2, 3, 4],
    });
  });

  it("names the line and the problem", () => {
    const header = "order_id,customer_id,date,amount\n";
    expect(() => parseOrderEventsCsv("order_id,date,amount\n")).toThrow(/line 1: .*missing: customer_id/);
    expect(() => parseOrderEventsCsv(`${header}o1,c1,2024-01-05,10\no2,c1,2024-02-30,1\n`)).toThrow(
      /line 3: date "2024-02-30" is not a date/,
    );
    expect(() => parseOrderEventsCsv(`${header}o1,c1,2024-01-05,ten\n`)).toThrow(/line 2: amount "ten"/);
    expect(() => parseOrderEventsCsv(`${header}o1,c1,2024-01-05\n`)).toThrow(/line 2: expected 4 fields/);
    expect(() => parseOrderEventsCsv(`${header},c1,2024-01-05,1\n`)).toThrow(/line 2: order_id is empty/);
    expect(() => parseOrderEventsCsv(`${header}o1,c1,2024-01-05T10:00:00,1\n`)).toThrow(/line 2: date/);
    expect(() => parseOrderEventsCsv("")).toThrow(/empty/);
  });
});

describe("parsePurchasesCsv", () => {
  it("reads purchases and refuses refunds and guests", () => {
    expect(parsePurchasesCsv("customer_id,date,amount\n7,1997-01-01,29.33\n").rows).toEqual([
      { customerId: "7", at: Date.UTC(1997, 0, 1), amountMinor: 2933 },
    ]);
    expect(() => parsePurchasesCsv("customer_id,date,amount\n7,1997-01-01,-1\n")).toThrow(/line 2: .*negative/);
    expect(() => parsePurchasesCsv("customer_id,date,amount\n,1997-01-01,1\n")).toThrow(/line 2: customer_id is empty/);
  });
});
