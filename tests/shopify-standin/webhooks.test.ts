import "@shopify/shopify-api/adapters/node";
import { createHmac } from "node:crypto";
import { ApiVersion, shopifyApi } from "@shopify/shopify-api";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startShopifyStandin, type ShopifyStandin } from "./index";
import { startReceiver, type ReceivedWebhook } from "./testing";

const SHOP = "treue-demo.myshopify.com";
const SECRET = "webhook-test-secret";
let standin: ShopifyStandin;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

const shopify = shopifyApi({ apiKey: "treue-demo-api-key", apiSecretKey: SECRET, scopes: [], hostName: "localhost:3000", apiVersion: "2026-10" as ApiVersion, isEmbeddedApp: true, logger: { level: 0 } });
const validate = (w: ReceivedWebhook) => shopify.webhooks.validate({ rawBody: w.rawBody, rawRequest: { headers: w.headers, method: "POST", url: w.path } as never });
const topics = () => receiver.received.map((w) => w.headers["x-shopify-topic"]);
const body = (topic: string) => JSON.parse(receiver.received.find((w) => w.headers["x-shopify-topic"] === topic)!.rawBody);

beforeAll(async () => {
  receiver = await startReceiver();
  standin = await startShopifyStandin({ shop: SHOP, apiKey: "treue-demo-api-key", apiSecret: SECRET });
  standin.setAppUrl(receiver.url);
});

beforeEach(() => {
  receiver.received.length = 0;
  receiver.setStatus(200);
});

afterAll(async () => {
  await standin?.close();
  await receiver?.close();
});

describe("webhook delivery", () => {
  it("signs the raw body and sends Shopify's headers to the uri from shopify.app.toml", async () => {
    const [delivery] = await standin.deliverWebhook("customers/create", { id: 1, email: "a@example.com" });
    expect(delivery).toMatchObject({ status: 200, url: `${receiver.url}/webhooks/customers/create`, attempt: 1 });
    const [w] = receiver.received;
    expect(w.path).toBe("/webhooks/customers/create");
    expect(w.headers["content-type"]).toBe("application/json");
    expect(w.headers["x-shopify-hmac-sha256"]).toBe(createHmac("sha256", SECRET).update(w.rawBody).digest("base64"));
    expect(w.headers["x-shopify-webhook-id"]).toBe(delivery.webhookId);
    expect(w.headers["x-shopify-event-id"]).toBe(delivery.eventId);
    expect(Number.isNaN(Date.parse(String(w.headers["x-shopify-triggered-at"])))).toBe(false);
    expect(await validate(w)).toMatchObject({ valid: true, topic: "CUSTOMERS_CREATE", domain: SHOP, apiVersion: "2026-10", webhookId: delivery.webhookId, eventId: delivery.eventId });
  });

  it("re-sends duplicates with the same ids, and can sign badly", async () => {
    const deliveries = await standin.deliverWebhook("orders/updated", { id: 5 }, { duplicates: 2, eventId: "evt-1" });
    expect(deliveries.map((d) => d.attempt)).toEqual([1, 2, 3]);
    expect(new Set(receiver.received.map((w) => w.headers["x-shopify-webhook-id"])).size).toBe(1);
    expect(receiver.received.every((w) => w.headers["x-shopify-event-id"] === "evt-1")).toBe(true);
    receiver.received.length = 0;
    await standin.deliverWebhook("orders/updated", { id: 5 }, { badHmac: true });
    expect(await validate(receiver.received[0])).toMatchObject({ valid: false, reason: "invalid_hmac" });
  });

  it("records the app's answer and refuses topics the app doesn't subscribe to", async () => {
    receiver.setStatus(500);
    const [d] = await standin.deliverWebhook("orders/create", { id: 9 });
    expect(d.status).toBe(500);
    expect(standin.webhookLog.at(-1)).toMatchObject({ topic: "orders/create", status: 500 });
    await expect(standin.deliverWebhook("products/create", {})).rejects.toThrow(/no subscription/);
  });

  it("sends compliance webhooks with Shopify's payloads", async () => {
    const c = await standin.createCustomer({ email: "gdpr@example.com", firstName: "Gee" }, { webhooks: "none" });
    await standin.requestCustomerRedact(c.id);
    expect(receiver.received[0].path).toBe("/webhooks/customers/redact");
    expect(JSON.parse(receiver.received[0].rawBody)).toMatchObject({ shop_domain: SHOP, customer: { id: c.id, email: "gdpr@example.com" }, orders_to_redact: [] });
  });
});

