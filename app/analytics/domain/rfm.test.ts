import { describe, expect, it } from "vitest";
import { buildRfmSummary, type Purchase } from "./rfm";

const purchases: Purchase[] = [
  // ann: two purchases on her first day (merged), repeat purchases on day 14 and day 28
  { customerId: "ann", at: "2024-01-01T09:00:00Z", amountMinor: 1000 },
  { customerId: "ann", at: "2024-01-01T18:30:00Z", amountMinor: 500 },
  { customerId: "ann", at: "2024-01-15", amountMinor: 2000 },
  { customerId: "ann", at: "2024-01-29T23:59:59.999Z", amountMinor: 0 },
  // ann buys after the calibration end: a holdout purchase
  { customerId: "ann", at: "2024-03-05", amountMinor: 700 },
  // bob: one purchase only, worth nothing
  { customerId: "bob", at: "2024-02-01", amountMinor: 0 },
  // cid: first purchase after the calibration end is not in the summary
  { customerId: "cid", at: "2024-03-01", amountMinor: 100 },
  // guests are not customers
  { customerId: null, at: "2024-01-10", amountMinor: 100 },
];

describe("buildRfmSummary", () => {
  const summary = buildRfmSummary(purchases, { calibrationEnd: "2024-02-26", timeUnit: "weeks" });
  const byId = new Map(summary.customers.map((c) => [c.customerId, c]));

  it("merges same-day purchases and measures recency and age in weeks to the calibration end", () => {
    expect(byId.get("ann")).toEqual({
      customerId: "ann",
      frequency: 2,
      recency: 4, // 2024-01-01 → 2024-01-29
      age: 8, // 2024-01-01 → 2024-02-26
      monetaryValue: 1000, // (2000 + 0) / 2: the first purchase is left out
      holdoutPurchases: 1,
      firstPurchaseDay: 19723,
    });
  });

  it("counts one-time and zero-value customers, and leaves out later and guest customers", () => {
    expect(byId.get("bob")).toMatchObject({ frequency: 0, recency: 0, age: 25 / 7, monetaryValue: null });
    expect(byId.has("cid")).toBe(false);
    expect(summary.customers).toHaveLength(2);
  });

  it("can count in days and ignore purchases after the observation end", () => {
    const days = buildRfmSummary(purchases, { calibrationEnd: "2024-02-26", observationEnd: "2024-03-01", timeUnit: "days" });
    const ann = days.customers.find((c) => c.customerId === "ann");
    expect(ann).toMatchObject({ recency: 28, age: 56, holdoutPurchases: 0 });
  });

  it("reports an invalid date with the purchase number", () => {
    expect(() => buildRfmSummary([{ customerId: "x", at: "2024-13-01" }], { calibrationEnd: "2024-02-01" })).toThrow(
      /purchase 1: invalid date/,
    );
    expect(() => buildRfmSummary([], { calibrationEnd: "2024-02-30" })).toThrow(/calibration end/);
  });
});
