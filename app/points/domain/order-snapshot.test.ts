import { describe, expect, it } from "vitest";
import { orderSnapshot } from "../../../tests/support/points-builders";
import {
  compareSnapshots,
  deletedSnapshot,
  newerSnapshot,
  orderWebhookSchema,
  paidShareOf,
  parseOrderWebhook,
  parseOrderWebhookWithSchema,
  paymentStateOf,
  readOrderWebhook,
} from "./order-snapshot";
import { seededRandom } from "./simulation";

// Shaped like Shopify's documented REST order JSON (orders/updated after a partial refund), with fields the
// engine does not read left in to show they are tolerated.
function shopifyOrder(over: Record<string, unknown> = {}) {
  return {
    id: 5820982911946,
    admin_graphql_api_id: "gid://shopify/Order/820982911946154508",
    name: "#1001",
    customer_locale: "de",
    created_at: "2024-07-01T10:30:00+01:00",
    updated_at: "2024-07-03T08:00:05+01:00",
    cancelled_at: null,
    cancel_reason: null,
    currency: "EUR",
    presentment_currency: "USD",
    financial_status: "partially_refunded",
    test: false,
    subtotal_price: "79.90",
    total_price: "84.85",
    total_outstanding: "0.00",
    current_subtotal_price: "57.90",
    current_subtotal_price_set: { shop_money: { amount: "57.90", currency_code: "EUR" }, presentment_money: { amount: "63.12", currency_code: "USD" } },
    total_shipping_price_set: { shop_money: { amount: "4.95", currency_code: "EUR" } },
    current_total_tax: "9.24",
    discount_codes: [{ code: "SUMMER", amount: "5.00", type: "fixed_amount" }],
    customer: { id: 7115310627314, email: "ada@example.com", first_name: "Ada", tags: "" },
    line_items: [
      { id: 466157049, product_id: 632910392, variant_id: 39072856, quantity: 2, current_quantity: 1, price: "22.00", sku: "IPOD", gift_card: false, tax_lines: [] },
      { id: 518995019, product_id: 921728736, variant_id: 457924702, quantity: 1, current_quantity: 1, price: "40.90", sku: "CASE", properties: [] },
    ],
    refunds: [
      {
        id: 509562969,
        created_at: "2024-07-03T08:00:00+01:00",
        refund_line_items: [{ id: 104689539, line_item_id: 466157049, quantity: 1, subtotal: "22.00", subtotal_set: { shop_money: { amount: "22.00" } } }],
        transactions: [],
      },
    ],
    shipping_lines: [],
    ...over,
  };
}