describe("store actions send what Shopify would", () => {
  it("checkout: customers/create for a new buyer, then orders/create with the REST order JSON", async () => {
    const order = await standin.createOrder({
      customer: { email: "new.buyer@example.com", firstName: "New", lastName: "Buyer" },
      createdAt: "2024-07-01T09:30:00Z",
      lines: [{ sku: "85123A", title: "WHITE HANGING HEART T-LIGHT HOLDER", quantity: 6, unitPriceMinor: 255 }, { sku: "71053", title: "WHITE METAL LANTERN", quantity: 1, unitPriceMinor: 339 }],
      shippingMinor: 495,
    });
    expect(topics()).toEqual(["customers/create", "orders/create"]);
    const json = body("orders/create");
    expect(json).toMatchObject({
      id: order.id, admin_graphql_api_id: `gid://shopify/Order/${order.id}`, name: order.name, email: "new.buyer@example.com",
      created_at: "2024-07-01T10:30:00+01:00", currency: "GBP", presentment_currency: "GBP", financial_status: "paid",
      subtotal_price: "18.69", current_subtotal_price: "18.69", total_price: "23.64", total_discounts: "0.00",
      current_subtotal_price_set: { shop_money: { amount: "18.69", currency_code: "GBP" }, presentment_money: { amount: "18.69", currency_code: "GBP" } },
      total_shipping_price_set: { shop_money: { amount: "4.95", currency_code: "GBP" } },
      customer: { id: order.customerId, email: "new.buyer@example.com", first_name: "New", admin_graphql_api_id: `gid://shopify/Customer/${order.customerId}` },
      refunds: [], discount_codes: [], source_name: "web", test: false, cancelled_at: null,
    });
    expect(json.line_items[0]).toMatchObject({ id: order.lines[0][0], sku: "85123A", quantity: 6, current_quantity: 6, price: "2.55", price_set: { shop_money: { amount: "2.55" } }, total_discount: "0.00", product_id: expect.any(Number), variant_id: expect.any(Number) });
    for (const w of receiver.received) expect((await validate(w)).valid).toBe(true);
  });

  it("refund: refunds/create with refund lines and a refund transaction, then orders/updated", async () => {
    const order = await standin.createOrder({ customer: { email: "refund.me@example.com" }, lines: [{ sku: "A", title: "Apple", quantity: 4, unitPriceMinor: 250 }] }, { webhooks: "none" });
    const refund = await standin.refundOrder(order.id, { lines: [{ sku: "A", quantity: 3 }], note: "bruised" });
    expect(topics()).toEqual(["refunds/create", "orders/updated"]);
    expect(body("refunds/create")).toMatchObject({
      id: refund.id, order_id: order.id, note: "bruised", admin_graphql_api_id: `gid://shopify/Refund/${refund.id}`,
      refund_line_items: [{ line_item_id: order.lines[0][0], quantity: 3, subtotal: "7.50", subtotal_set: { shop_money: { amount: "7.50", currency_code: "GBP" } }, line_item: { sku: "A" } }],
      transactions: [{ kind: "refund", status: "success", amount: "7.50", currency: "GBP", order_id: order.id }],
      order_adjustments: [],
    });
    expect(body("orders/updated")).toMatchObject({ financial_status: "partially_refunded", current_subtotal_price: "2.50", subtotal_price: "10.00", line_items: [{ current_quantity: 1 }] });
    // Asking for more than is left is capped at what the order still has.
    const rest = await standin.refundOrder(order.id, { lines: [{ sku: "A", quantity: 5 }] }, { webhooks: "none" });
    expect(rest.lines[0][1]).toBe(1);
    expect(rest.amountMinor).toBe(250);
  });

  it("cancel: refunds the payment and sends orders/cancelled", async () => {
    const order = await standin.createOrder({ customer: { email: "cancel.me@example.com" }, lines: [{ sku: "B", title: "Bread", quantity: 1, unitPriceMinor: 300 }] }, { webhooks: "none" });
    await standin.cancelOrder(order.id, { reason: "CUSTOMER" });
    expect(topics()).toEqual(["refunds/create", "orders/cancelled", "orders/updated"]);
    expect(body("orders/cancelled")).toMatchObject({ cancel_reason: "customer", financial_status: "refunded", current_total_price: "0.00", cancelled_at: expect.any(String) });
  });

  it("payment: an order placed unpaid owes its total; marking it paid sends orders/updated; cancelling an unpaid one voids it", async () => {
    const order = await standin.createOrder(
      { customer: { email: "pay.later@example.com" }, financialStatus: "PENDING", lines: [{ sku: "E", title: "Eggs", quantity: 2, unitPriceMinor: 300 }] },
      { webhooks: "none" },
    );
    expect(standin.orderPayload(order.id)).toMatchObject({ financial_status: "pending", total_price: "6.00", total_outstanding: "6.00" });
    await expect(standin.refundOrder(order.id, {}, { webhooks: "none" })).rejects.toThrow(/no captured payment/);
    const before = order.updatedAt;
    await standin.markOrderPaid(order.id, { paidAt: "2099-01-01T00:00:00Z" });
    expect(topics()).toEqual(["orders/updated"]);
    expect(body("orders/updated")).toMatchObject({ id: order.id, financial_status: "paid", total_outstanding: "0.00", updated_at: expect.stringMatching(/^2099-01-01T/) });
    expect(order.updatedAt > before).toBe(true);
    await expect(standin.markOrderPaid(order.id)).rejects.toThrow(/already paid/);

    const unpaid = await standin.createOrder({ customer: { email: "never.pays@example.com" }, financialStatus: "PENDING", lines: [{ sku: "F", quantity: 1, unitPriceMinor: 500 }] }, { webhooks: "none" });
    await standin.cancelOrder(unpaid.id, { reason: "DECLINED" }, { webhooks: "none" });
    expect(standin.orderPayload(unpaid.id)).toMatchObject({ financial_status: "voided", cancelled_at: expect.any(String) });
    await expect(standin.markOrderPaid(unpaid.id)).rejects.toThrow(/cancelled/);
  });

  it("redeeming a stored code counts a use and refuses a second use by the same customer", async () => {
    const c = await standin.createCustomer({ email: "coder@example.com" }, { webhooks: "none" });
    const shop = standin.state.shops[SHOP];
    shop.discounts.push({
      id: 1, redeemCodeId: 2, kind: "basic", title: "Reward", code: "TREUE-ABC", startsAt: "2020-01-01T00:00:00Z", endsAt: null, createdAt: "2020-01-01T00:00:00Z", updatedAt: "2020-01-01T00:00:00Z",
      customerIds: [c.id], value: { amountMinor: 500, appliesOnEachItem: false }, currency: "GBP", minimumSubtotalMinor: null, minimumQuantity: null, usageLimit: 1, appliesOncePerCustomer: true,
      combinesWith: { orderDiscounts: false, productDiscounts: false, shippingDiscounts: false }, asyncUsageCount: 0, tags: [], maximumShippingPriceMinor: null, appliesOnOneTimePurchase: true, appliesOnSubscription: false, recurringCycleLimit: null,
    });
    const order = await standin.createOrder({ customerId: c.id, discountCodes: ["treue-abc"], lines: [{ sku: "C", title: "Cake", quantity: 2, unitPriceMinor: 1000 }] });
    expect(body("orders/create")).toMatchObject({ discount_codes: [{ code: "TREUE-ABC", amount: "5.00", type: "fixed_amount" }], total_discounts: "5.00", subtotal_price: "15.00" });
    expect(order.lines[0][5]).toBe(500);
    expect(shop.discounts[0].asyncUsageCount).toBe(1);
    await expect(standin.createOrder({ customerId: c.id, discountCodes: ["TREUE-ABC"], lines: [{ sku: "C", quantity: 1, unitPriceMinor: 1000 }] })).rejects.toThrow(/expired|already been used/);
  });

  it("can hold webhooks back and deliver them out of order", async () => {
    const orders = [];
    for (let i = 0; i < 4; i++) orders.push(await standin.createOrder({ lines: [{ sku: "D", title: "Donut", quantity: 1, unitPriceMinor: 100 + i }] }, { webhooks: "hold" }));
    expect(receiver.received).toHaveLength(0);
    const held = standin.takeHeldWebhooks();
    expect(held.map((w) => w.topic)).toEqual(["orders/create", "orders/create", "orders/create", "orders/create"]);
    await standin.deliverWebhooks(held, { order: "shuffled", seed: 7 });
    const ids = receiver.received.map((w) => JSON.parse(w.rawBody).id);
    expect([...ids].sort()).toEqual(orders.map((o) => o.id).sort());
    expect(ids).not.toEqual(orders.map((o) => o.id));
  });
});
