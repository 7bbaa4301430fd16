import { describe, expect, it } from "vitest";
import { cohortRetention } from "./cohort-retention";
import { buildOrderHistory, type OrderEvent } from "./order-history";

const events: OrderEvent[] = [
  { orderId: "1", customerId: "u1", at: "2024-01-05", amountMinor: 100 },
  { orderId: "2", customerId: "u1", at: "2024-02-10", amountMinor: 100 },
  { orderId: "3", customerId: "u1", at: "2024-02-20", amountMinor: 100 },
  { orderId: "4", customerId: "u1", at: "2024-04-01", amountMinor: 100 },
  // u2's January order was refunded: the first order that counts is in February
  { orderId: "5", customerId: "u2", at: "2024-01-20", amountMinor: 100 },
  { orderId: "5", customerId: "u2", at: "2024-01-25", amountMinor: -100 },
  { orderId: "6", customerId: "u2", at: "2024-02-03", amountMinor: 100 },
  { orderId: "7", customerId: "u2", at: "2024-03-15", amountMinor: 100 },
  { orderId: "8", customerId: "u3", at: "2024-01-31T23:59:59.999Z", amountMinor: 100 },
  { orderId: "9", customerId: "u3", at: "2024-03-01T00:00:00Z", amountMinor: 100 },
  // refunded only after the as-of date: still counts
  { orderId: "10", customerId: "u4", at: "2024-02-28", amountMinor: 100 },
  { orderId: "10", customerId: "u4", at: "2024-05-10", amountMinor: -100 },
  { orderId: "11", customerId: null, at: "2024-01-10", amountMinor: 100 },
  { orderId: "12", customerId: "u5", at: "2024-05-02", amountMinor: 100 },
];

describe("cohortRetention", () => {
  it("builds the month × month-offset matrix", () => {
    expect(cohortRetention(buildOrderHistory(events), "2024-04-30")).toEqual({
      asOf: "2024-04-30",
      rows: [
        { cohort: "2024-01", customers: 2, returningCustomers: [1, 1, 1], retention: [0.5, 0.5, 0.5] },
        { cohort: "2024-02", customers: 2, returningCustomers: [1, 0], retention: [0.5, 0] },
        { cohort: "2024-03", customers: 0, returningCustomers: [0], retention: [null] },
        { cohort: "2024-04", customers: 0, returningCustomers: [], retention: [] },
      ],
    });
  });

  it("counts a customer once per month however often they ordered", () => {
    const table = cohortRetention(buildOrderHistory(events), "2024-02-29");
    expect(table.rows[0]).toEqual({ cohort: "2024-01", customers: 2, returningCustomers: [1], retention: [0.5] });
  });

  it("is empty without customers", () => {
    expect(cohortRetention(buildOrderHistory([]), "2024-04-30").rows).toEqual([]);
  });
});