describe("parseOrderWebhook", () => {
  it("turns Shopify's order JSON into a snapshot in shop-currency minor units", () => {
    const parsed = parseOrderWebhook(shopifyOrder());
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.snapshot).toEqual({
      orderId: "5820982911946",
      name: "#1001",
      locale: "de",
      customerId: "7115310627314",
      createdAt: new Date("2024-07-01T09:30:00Z"),
      updatedAt: new Date("2024-07-03T07:00:05Z"),
      cancelled: false,
      test: false,
      financialStatus: "partially_refunded",
      totalMinor: 8485,
      outstandingMinor: 0,
      currency: "EUR",
      currentSubtotalMinor: 5790,
      lines: [
        { lineId: "466157049", productId: "632910392", variantId: "39072856", currentQuantity: 1, unitPriceMinor: 2200, giftCard: false },
        { lineId: "518995019", productId: "921728736", variantId: "457924702", currentQuantity: 1, unitPriceMinor: 4090, giftCard: false },
      ],
      refundCount: 1,
    });
  });

  it("prefers the shop-money amount and falls back to current_subtotal_price", () => {
    const set = parseOrderWebhook(shopifyOrder({ current_subtotal_price: "1.00" }));
    expect(set.ok && set.snapshot.currentSubtotalMinor).toBe(5790);
    const plain = parseOrderWebhook(shopifyOrder({ current_subtotal_price_set: undefined }));
    expect(plain.ok && plain.snapshot.currentSubtotalMinor).toBe(5790);
  });

  it("reads zero- and three-decimal currencies", () => {
    const yen = parseOrderWebhook(
      shopifyOrder({ currency: "JPY", current_subtotal_price: "5790", current_subtotal_price_set: { shop_money: { amount: "5790", currency_code: "JPY" } }, line_items: [] }),
    );
    expect(yen.ok && yen.snapshot.currentSubtotalMinor).toBe(5790);
    const dinar = parseOrderWebhook(shopifyOrder({ currency: "KWD", current_subtotal_price_set: { shop_money: { amount: "5.790", currency_code: "KWD" } }, line_items: [] }));
    expect(dinar.ok && dinar.snapshot.currentSubtotalMinor).toBe(5790);
  });

  it("derives the kept quantity from refunds when current_quantity is absent", () => {
    const items = shopifyOrder().line_items.map(({ current_quantity: _, ...rest }) => rest);
    const parsed = parseOrderWebhook(shopifyOrder({ line_items: items }));
    expect(parsed.ok && parsed.snapshot.lines.map((l) => l.currentQuantity)).toEqual([1, 1]);
  });

  it("marks cancelled orders as keeping nothing", () => {
    const parsed = parseOrderWebhook(shopifyOrder({ cancelled_at: "2024-07-04T09:00:00+01:00", financial_status: "refunded" }));
    expect(parsed.ok && parsed.snapshot.cancelled).toBe(true);
    expect(parsed.ok && parsed.snapshot.lines.every((l) => l.currentQuantity === 0)).toBe(true);
  });

  it("accepts guest orders, string ids, missing optional fields", () => {
    const parsed = parseOrderWebhook(
      shopifyOrder({ customer: null, id: "9007199254740993", test: undefined, refunds: undefined, financial_status: undefined }),
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.snapshot.customerId).toBeNull();
    expect(parsed.snapshot.orderId).toBe("9007199254740993");
    expect(parsed.snapshot.test).toBe(false);
    expect(parsed.snapshot.refundCount).toBe(0);
  });

  it("refuses numeric ids that JSON.parse already rounded", () => {
    const parsed = parseOrderWebhook(shopifyOrder({ id: 820982911946154508 }));
    expect(parsed.ok).toBe(false);
  });

  it("reports what is wrong with an unusable payload", () => {
    const missing = parseOrderWebhook(shopifyOrder({ current_subtotal_price: undefined, current_subtotal_price_set: undefined }));
    expect(missing).toEqual({ ok: false, problems: ["current_subtotal_price: missing"] });
    const local = parseOrderWebhook(shopifyOrder({ created_at: "2024-07-01T10:30:00" }));
    expect(local.ok).toBe(false);
    expect(!local.ok && local.problems[0]).toMatch(/^created_at: not an ISO-8601 instant/);
    expect(parseOrderWebhook(null).ok).toBe(false);
    expect(parseOrderWebhook(shopifyOrder({ current_subtotal_price_set: { shop_money: { amount: "12,50", currency_code: "EUR" } } })).ok).toBe(false);
  });
});

