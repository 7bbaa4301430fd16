// The dashboard's CLV forecast on a history: too little data says so; enough data ranks customers.
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../tests/support/analytics-simulate";
import { historyFromTables } from "~/history/analytics-history.server";
import { forecastClv } from "./analytics-clv.server";
import type { ShopHistory } from "~/history/analytics-history.server";

function shop(orders: { customer: number; day: number; amount: number }[]): ShopHistory {
  const sorted = orders.map((o, i) => ({ ...o, id: i + 1 }));
  const { history, customerNumbers } = historyFromTables({
    orderId: Float64Array.from(sorted.map((o) => o.id)),
    orderCustomer: Float64Array.from(sorted.map((o) => o.customer)),
    orderAt: Float64Array.from(sorted.map((o) => Date.UTC(2025, 0, 1) + o.day * 86_400_000)),
    orderAmount: Float64Array.from(sorted.map((o) => o.amount)),
    orderCancelledAt: new Float64Array(sorted.length).fill(Number.NaN),
    refundOrder: new Float64Array(0),
    refundAt: new Float64Array(0),
    refundAmount: new Float64Array(0),
  });
  return { shop: "s", version: 1, loadedAt: 0, loadMs: 0, history, customerNumbers, currency: "EUR", orders: sorted.length, refunds: 0 };
}

describe("forecastClv", () => {
  it("explains when there is too little history", () => {
    const result = forecastClv(shop([{ customer: 1, day: 0, amount: 1000 }, { customer: 1, day: 30, amount: 1000 }]), "2025-12-31");
    expect(result).toMatchObject({ status: "insufficient", reason: expect.stringMatching(/at least 50 customers .* has 1 and 1/) });
  });

  it("ranks frequent, recent, big spenders first", () => {
    const random = seededRandom(3);
    const orders: { customer: number; day: number; amount: number }[] = [];
    for (let c = 1; c <= 300; c++) {
      const first = Math.floor(random() * 200);
      const repeats = Math.floor(random() * 4);
      orders.push({ customer: c, day: first, amount: 1000 + Math.floor(random() * 2000) });
      for (let k = 1; k <= repeats; k++) orders.push({ customer: c, day: first + k * Math.floor(20 + random() * 40), amount: 1000 + Math.floor(random() * 2000) });
    }
    // A customer who buys big every fortnight up to the end.
    for (let d = 0; d <= 360; d += 14) orders.push({ customer: 999, day: d, amount: 9000 });
    const result = forecastClv(shop(orders), "2025-12-31");
    if (result.status !== "ok") throw new Error(result.reason);
    expect(result.top[0].customerId).toBe("999");
    expect(result.top[0].clvMinor).toBeGreaterThan(result.top[1].clvMinor);
    expect(result.top[0].expectedPurchases).toBeGreaterThan(result.top[1].expectedPurchases);
    expect(result.customers).toBe(301);
  });
});
