// Shopify's shapes → history rows: the REST payloads webhooks carry and the bulk export's JSONL.
import { describe, expect, it } from "vitest";
import { BulkOrderAssembler, customerFromRest, numericId, orderFromRest, refundFromRest, type OrderRecords } from "./history-records.server";

const order = {
  id: 4503599627370495,
  created_at: "2025-07-01T10:30:00+01:00",
  updated_at: "2025-07-02T08:00:00+01:00",
  cancelled_at: null,
  currency: "EUR",
  subtotal_price: "57.90",
  subtotal_price_set: { shop_money: { amount: "57.90", currency_code: "EUR" } },
  current_subtotal_price: "47.90",
  customer: { id: 7000000000001, email: "a@example.com", created_at: "2025-01-01T00:00:00Z", updated_at: "2025-01-01T00:00:00Z" },
  refunds: [
    { id: 509562969, order_id: 4503599627370495, created_at: "2025-07-03T09:00:00+02:00", refund_line_items: [{ subtotal: "10.00", subtotal_set: { shop_money: { amount: "10.00", currency_code: "EUR" } } }] },
  ],
};

describe("REST payloads", () => {
  it("reads an order's subtotal (before returns), buyer, refunds and UTC times", () => {
    const { order: o, customer, refunds } = orderFromRest(order);
    expect(o).toMatchObject({ id: "4503599627370495", customerId: "7000000000001", amountMinor: 5790, currency: "EUR", cancelledAt: null });
    expect(o.createdAt.toISOString()).toBe("2025-07-01T09:30:00.000Z");
    expect(customer?.email).toBe("a@example.com");
    expect(refunds).toEqual([{ id: "509562969", orderId: "4503599627370495", createdAt: new Date("2025-07-03T07:00:00Z"), amountMinor: 1000 }]);
  });

  it("refuses ids that JSON has already rounded, rather than merging two orders", () => {
    expect(() => orderFromRest({ ...order, id: 820982911946154500, refunds: [] })).toThrow(/not a safe integer/);
    expect(numericId("gid://shopify/Order/123", "x")).toBe("123");
    expect(numericId("0042", "x")).toBe("42");
  });

  it("refuses ids past PostgreSQL's bigint, with the id in the message", () => {
    expect(numericId("gid://shopify/Customer/9223372036854775807", "x")).toBe("9223372036854775807");
    expect(() => numericId("gid://shopify/Customer/9223372036854775808", "customer")).toThrow("customer: id gid://shopify/Customer/9223372036854775808 is out of range");
    expect(() => numericId("99999999999999999999999", "order")).toThrow(/order: id 99999999999999999999999 is out of range/);
    expect(numericId("000000000000000000000042", "x")).toBe("42");
  });

  it("falls back to the current subtotal plus refunded merchandise when subtotal_price is missing", () => {
    const { subtotal_price: _a, subtotal_price_set: _b, ...trimmed } = { ...order, customer: null };
    expect(orderFromRest(trimmed).order.amountMinor).toBe(4790 + 1000);
  });

  it("sums a refund's line subtotals and rejects times without an offset", () => {
    expect(refundFromRest({ id: 9, order_id: 5, created_at: "2025-01-01T00:00:00Z", refund_line_items: [{ subtotal: "1.5" }, { subtotal: "2.25" }] }, "GBP").amountMinor).toBe(375);
    expect(() => customerFromRest({ id: 1, created_at: "2025-01-01T00:00:00" })).toThrow(/offset/);
    expect(customerFromRest({ id: 1, created_at: "2025-01-01T00:00:00Z", email: "" })).toMatchObject({ id: "1", email: null });
  });
});

describe("bulk export lines", () => {
  const money = (amount: string) => ({ shopMoney: { amount, currencyCode: "GBP" } });
  it("assembles orders with inline refund line items and with child lines", () => {
    const out: OrderRecords[] = [];
    const a = new BulkOrderAssembler((r) => out.push(r));
    a.push({
      id: "gid://shopify/Order/1", createdAt: "2025-01-01T00:00:00Z", updatedAt: "2025-01-02T00:00:00Z", cancelledAt: null,
      customer: { id: "gid://shopify/Customer/7" }, subtotalPriceSet: money("25.0"),
      refunds: [{ id: "gid://shopify/Refund/3", createdAt: "2025-01-05T00:00:00Z", refundLineItems: { edges: [{ node: { subtotalSet: money("5.0") } }] } }],
    });
    a.push({ id: "gid://shopify/Order/2", createdAt: "2025-02-01T00:00:00Z", customer: null, subtotalPriceSet: money("12.5"), refunds: [{ id: "gid://shopify/Refund/4", createdAt: "2025-02-02T00:00:00Z" }] });
    a.push({ subtotalSet: money("2.5"), __parentId: "gid://shopify/Refund/4" });
    a.push({ subtotalSet: money("1.0"), __parentId: "gid://shopify/Refund/4" });
    expect(out).toHaveLength(1); // order 2 may still get child lines
    a.finish();
    expect(out.map((r) => [r.order.id, r.order.customerId, r.order.amountMinor, r.refunds.map((x) => x.amountMinor)])).toEqual([
      ["1", "7", 2500, [500]],
      ["2", null, 1250, [350]],
    ]);
  });
});