describe("readOrderWebhook (the schema's reading without zod)", () => {
  // Values that are right for one field and wrong for another, or wrong in a way one check might miss.
  const odd: unknown[] = [
    undefined, null, 0, -0, -1, 2, 1.5, 2 ** 53, 820982911946154508, Infinity, "", "12", "007", "-3", "1e3", " 5", "12.50", "12,50", "abc",
    "EUR", "eu", "EURO", "2024-07-01T10:30:00Z", "2024-07-01T10:30:00", "2024-07-01T10:30:00.123+01:00", "yesterday", true, false, [], {}, [1], { id: 5 },
  ];
  const paths = [
    ["id"], ["created_at"], ["updated_at"], ["cancelled_at"], ["currency"], ["test"], ["financial_status"], ["total_price"], ["total_outstanding"], ["current_subtotal_price"],
    ["current_subtotal_price_set"], ["current_subtotal_price_set", "shop_money"], ["current_subtotal_price_set", "shop_money", "amount"],
    ["current_subtotal_price_set", "shop_money", "currency_code"], ["customer"], ["customer", "id"], ["line_items"], ["line_items", 0],
    ["line_items", 0, "id"], ["line_items", 0, "product_id"], ["line_items", 1, "variant_id"], ["line_items", 0, "quantity"],
    ["line_items", 1, "current_quantity"], ["line_items", 0, "price"], ["line_items", 1, "gift_card"], ["refunds"], ["refunds", 0],
    ["refunds", 0, "refund_line_items"], ["refunds", 0, "refund_line_items", 0], ["refunds", 0, "refund_line_items", 0, "line_item_id"],
    ["refunds", 0, "refund_line_items", 0, "quantity"], ["refunds", 0, "refund_line_items", 0, "subtotal"],
  ] as (string | number)[][];

  function mutated(random: () => number) {
    const order: Record<string, unknown> = JSON.parse(JSON.stringify(shopifyOrder()));
    for (let n = Math.floor(random() * 4); n > 0; n--) {
      const path = paths[Math.floor(random() * paths.length)];
      let at: unknown = order;
      for (const step of path.slice(0, -1)) at = at !== null && typeof at === "object" ? (at as Record<string | number, unknown>)[step] : undefined;
      if (at === null || typeof at !== "object") continue;
      const value = odd[Math.floor(random() * odd.length)];
      const last = path[path.length - 1];
      if (value === undefined && random() < 0.5) delete (at as Record<string | number, unknown>)[last];
      else (at as Record<string | number, unknown>)[last] = value;
    }
    return order;
  }

  it("reads what the schema reads, and parseOrderWebhook gives what the schema alone gives, for any payload", () => {
    const random = seededRandom(Number(process.env.ORDER_READ_SEED ?? 20261123));
    let read = 0;
    let refused = 0;
    for (let i = 0; i < 4000; i++) {
      const payload = mutated(random);
      const fast = readOrderWebhook(payload);
      if (fast) {
        read++;
        const schema = orderWebhookSchema.safeParse(payload);
        expect(schema.success).toBe(true);
        expect(fast).toEqual(schema.data);
      } else refused++;
      expect(parseOrderWebhook(payload)).toEqual(parseOrderWebhookWithSchema(payload));
    }
    // Both ways were taken often.
    expect(read).toBeGreaterThan(400);
    expect(refused).toBeGreaterThan(400);
  });

  it("gives up on what only the schema can explain", () => {
    expect(readOrderWebhook(null)).toBeNull();
    expect(readOrderWebhook(shopifyOrder({ id: 820982911946154508 }))).toBeNull();
    expect(readOrderWebhook(shopifyOrder({ created_at: "2024-07-01T10:30:00" }))).toBeNull();
    expect(readOrderWebhook(shopifyOrder())).not.toBeNull();
  });
});

describe("deletedSnapshot", () => {
  it("keeps nothing of the order and is newer than its last snapshot, even with a deletion time before it", () => {
    const last = orderSnapshot({ updatedAt: new Date("2026-12-06T10:00:00Z") });
    for (const at of [new Date("2026-12-06T11:00:00Z"), new Date("2026-12-06T09:00:00Z")]) {
      const gone = deletedSnapshot(last, at);
      expect(gone).toMatchObject({ cancelled: true, currentSubtotalMinor: 0, orderId: last.orderId, customerId: last.customerId });
      expect(gone.lines.every((l) => l.currentQuantity === 0)).toBe(true);
      expect(compareSnapshots(gone, last)).toBeGreaterThan(0);
      expect(newerSnapshot(last, gone)).toBe(gone);
    }
  });
});

