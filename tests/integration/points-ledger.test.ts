// The points engine end to end: signed webhooks from the stand-in over real HTTP → inbox → worker →
// ledger, and the balance read back by GET /api/loyalty with extension session tokens.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserFetch, startTreue, TEST_SHOP, type TreueHarness } from "../support/treue-harness";

let t: TreueHarness;

beforeAll(async () => {
  t = await startTreue({ appEnv: { WEBHOOK_WORKER: "1" } });
});
afterAll(async () => {
  if (process.env.SHOW_APP_OUTPUT) console.log(t?.app.output());
  await t?.close();
});

const member = (customerId: number) => t.db.prisma.member.findUnique({ where: { shop_customerId: { shop: TEST_SHOP, customerId: String(customerId) } } });
const pointsOf = async (customerId: number) => (await member(customerId))?.points ?? null;

function getLoyalty(token: string | null, query = "") {
  return browserFetch(`${t.app.url}/api/loyalty${query}`, {
    headers: { Origin: "https://extensions.shopifycdn.com", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
  });
}

describe("points from order webhooks", () => {
  it("GIVEN a new customer WHEN they order, are refunded and the webhooks repeat THEN the ledger holds each change once", async () => {
    const customer = await t.standin.createCustomer({ email: "anna@example.com", firstName: "Anna", lastName: "Test" });
    await expect.poll(() => member(customer.id), { timeout: 10_000 }).toMatchObject({ email: "anna@example.com", points: 0 });

    // 2 × 12.50 = 25.00 at the default 1 point per 1.00.
    const order = await t.standin.createOrder({ customerId: customer.id, lines: [{ sku: "MUG", quantity: 2, unitPriceMinor: 1250 }] });
    await expect.poll(() => pointsOf(customer.id), { timeout: 10_000 }).toBe(25);

    // One mug back: 12.50 kept → 12 points; the adjustment is a new entry, the earn entry stays.
    await t.standin.refundOrder(order.id, { lines: [{ sku: "MUG", quantity: 1 }] });
    await expect.poll(() => pointsOf(customer.id), { timeout: 10_000 }).toBe(12);

    // The same orders/updated delivered three more times changes nothing.
    const deliveries = await t.standin.deliverWebhook("orders/updated", t.standin.orderPayload(order.id), { duplicates: 2 });
    expect(deliveries.every((d) => d.status === 200)).toBe(true);
    await expect.poll(() => t.db.prisma.webhookEvent.count({ where: { shop: TEST_SHOP, status: "received" } }), { timeout: 10_000 }).toBe(0);

    const entries = await t.db.prisma.ledgerEntry.findMany({ where: { shop: TEST_SHOP, customerId: String(customer.id) }, orderBy: { id: "asc" } });
    expect(entries.map((e) => [e.idempotencyKey, e.kind, e.points])).toEqual([
      [`order:${order.id}:v1`, "earn", 25],
      [`order:${order.id}:v2`, "adjust-order", -13],
    ]);
    expect(await member(customer.id)).toMatchObject({ points: 12, lifetimeEarned: 12, entryCount: 2 });
  });

  it("cancelling an order takes all its points back", async () => {
    const customer = await t.standin.createCustomer({ email: "ben@example.com" });
    const order = await t.standin.createOrder({ customerId: customer.id, lines: [{ sku: "TEA", quantity: 1, unitPriceMinor: 5790 }] });
    await expect.poll(() => pointsOf(customer.id), { timeout: 10_000 }).toBe(57);
    await t.standin.cancelOrder(order.id);
    await expect.poll(() => pointsOf(customer.id), { timeout: 10_000 }).toBe(0);
  });

  it("refuses to edit or delete a ledger entry", async () => {
    await expect(t.db.prisma.ledgerEntry.updateMany({ where: { shop: TEST_SHOP }, data: { points: 1000 } })).rejects.toThrow(/append-only/);
    await expect(t.db.prisma.ledgerEntry.deleteMany({ where: { shop: TEST_SHOP } })).rejects.toThrow(/append-only/);
    // A transaction erasing another shop (shop/redact) can't delete this shop's entries, nor edit any.
    await expect(
      t.db.transaction(async (tx, sql) => {
        await sql.query(`SELECT set_config('treue.erasing_shop', $1, true)`, ["another.myshopify.com"]);
        await tx.ledgerEntry.deleteMany({ where: { shop: TEST_SHOP } });
      }),
    ).rejects.toThrow(/append-only/);
    await expect(
      t.db.transaction(async (tx, sql) => {
        await sql.query(`SELECT set_config('treue.erasing_shop', $1, true)`, [TEST_SHOP]);
        await tx.ledgerEntry.updateMany({ where: { shop: TEST_SHOP }, data: { points: 1000 } });
      }),
    ).rejects.toThrow(/append-only/);
    expect(await t.db.prisma.ledgerEntry.count({ where: { shop: TEST_SHOP } })).toBeGreaterThan(0);
  });

  it("parks a malformed order at once with a message saying what is wrong", async () => {
    const [delivery] = await t.standin.deliverWebhook("orders/create", { id: 777, created_at: "yesterday", line_items: [] }, { eventId: "evt-poison" });
    expect(delivery.status).toBe(200);
    const event = await expect
      .poll(() => t.db.prisma.webhookEvent.findFirst({ where: { shop: TEST_SHOP, eventId: "evt-poison", status: "parked" } }), { timeout: 10_000 })
      .toBeTruthy();
    void event;
    const parked = await t.db.prisma.webhookEvent.findFirstOrThrow({ where: { shop: TEST_SHOP, eventId: "evt-poison" } });
    expect(parked.lastError).toMatch(/^ORDERS_CREATE: .*created_at/);
    expect(await t.db.prisma.orderPoints.count({ where: { shop: TEST_SHOP, orderId: "777" } })).toBe(0);
  });

  it("erases a member's personal data on customers/redact and keeps the points", async () => {
    const customer = await t.standin.createCustomer({ email: "carl@example.com", firstName: "Carl" });
    await t.standin.createOrder({ customerId: customer.id, lines: [{ sku: "MUG", quantity: 1, unitPriceMinor: 1000 }] });
    await expect.poll(() => pointsOf(customer.id), { timeout: 10_000 }).toBe(10);
    await t.standin.requestCustomerRedact(customer.id);
    await expect.poll(async () => (await member(customer.id))?.redactedAt, { timeout: 10_000 }).toBeInstanceOf(Date);
    expect(await member(customer.id)).toMatchObject({ email: null, firstName: null, lastName: null, points: 10 });
  });
});

describe("GET /api/loyalty", () => {
  it("answers the balance for a checkout token and a customer-account token", async () => {
    const customer = await t.standin.createCustomer({ email: "dora@example.com" });
    await t.standin.createOrder({ customerId: customer.id, lines: [{ sku: "MUG", quantity: 3, unitPriceMinor: 1999 }] });
    await expect.poll(() => pointsOf(customer.id), { timeout: 10_000 }).toBe(59);
    const gid = `gid://shopify/Customer/${customer.id}`;

    for (const token of [t.standin.mintCheckoutToken({ customerGid: gid }), t.standin.mintCustomerAccountToken({ customerGid: gid })]) {
      const res = await getLoyalty(token);
      expect(res.status).toBe(200);
      expect(res.headers.get("access-control-allow-origin")).toBeTruthy();
      expect(await res.json()).toMatchObject({ customerId: gid, balance: 59, pending: 0, lifetimeEarned: 59, tier: null,
        // The default catalog: 500 points each, so 59 don't cover them.
        rewards: [
          { id: "default-5-off", title: "£5.00 off", pointsCost: 500, affordable: false, kind: "fixed-amount-off" },
          { id: "default-5-credit", title: "£5.00 store credit", pointsCost: 500, affordable: false, kind: "store-credit" },
        ],
      });
    }
  });

  it("answers zeros for an unknown customer and for a guest, 401 without a valid token", async () => {
    const unknown = await getLoyalty(t.standin.mintCheckoutToken({ customerGid: "gid://shopify/Customer/999999" }));
    expect(await unknown.json()).toMatchObject({ customerId: "gid://shopify/Customer/999999", balance: 0, pending: 0, lifetimeEarned: 0 });

    const guest = await getLoyalty(t.standin.mintCheckoutToken({ customerGid: null }));
    expect(guest.status).toBe(200);
    expect(await guest.json()).toMatchObject({ customerId: null, balance: 0, earnRate: { points: 1, perMinor: 100 } });

    expect((await getLoyalty(null)).status).toBe(401);
    // Tamper with the middle of the signature: base64url's last character can carry only padding bits.
    const genuine = t.standin.mintCheckoutToken({ customerGid: "gid://shopify/Customer/1" });
    const at = genuine.length - 10;
    const forged = genuine.slice(0, at) + (genuine[at] === "A" ? "B" : "A") + genuine.slice(at + 1);
    expect((await getLoyalty(forged)).status).toBe(401);
    expect((await getLoyalty(t.standin.mintCheckoutToken({ customerGid: "gid://shopify/Customer/1", expiresInSeconds: -120 }))).status).toBe(401);
  });

  it("answers the CORS preflight", async () => {
    const res = await browserFetch(`${t.app.url}/api/loyalty`, {
      method: "OPTIONS",
      headers: { Origin: "https://extensions.shopifycdn.com", "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
  });
});
