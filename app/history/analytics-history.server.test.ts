// The columnar load path: text aggregates → typed columns → the domain's order history, checked
// against the domain's own string-keyed builder on the same events.
import { describe, expect, it } from "vitest";
import { measureRetention } from "~/analytics/domain/retention-metrics";
import { buildOrderHistory } from "~/analytics/domain/order-history";
import { historyFromTables, scanIntegerRecords, type HistoryTables } from "./analytics-history.server";

describe("scanIntegerRecords", () => {
  it("reads signed integers and empty fields as NaN", () => {
    const cols = [new Float64Array(3), new Float64Array(3)];
    expect(scanIntegerRecords("1,-20;,3;4,", 2, cols)).toBe(3);
    expect(Array.from(cols[0])).toEqual([1, Number.NaN, 4]);
    expect(Array.from(cols[1])).toEqual([-20, 3, Number.NaN]);
  });

  it("refuses a record with the wrong number of fields", () => {
    expect(() => scanIntegerRecords("1,2,3", 2, [new Float64Array(1), new Float64Array(1), new Float64Array(1)])).toThrow(/expected 2 fields/);
  });
});

describe("historyFromTables", () => {
  const day = (d: string) => Date.parse(`${d}T12:00:00Z`);
  const tables: HistoryTables = {
    orderId: Float64Array.from([-5, 1, 2, 3]),
    orderCustomer: Float64Array.from([10, 10, Number.NaN, 11]),
    orderAt: Float64Array.from([day("2024-01-10"), day("2024-03-01"), day("2024-03-02"), day("2024-04-01")]),
    orderAmount: Float64Array.from([1000, 2000, 500, 3000]),
    orderCancelledAt: Float64Array.from([Number.NaN, Number.NaN, Number.NaN, day("2024-04-20")]),
    refundOrder: Float64Array.from([1, 3, 99]),
    refundAt: Float64Array.from([day("2024-03-05"), day("2024-04-10"), day("2024-04-11")]),
    refundAmount: Float64Array.from([500, 1000, 700]),
  };

  it("gives the same figures as the domain's builder fed the equivalent events (refunds, guests, a cancellation)", () => {
    const { history, customerNumbers } = historyFromTables(tables);
    expect(Array.from(customerNumbers)).toEqual([10, 11]);
    const reference = buildOrderHistory([
      { orderId: "-5", customerId: "10", at: day("2024-01-10"), amountMinor: 1000 },
      { orderId: "1", customerId: "10", at: day("2024-03-01"), amountMinor: 2000 },
      { orderId: "1", customerId: "10", at: day("2024-03-05"), amountMinor: -500 },
      { orderId: "2", customerId: null, at: day("2024-03-02"), amountMinor: 500 },
      { orderId: "3", customerId: "11", at: day("2024-04-01"), amountMinor: 3000 },
      { orderId: "3", customerId: "11", at: day("2024-04-10"), amountMinor: -1000 },
      // the cancellation takes back what was not refunded yet
      { orderId: "3", customerId: "11", at: day("2024-04-20"), amountMinor: -2000 },
    ]);
    for (const period of [{ from: "2024-03-01", to: "2024-03-31" }, { from: "2024-04-01", to: "2024-04-30" }, { from: "2024-01-01", to: "2024-12-31" }]) {
      expect(measureRetention(history, period)).toEqual(measureRetention(reference, period));
    }
    expect(measureRetention(history, { from: "2024-04-01", to: "2024-04-30" }).orders).toBe(0);
    expect(measureRetention(history, { from: "2024-04-01", to: "2024-04-15" }).orders).toBe(1);
  });
});