describe("compareSnapshots", () => {
  const base = orderSnapshot();
  it("orders by updated_at first", () => {
    const later = orderSnapshot({ updatedAt: new Date(base.updatedAt.getTime() + 1000), currentSubtotalMinor: 9999 });
    expect(compareSnapshots(later, base)).toBeGreaterThan(0);
    expect(newerSnapshot(base, later)).toBe(later);
    expect(newerSnapshot(later, base)).toBe(later);
  });

  it("breaks a tie in the same second: cancelled beats not cancelled, more refunds beat fewer", () => {
    const cancelled = orderSnapshot({ cancelled: true, currentSubtotalMinor: 5790 });
    const refunded = orderSnapshot({ refundCount: 2, currentSubtotalMinor: 100 });
    expect(newerSnapshot(base, cancelled)).toBe(cancelled);
    expect(newerSnapshot(refunded, cancelled)).toBe(cancelled);
    expect(newerSnapshot(refunded, base)).toBe(refunded);
    expect(newerSnapshot(base, refunded)).toBe(refunded);
  });

  it("breaks a tie in the same second by payment: paid beats pending (an order is often paid in the second it is placed)", () => {
    const pending = orderSnapshot({ financialStatus: "pending", totalMinor: 5790, outstandingMinor: 5790 });
    const partly = orderSnapshot({ financialStatus: "partially_paid", totalMinor: 5790, outstandingMinor: 3000 });
    const more = orderSnapshot({ financialStatus: "partially_paid", totalMinor: 5790, outstandingMinor: 1000 });
    const paid = orderSnapshot({ financialStatus: "paid", totalMinor: 5790, outstandingMinor: 0 });
    const voided = orderSnapshot({ financialStatus: "voided", totalMinor: 5790, outstandingMinor: 5790 });
    for (const [older, newer] of [[pending, partly], [partly, more], [more, paid], [pending, paid], [pending, voided]]) {
      expect(newerSnapshot(older, newer)).toBe(newer);
      expect(newerSnapshot(newer, older)).toBe(newer);
    }
  });

  it("is a total order: equal only for the same points-relevant content", () => {
    const a = orderSnapshot({ currentSubtotalMinor: 100 });
    const b = orderSnapshot({ currentSubtotalMinor: 100, lines: [{ ...a.lines[0], lineId: "2" }] });
    expect(Math.sign(compareSnapshots(a, b))).toBe(-Math.sign(compareSnapshots(b, a)));
    expect(compareSnapshots(a, b)).not.toBe(0);
    expect(compareSnapshots(a, { ...a, financialStatus: "paid" })).toBe(0);
  });
});

describe("payment", () => {
  const of = (financialStatus: string | null, totalMinor?: number | null, outstandingMinor?: number | null) => ({ financialStatus, totalMinor, outstandingMinor });
  it("reads Shopify's financial statuses: paid (also after refunds), part paid, not paid yet, voided", () => {
    expect(["paid", "partially_refunded", "refunded"].map((f) => paymentStateOf(of(f)))).toEqual(["paid", "paid", "paid"]);
    expect(paymentStateOf(of("partially_paid"))).toBe("partially-paid");
    expect(["pending", "authorized", "expired", "some_new_status"].map((f) => paymentStateOf(of(f)))).toEqual(Array(4).fill("awaiting-payment"));
    expect(paymentStateOf(of("voided"))).toBe("voided");
    // Shopify always sends financial_status; a payload without it is read as before payments were looked at.
    expect(paymentStateOf(of(null))).toBe("paid");
  });

  it("reads the financial status in lower case and the totals from the payload", () => {
    const parsed = parseOrderWebhook(shopifyOrder({ financial_status: "PARTIALLY_PAID", total_price: "84.85", total_outstanding: "40.00" }));
    expect(parsed.ok && parsed.snapshot).toMatchObject({ financialStatus: "partially_paid", totalMinor: 8485, outstandingMinor: 4000 });
    const bad = parseOrderWebhook(shopifyOrder({ total_outstanding: "lots" }));
    expect(bad).toEqual({ ok: false, problems: ["total_outstanding: not a decimal amount: lots"] });
  });

  it("gives the paid share of a partially paid order, and nothing when the payload does not say", () => {
    expect(paidShareOf(of("paid"))).toEqual([1, 1]);
    expect(paidShareOf(of("partially_paid", 10000, 2500))).toEqual([7500, 10000]);
    expect(paidShareOf(of("partially_paid", 10000, 12000))).toEqual([0, 10000]);
    expect(paidShareOf(of("partially_paid", 10000, null))).toEqual([0, 1]);
    expect(paidShareOf(of("pending", 10000, 0))).toEqual([0, 1]);
  });
});
