import { describe, expect, it } from "vitest";
import { lifecycleSegments } from "./lifecycle-segments";
import { buildOrderHistory, type OrderEvent } from "./order-history";

let next = 0;
const order = (customerId: string, at: string, amountMinor = 1_000): OrderEvent => ({
  orderId: `o${next++}`,
  customerId,
  at,
  amountMinor,
});

const events: OrderEvent[] = [
  order("lost", "2023-12-01"),
  order("atRisk", "2024-01-10"),
  order("atRisk", "2024-03-15"),
  ...["2024-02-01", "2024-03-01", "2024-04-01", "2024-05-01", "2024-06-01"].map((d) => order("frequentVip", d)),
  order("bigSpender", "2024-06-20", 60_000),
  order("newcomer", "2024-06-10"),
  order("active", "2024-01-10"),
  order("active", "2024-06-15"),
  ...["2024-01-01", "2024-01-08", "2024-01-15", "2024-01-22", "2024-01-29", "2024-02-01"].map((d) => order("lapsedVip", d)),
  order("ninetyDays", "2024-01-01"),
  order("ninetyDays", "2024-04-01"),
  { orderId: "refunded", customerId: "refunded", at: "2024-06-01", amountMinor: 2_000 },
  { orderId: "refunded", customerId: "refunded", at: "2024-06-02", amountMinor: -2_000 },
];

describe("lifecycleSegments", () => {
  const report = lifecycleSegments(buildOrderHistory(events), "2024-06-30", { vipMinSpendMinor: 50_000 });
  const segmentOf = new Map(report.customers.map((c) => [c.customerId, c.segment]));

  it("puts recency first, then VIP, then new, then active", () => {
    expect(Object.fromEntries(segmentOf)).toEqual({
      lost: "lost",
      atRisk: "atRisk",
      frequentVip: "vip",
      bigSpender: "vip",
      newcomer: "new",
      active: "active",
      lapsedVip: "atRisk",
      ninetyDays: "active", // exactly 90 days is not yet "more than 90"
    });
    expect(report.counts).toEqual({ new: 1, active: 2, atRisk: 2, lost: 1, vip: 2 });
  });

  it("reports recency, frequency, monetary value and tenure", () => {
    expect(report.customers.find((c) => c.customerId === "active")).toEqual({
      customerId: "active",
      recencyDays: 15,
      frequency: 2,
      monetaryMinor: 2_000,
      tenureDays: 172,
      segment: "active",
    });
  });

  it("derives the VIP spend from the top share when no amount is given", () => {
    const byShare = lifecycleSegments(buildOrderHistory(events), "2024-06-30");
    // 8 customers with orders: the top 5 % is 1 customer, the 60,000 spender
    expect(byShare.thresholds.vipMinSpendMinor).toBe(60_000);
    expect(byShare.counts.vip).toBe(2);
  });

  it("validates thresholds", () => {
    expect(() => lifecycleSegments(buildOrderHistory(events), "2024-06-30", { atRiskAfterDays: 200 })).toThrow(RangeError);
  });
});
