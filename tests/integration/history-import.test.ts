// The order history: imported from Shopify's bulk exports over real HTTP (the stand-in serves the
// JSONL file), then kept current by signed webhooks, duplicated and out of order.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTreue, browserFetch, TEST_SHOP, type TreueHarness } from "../support/treue-harness";
import { orderTotals } from "../shopify-standin/state";
import { historyTotals } from "../../app/history/history-store.server";

let t: TreueHarness;

function expectedTotals() {
  const shop = t.standin.state.shops[TEST_SHOP];
  let orderAmountMinor = 0;
  let refundAmountMinor = 0;
  let refunds = 0;
  for (const o of shop.orders) {
    orderAmountMinor += orderTotals(shop, o).subtotalMinor;
    for (const r of o.refunds) {
      refunds++;
      for (const line of r.lines) refundAmountMinor += line[2];
    }
  }
  return {
    customers: shop.customers.length,
    orders: shop.orders.length,
    refunds,
    orderAmountMinor,
    refundAmountMinor,
    cancelledOrders: shop.orders.filter((o) => o.cancelledAt).length,
  };
}

async function waitForImport() {
  await expect
    .poll(async () => (await t.db.prisma.historyImport.findFirst({ where: { shop: TEST_SHOP }, orderBy: { id: "desc" } }))?.status, {
      timeout: 60_000,
      interval: 250,
    })
    .toMatch(/completed|failed/);
  return t.db.prisma.historyImport.findFirstOrThrow({ where: { shop: TEST_SHOP }, orderBy: { id: "desc" } });
}

const enrolled = () => t.db.prisma.member.findMany({ where: { shop: TEST_SHOP }, orderBy: { customerId: "asc" } });

beforeAll(async () => {
  t = await startTreue({ appEnv: { WEBHOOK_WORKER: "1" } });
  // GIVEN a shop with buyers, repeat buyers, a guest, a discounted order, refunds and a cancellation,
  // none of which the app has heard about through webhooks.
  const none = { webhooks: "none" as const };
  const anna = await t.standin.createCustomer({ email: "anna@example.com", firstName: "Anna", createdAt: "2025-01-02T09:00:00Z" }, none);
  await t.standin.createCustomer({ email: "no-orders@example.com", firstName: "Ben" }, none);
  const first = await t.standin.createOrder(
    { customerId: anna.id, lines: [{ sku: "TEA", quantity: 2, unitPriceMinor: 1250, discountMinor: 300 }], shippingMinor: 495, taxMinor: 200, createdAt: "2025-02-01T10:00:00Z" },
    none,
  );
  await t.standin.createOrder({ customerId: anna.id, lines: [{ sku: "POT", quantity: 1, unitPriceMinor: 3999 }], createdAt: "2025-06-01T10:00:00Z" }, none);
  await t.standin.createOrder({ lines: [{ sku: "CUP", quantity: 3, unitPriceMinor: 500 }], createdAt: "2025-07-01T10:00:00Z" }, none);
  for (let i = 0; i < 3; i++) {
    await t.standin.createOrder(
      { customer: { email: `c${i}@example.com`, firstName: "C", lastName: `${i}` }, lines: [{ sku: `S${i}`, quantity: 1 + i, unitPriceMinor: 799 }], createdAt: `2025-0${i + 3}-15T12:00:00Z` },
      none,
    );
  }
  await t.standin.refundOrder(first.id, { lines: [{ sku: "TEA", quantity: 1 }], createdAt: "2025-02-10T10:00:00Z" }, none);
  const cancelled = await t.standin.createOrder({ customerId: anna.id, lines: [{ sku: "POT", quantity: 1, unitPriceMinor: 3999 }], createdAt: "2025-08-01T10:00:00Z" }, none);
  await t.standin.cancelOrder(cancelled.id, {}, none);
});
afterAll(async () => {
  await t?.close();
});

