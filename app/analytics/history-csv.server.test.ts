import { describe, expect, it } from "vitest";
import { CsvError } from "~/analytics/domain/csv";
import { csvCustomerId, csvLine, historyFromCsv, minorToDecimal, namespacedId } from "./history-csv.server";

const at = new Date("2026-01-01T00:00:00Z");

describe("historyFromCsv", () => {
  it("merges line-item rows into one order, turns negative rows into refunds and keeps guests", () => {
    const h = historyFromCsv("order_id,customer_id,date,amount\n#1,ann,2024-01-05,1.50\n#1,ann,2024-01-04,2.00\n#1,,2024-02-01,-1.00\n#2,,2024-03-01,4\n", "EUR", at);
    expect(h.orders).toHaveLength(2);
    const first = h.orders.find((o) => o.id === namespacedId("order", "#1"))!;
    expect(first).toMatchObject({ amountMinor: 350, customerId: namespacedId("customer", "ann"), currency: "EUR" });
    expect(first.createdAt.toISOString()).toBe("2024-01-04T00:00:00.000Z");
    expect(h.refunds).toEqual([{ id: namespacedId("refund", "#1#1"), orderId: first.id, createdAt: new Date("2024-02-01T00:00:00Z"), amountMinor: 100 }]);
    expect(h.orders.find((o) => o.id === namespacedId("order", "#2"))!.customerId).toBeNull();
  });

  it("names the line of an order listed under two customers", () => {
    expect(() => historyFromCsv("order_id,customer_id,date,amount\n1,a,2024-01-01,1\n1,b,2024-01-01,1\n", "EUR", at)).toThrow(
      new CsvError(3, "order 1 has another customer_id than on line 2"),
    );
  });

  it("respects the currency's decimals", () => {
    expect(() => historyFromCsv("order_id,customer_id,date,amount\n1,a,2024-01-01,1.5\n", "JPY", at)).toThrow(/line 2: .*decimal places/);
    expect(historyFromCsv("order_id,customer_id,date,amount\n1,a,2024-01-01,1500\n", "JPY", at).orders[0].amountMinor).toBe(1500);
  });
});

describe("ids and fields", () => {
  it("keeps numeric customer ids as Shopify ids and namespaces everything else below zero", () => {
    expect(csvCustomerId("0042")).toBe("42");
    expect(Number(csvCustomerId("C-42"))).toBeLessThan(0);
    expect(Number.isSafeInteger(Number(namespacedId("order", "x")))).toBe(true);
    expect(namespacedId("order", "x")).not.toBe(namespacedId("customer", "x"));
  });

  it("writes exact decimals and quotes fields when needed", () => {
    expect(minorToDecimal(5, 2)).toBe("0.05");
    expect(minorToDecimal(-1234, 2)).toBe("-12.34");
    expect(minorToDecimal(700, 0)).toBe("700");
    expect(csvLine(['a,b', 'say "hi"', null, 3])).toBe('"a,b","say ""hi""",,3\r\n');
    // Formulas a spreadsheet would run are written as text; numbers stay numbers.
    expect(csvLine(['=HYPERLINK("http://x")', "+1+1", "@SUM(A1)", "-2+3", "\tx", "-12.34", "+5", -7, "a=b"])).toBe(
      `"'=HYPERLINK(""http://x"")",'+1+1,'@SUM(A1),'-2+3,'\tx,-12.34,+5,-7,a=b\r\n`,
    );
  });
});