describe("history import", () => {
  it("imports the whole history through bulk exports on the first admin visit, matching Shopify's totals", async () => {
    // WHEN the merchant opens the admin for the first time
    const res = await browserFetch(t.adminUrl());
    expect(res.status, t.app.output().slice(-3000)).toBe(200);
    // THEN the import runs both bulk exports and the database holds what the shop holds
    const done = await waitForImport();
    expect(done.error).toBeNull();
    expect(done.status).toBe("completed");
    const expected = expectedTotals();
    expect(expected.refunds).toBeGreaterThanOrEqual(2);
    expect(await historyTotals(t.db.prisma, TEST_SHOP)).toEqual(expected);
    expect({ customers: done.customers, orders: done.orders, refunds: done.refunds }).toEqual({
      customers: expected.customers,
      orders: expected.orders,
      refunds: expected.refunds,
    });
    const bulkRuns = t.standin.requests.filter((r) => r.operationName === "HistoryBulkRun");
    expect(bulkRuns).toHaveLength(2);
  });

  it("enrols the shop's existing customers as members, with their names, e-mail, consent and last order, searchable in the members page", async () => {
    const members = await enrolled();
    // Every customer Shopify holds, buyers and non-buyers alike (Ben never ordered), and no one else.
    expect(members.map((m) => m.customerId).sort()).toEqual(t.standin.state.shops[TEST_SHOP].customers.map((c) => String(c.id)).sort());
    const anna = members.find((m) => m.email === "anna@example.com")!;
    expect(anna).toMatchObject({ firstName: "Anna", emailMarketing: "not_subscribed", points: 0 });
    // Her last order is the cancelled one of 1 August; she joined when she became a customer.
    expect(anna.lastOrderAt?.toISOString()).toBe("2025-08-01T10:00:00.000Z");
    expect(anna.joinedAt.toISOString()).toBe("2025-01-02T09:00:00.000Z");
    expect(members.find((m) => m.email === "no-orders@example.com")).toMatchObject({ firstName: "Ben", lastOrderAt: null });
    expect(members.find((m) => m.email === "c2@example.com")).toMatchObject({ firstName: "C", lastName: "2" });
    for (const [q, shown] of [["anna", "anna@example.com"], ["Ben", "no-orders@example.com"], ["c1@example", "c1@example.com"]]) {
      const html = await (await browserFetch(t.adminUrl("/app/members", { q }))).text();
      expect(html, q).toContain(shown);
    }
    const all = await (await browserFetch(t.adminUrl("/app/members"))).text();
    expect(all).not.toContain("No members found");
  });

  it("re-imports on the merchant's request without duplicating anything", async () => {
    const before = await historyTotals(t.db.prisma, TEST_SHOP);
    const membersBefore = await enrolled();
    const res = await browserFetch(t.adminUrl("/app", { index: "" }), { method: "POST", body: new URLSearchParams({ intent: "reimport" }) });
    expect(res.status).toBe(200);
    const done = await waitForImport();
    expect(done.status).toBe("completed");
    expect(done.trigger).toBe("admin");
    expect(await historyTotals(t.db.prisma, TEST_SHOP)).toEqual(before);
    expect(await enrolled()).toEqual(membersBefore);
  });

  it("shows the dashboard with the imported figures", async () => {
    const html = await (await browserFetch(t.adminUrl("/app", { days: "365" }))).text();
    expect(html).toContain('id="metric-retentionRate"');
    expect(html).toContain("No referrals yet");
    const orders = expectedTotals().orders;
    expect(html).toMatch(new RegExp(`${orders} orders and \\d+ refunds of \\d+ customers in the history`));
  });

  it("drills down from a lifecycle segment to its customers", async () => {
    const html = await (await browserFetch(t.adminUrl())).text();
    const lost = Number(/id="segment-lost"[^>]*><span[^>]*>(\d+)</.exec(html)?.[1]);
    // every seeded order is over 90 days old, so each buyer is at risk or lost
    expect(lost).toBeGreaterThan(0);
    const page = await (await browserFetch(t.adminUrl("/app/analytics/customers", { segment: "lost" }))).text();
    expect(page).toContain(`${lost} customers in this segment`);
    expect(page).toContain("anna@example.com");
    // A page past the list's end still says how many there are, and shows no one.
    const url = new URL(t.adminUrl("/app/analytics/customers", { segment: "lost", page: "2", _data: "routes/app.analytics.customers" }));
    const second = await (await browserFetch(url.toString(), { headers: { Authorization: `Bearer ${url.searchParams.get("id_token")}` } })).json();
    expect(second).toMatchObject({ page: 2, pageSize: 100, total: lost, customers: [] });
    expect((await browserFetch(t.adminUrl("/app/analytics/customers", { segment: "whales" }))).status).toBe(400);
  });

  it("tags the lifecycle segments in Shopify after the import, and again on Sync now", async () => {
    const annasSegmentTags = () =>
      t.standin.state.shops[TEST_SHOP].customers.find((c) => c.email === "anna@example.com")!.tags.filter((x) => x.startsWith("treue:"));
    await expect.poll(annasSegmentTags, { timeout: 30_000 }).toEqual([expect.stringMatching(/^treue:(lost|at-risk)$/)]);
    const page = () => browserFetch(t.adminUrl("/app/analytics/customers", { segment: "lost" })).then((r) => r.text());
    await expect.poll(page, { timeout: 30_000 }).toMatch(/Last synced \d+ \w+ \d{4}, \d\d:\d\d GMT: \d+ customers? updated\./); // the shop's clock (UTC, "GMT" in en-GB), named once
    const res = await browserFetch(t.adminUrl("/app/analytics/customers", { segment: "lost" }), {
      method: "POST",
      body: new URLSearchParams({ intent: "sync-segments" }),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Sync started");
    await expect.poll(page, { timeout: 30_000 }).toMatch(/Last synced \d+ \w+ \d{4}, \d\d:\d\d GMT: 0 customers updated\./);
  });
});

describe("history webhooks", () => {
  it("records new orders, refunds and customers, whatever the order and however often they arrive", async () => {
    // GIVEN a new buyer's order, a refund and a cancellation of another order, as held webhooks
    const hold = { webhooks: "hold" as const };
    const order = await t.standin.createOrder(
      { customer: { email: "late@example.com", firstName: "Lena", lastName: "Spät" }, lines: [{ sku: "BAG", quantity: 2, unitPriceMinor: 2500 }] },
      hold,
    );
    await t.standin.refundOrder(order.id, { lines: [{ sku: "BAG", quantity: 1 }] }, hold);
    const other = await t.standin.createOrder({ customerId: order.customerId!, lines: [{ sku: "BOX", quantity: 1, unitPriceMinor: 1000 }] }, hold);
    await t.standin.cancelOrder(other.id, {}, hold);
    const held = t.standin.takeHeldWebhooks();
    expect(held.length).toBeGreaterThanOrEqual(6);
    // WHEN they arrive newest first, and then all of them once more
    await t.standin.deliverWebhooks(held, { order: "reversed" });
    await t.standin.deliverWebhooks(held, { order: "shuffled", seed: 7 });
    // THEN the history equals the shop's again
    await expect.poll(async () => historyTotals(t.db.prisma, TEST_SHOP), { timeout: 20_000, interval: 250 }).toEqual(expectedTotals());
    const row = await t.db.prisma.historyOrder.findUniqueOrThrow({ where: { shop_id: { shop: TEST_SHOP, id: BigInt(other.id) } } });
    expect(row.cancelledAt).toBeInstanceOf(Date);
    expect(row.source).toBe("webhook");
    const customer = await t.db.prisma.historyCustomer.findUnique({ where: { shop_id: { shop: TEST_SHOP, id: BigInt(order.customerId!) } } });
    expect(customer?.email).toBe("late@example.com");
  });

  it("keeps the newer state when an older order payload arrives last", async () => {
    const order = await t.standin.createOrder({ customer: { email: "x@example.com", firstName: "X", lastName: "Y" }, lines: [{ sku: "A", quantity: 1, unitPriceMinor: 700 }] }, { webhooks: "none" });
    const created = t.standin.orderPayload(order.id) as Record<string, unknown>;
    const updated = { ...created, updated_at: "2099-01-01T00:00:00Z", cancelled_at: "2099-01-01T00:00:00Z" };
    await t.standin.deliverWebhook("orders/updated", updated, { eventId: `upd-${order.id}` });
    await t.standin.deliverWebhook("orders/create", created, { eventId: `cre-${order.id}` });
    await expect
      .poll(async () => t.db.prisma.webhookEvent.count({ where: { shop: TEST_SHOP, eventId: { in: [`upd-${order.id}`, `cre-${order.id}`] }, status: "processed" } }), { timeout: 20_000 })
      .toBe(2);
    const row = await t.db.prisma.historyOrder.findUniqueOrThrow({ where: { shop_id: { shop: TEST_SHOP, id: BigInt(order.id) } } });
    expect(row.cancelledAt?.toISOString()).toBe("2099-01-01T00:00:00.000Z");
    expect(row.updatedAt.toISOString()).toBe("2099-01-01T00:00:00.000Z");
  });

  it("draws the segments by the merchant's rules once they are saved, and refuses rules that contradict themselves", async () => {
    const lostCount = async () => Number(/id="segment-lost"[^>]*><span[^>]*>(\d+)</.exec(await (await browserFetch(t.adminUrl())).text())?.[1]);
    const rules = (fields: Record<string, string>) =>
      browserFetch(t.adminUrl("/app/analytics/segments"), {
        method: "POST",
        body: new URLSearchParams({ newWithinDays: "30", atRiskAfterDays: "90", lostAfterDays: "180", vipMinOrders: "5", vipSpendRule: "share", vipTopPercent: "5", vipMinSpend: "", ...fields }),
      });
    expect(await lostCount()).toBeGreaterThan(0);
    // GIVEN rules whose "lost" comes before "at risk": refused with the field's message, nothing saved
    const refused = await rules({ atRiskAfterDays: "400", lostAfterDays: "300" });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("lost-before-at-risk");
    expect(await t.db.prisma.segmentRules.count({ where: { shop: TEST_SHOP } })).toBe(0);
    // WHEN the merchant calls a customer lost only after ten years
    expect((await rules({ lostAfterDays: "3650" })).status).toBe(200);
    // THEN nobody in the seeded history is lost, the dashboard says which rule it used, and the drill-down agrees
    expect(await lostCount()).toBe(0);
    const html = await (await browserFetch(t.adminUrl())).text();
    expect(html).toContain("Lost: no order for 3650 days.");
    const page = await (await browserFetch(t.adminUrl("/app/analytics/customers", { segment: "lost" }))).text();
    expect(page).toContain("0 customers in this segment");
    // The form shows the saved rules, in German too.
    const form = await (await browserFetch(t.adminUrl("/app/analytics/segments", { locale: "de-DE" }))).text();
    expect(form).toContain("Segmentregeln");
    expect(form).toMatch(/name="lostAfterDays"[^>]*value="3650"|value="3650"[^>]*name="lostAfterDays"/);
    // Back to the defaults for whatever runs next.
    expect((await rules({})).status).toBe(200);
    expect(await lostCount()).toBeGreaterThan(0);
  });
});
