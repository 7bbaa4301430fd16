// Redemptions end to end: session token → POST /api/loyalty/redemptions → ledger debit → discount code in the
// stand-in, with throttling, outages and concurrent taps.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_COMBINES_WITH } from "../../app/rewards/domain/catalog";
import { redeemReward } from "../../app/rewards/redemptions.server";
import { saveReward } from "../../app/rewards/rewards-catalog.server";
import { standinAdminGraphql } from "../support/standin-admin";
import { browserFetch, startTreue, TEST_SHOP, type TreueHarness } from "../support/treue-harness";

let t: TreueHarness;

beforeAll(async () => {
  t = await startTreue({ appEnv: { WEBHOOK_WORKER: "1", REDEMPTION_ADMIN_TIMEOUT_MS: "1000" } });
});
afterAll(async () => {
  if (process.env.SHOW_APP_OUTPUT) console.log(t?.app.output());
  await t?.close();
});
afterEach(() => {
  t.standin.clearFaults();
  t.standin.setCostBucket(2000); // full again, at the default restore rate
});

const member = (customerId: number) => t.db.prisma.member.findUnique({ where: { shop_customerId: { shop: TEST_SHOP, customerId: String(customerId) } } });
const pointsOf = async (customerId: number) => (await member(customerId))?.points ?? null;
const discountsFor = (customerId: number) => t.standin.state.shops[TEST_SHOP].discounts.filter((d) => d.customerIds?.includes(customerId));
const debitsOf = (customerId: number) =>
  t.db.prisma.ledgerEntry.findMany({ where: { shop: TEST_SHOP, customerId: String(customerId), kind: { in: ["redeem", "redeem-reversal"] } }, orderBy: { id: "asc" } });

let keys = 0;
const newKey = () => `tap-${Date.now()}-${++keys}`;

/** A customer holding `points` (an order of points × 1.00 at the default 1 point per 1.00). */
async function customerWith(points: number) {
  const customer = await t.standin.createCustomer({ email: `r${Date.now()}-${++keys}@example.com` });
  await t.standin.createOrder({ customerId: customer.id, lines: [{ sku: "MUG", quantity: 1, unitPriceMinor: points * 100 }] });
  await expect.poll(() => pointsOf(customer.id), { timeout: 10_000 }).toBe(points);
  return { id: customer.id, token: t.standin.mintCheckoutToken({ customerGid: `gid://shopify/Customer/${customer.id}` }) };
}

function redeem(token: string | null, body: unknown) {
  return browserFetch(`${t.app.url}/api/loyalty/redemptions`, {
    method: "POST",
    headers: { Origin: "https://extensions.shopifycdn.com", "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

describe("POST /api/loyalty/redemptions", () => {
  it("spends 500 points on the default reward and creates one code only this customer can use", async () => {
    const c = await customerWith(700);
    const res = await redeem(c.token, { rewardId: "default-5-off", idempotencyKey: newKey() });
    expect(res.status).toBe(201);
    expect(res.headers.get("access-control-allow-origin")).toBeTruthy();
    const body = await res.json();
    expect(body).toMatchObject({ pointsSpent: 500, balance: 200 });
    expect(body.code).toMatch(/^TREUE-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    const codes = discountsFor(c.id);
    expect(codes.map((d) => d.code)).toEqual([body.code]);
    expect(codes[0].customerIds).toEqual([c.id]);
    expect(await pointsOf(c.id)).toBe(200);
  });

  it("answers the same idempotency key with the same code and debits once", async () => {
    const c = await customerWith(600);
    const key = newKey();
    const first = await redeem(c.token, { rewardId: "default-5-off", idempotencyKey: key });
    const second = await redeem(c.token, { rewardId: "default-5-off", idempotencyKey: key });
    expect([first.status, second.status]).toEqual([201, 201]);
    const [a, b] = [await first.json(), await second.json()];
    expect(b.code).toBe(a.code);
    expect(discountsFor(c.id)).toHaveLength(1);
    expect((await debitsOf(c.id)).map((e) => e.points)).toEqual([-500]);
    expect(await pointsOf(c.id)).toBe(100);
  });

  it("refuses a redemption the balance does not cover: 409 and no code", async () => {
    const c = await customerWith(499);
    const res = await redeem(c.token, { rewardId: "default-5-off", idempotencyKey: newKey() });
    expect(res.status).toBe(409);
    expect((await res.json()).error.code).toBe("INSUFFICIENT_POINTS");
    expect(discountsFor(c.id)).toHaveLength(0);
    expect(await pointsOf(c.id)).toBe(499);
  });

  it("lets exactly one of 100 simultaneous redemptions through when the balance covers one", async () => {
    const c = await customerWith(999);
    const shopCodesBefore = t.standin.state.shops[TEST_SHOP].discounts.length;
    // WHEN 100 requests with distinct idempotency keys arrive at once (they queue on the member's row lock)
    const answers = await Promise.all(Array.from({ length: 100 }, () => redeem(c.token, { rewardId: "default-5-off", idempotencyKey: newKey() })));
    const statuses = answers.map((r) => r.status).sort();
    // THEN exactly one is issued, every other one is refused for the balance (not a 5xx from a lock timeout)
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(99);
    const refusals = await Promise.all(answers.filter((r) => r.status === 409).map(async (r) => (await r.json()).error.code));
    expect(new Set(refusals)).toEqual(new Set(["INSUFFICIENT_POINTS"]));
    expect(await pointsOf(c.id)).toBe(499);
    // …one debit, so the running balance never went below zero…
    const entries = await t.db.prisma.ledgerEntry.findMany({ where: { shop: TEST_SHOP, customerId: String(c.id) }, orderBy: { id: "asc" } });
    let running = 0;
    for (const e of entries) {
      running += e.points;
      expect(running).toBeGreaterThanOrEqual(0);
    }
    expect((await debitsOf(c.id)).map((e) => e.points)).toEqual([-500]);
    // …and exactly one discount code exists in the shop, for this customer.
    expect(t.standin.state.shops[TEST_SHOP].discounts.length - shopCodesBefore).toBe(1);
    expect(discountsFor(c.id)).toHaveLength(1);
  });

  it("issues every one of 30 simultaneous redemptions the balance covers, each debited once, optimistically or under the row lock", async () => {
    // Over HTTP the writes race optimistically (one wins each round, the others read again, then lock);
    // in-process with no optimistic attempts every request takes the member's row lock at once.
    const locked = (token: string, customerId: number) => (idempotencyKey: string) =>
      redeemReward(t.db.prisma, { shop: TEST_SHOP, customerGid: `gid://shopify/Customer/${customerId}`, rewardId: "default-5-off", idempotencyKey }, {
        adminFor: async () => standinAdminGraphql(t.standin, TEST_SHOP),
        optimisticAttempts: 0,
      }).then((r) => r.status);
    for (const path of ["http", "locked"] as const) {
      const c = await customerWith(30 * 500 + 499);
      const keysUsed = Array.from({ length: 30 }, () => newKey());
      const statuses = await Promise.all(
        keysUsed.map((key) => (path === "http" ? redeem(c.token, { rewardId: "default-5-off", idempotencyKey: key }).then((r) => r.status) : locked(c.token, c.id)(key))),
      );
      expect(statuses, path).toEqual(Array(30).fill(201));
      expect(await pointsOf(c.id), path).toBe(499);
      expect((await debitsOf(c.id)).map((e) => e.reason).sort(), path).toEqual(discountsFor(c.id).map((d) => d.code).sort());
      expect(discountsFor(c.id), path).toHaveLength(30);
      // One more is refused: nothing is left to spend.
      expect(await (path === "http" ? redeem(c.token, { rewardId: "default-5-off", idempotencyKey: newKey() }).then((r) => r.status) : locked(c.token, c.id)(newKey())), path).toBe(409);
    }
  });

  it("retries a throttled create and still issues exactly one code", async () => {
    const c = await customerWith(500);
    t.standin.injectFault({ operation: "discountCodeBasicCreate", kind: "THROTTLED", times: 1 });
    const res = await redeem(c.token, { rewardId: "default-5-off", idempotencyKey: newKey() });
    expect(res.status).toBe(201);
    const { code } = await res.json();
    expect(discountsFor(c.id).map((d) => d.code)).toEqual([code]);
    expect(await pointsOf(c.id)).toBe(0);
  });

  it("waits for the shop's drained rate-limit bucket as long as Shopify says, instead of giving the points back", async () => {
    const c = await customerWith(500);
    // GIVEN a bucket that holds nothing, in a shop restoring 20 points/s: the create (10 points) needs 0.5 s.
    t.standin.setCostBucket(0, { restoreRate: 20 });
    const res = await redeem(c.token, { rewardId: "default-5-off", idempotencyKey: newKey() });
    expect(res.status).toBe(201);
    const waited = Number(/shopify-throttle;dur=(\d+)/.exec(res.headers.get("server-timing") ?? "")?.[1]);
    expect(waited).toBeGreaterThan(0);
    expect(waited).toBeLessThan(1000);
    expect(discountsFor(c.id).map((d) => d.code)).toEqual([(await res.json()).code]);
    expect(await pointsOf(c.id)).toBe(0);
  });

  it("finds the code a timed-out create applied late instead of creating a second one", async () => {
    const c = await customerWith(500);
    t.standin.injectFault({ operation: "discountCodeBasicCreate", kind: "TIMEOUT", delayMs: 1500, times: 1 });
    const res = await redeem(c.token, { rewardId: "default-5-off", idempotencyKey: newKey() });
    expect(res.status).toBe(201);
    const { code } = await res.json();
    // Let the late create land, then count.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(discountsFor(c.id).map((d) => d.code)).toEqual([code]);
    expect(await pointsOf(c.id)).toBe(0);
  });

  it("gives the points back when Shopify stays down: 503, balance restored, no code", async () => {
    const c = await customerWith(500);
    t.standin.injectFault({ operation: "discountCodeBasicCreate", kind: "HTTP_503", times: -1 });
    const key = newKey();
    const res = await redeem(c.token, { rewardId: "default-5-off", idempotencyKey: key });
    expect(res.status).toBe(503);
    expect((await res.json()).error.message).toMatch(/points were returned/);
    expect(await pointsOf(c.id)).toBe(500);
    expect(discountsFor(c.id)).toHaveLength(0);
    expect((await debitsOf(c.id)).map((e) => [e.kind, e.points])).toEqual([["redeem", -500], ["redeem-reversal", 500]]);
    // The same key again gets the same answer and does not spend the points a second time.
    t.standin.clearFaults();
    expect((await redeem(c.token, { rewardId: "default-5-off", idempotencyKey: key })).status).toBe(503);
    expect(await pointsOf(c.id)).toBe(500);
  });

  it("validates the body and refuses guests, unknown rewards and missing tokens", async () => {
    const c = await customerWith(1);
    const bad = await redeem(c.token, { rewardId: "default-5-off" });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/idempotencyKey/);
    expect((await redeem(c.token, "not json")).status).toBe(400);
    const unknown = await redeem(c.token, { rewardId: "no-such-reward", idempotencyKey: newKey() });
    expect(unknown.status).toBe(404);
    const guest = await redeem(t.standin.mintCheckoutToken({ customerGid: null }), { rewardId: "default-5-off", idempotencyKey: newKey() });
    expect(guest.status).toBe(401);
    expect((await guest.json()).error.message).toMatch(/Log in/);
    expect((await redeem(null, { rewardId: "default-5-off", idempotencyKey: newKey() })).status).toBe(401);
    const preflight = await browserFetch(`${t.app.url}/api/loyalty/redemptions`, {
      method: "OPTIONS",
      headers: { Origin: "https://extensions.shopifycdn.com", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type" },
    });
    expect(preflight.status).toBeLessThan(300);
  });
});

describe("points are spendable only once the order is paid", () => {
  const balanceOf = async (token: string) => {
    const res = await browserFetch(`${t.app.url}/api/loyalty`, { headers: { Origin: "https://extensions.shopifycdn.com", Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as { balance: number; pending: number; lifetimeEarned: number };
  };
  const appliedAll = () => expect.poll(() => t.db.prisma.webhookEvent.count({ where: { shop: TEST_SHOP, status: "received" } }), { timeout: 10_000 }).toBe(0);

  it("GIVEN a 600.00 order placed unpaid THEN nothing is spendable and a redemption is refused; WHEN it is paid THEN 600 are", async () => {
    const customer = await t.standin.createCustomer({ email: `pays-later-${++keys}@example.com` });
    const token = t.standin.mintCheckoutToken({ customerGid: `gid://shopify/Customer/${customer.id}` });
    const order = await t.standin.createOrder({ customerId: customer.id, financialStatus: "PENDING", lines: [{ sku: "LAMP", quantity: 1, unitPriceMinor: 60_000 }] });
    await appliedAll();
    expect(await balanceOf(token)).toMatchObject({ balance: 0, lifetimeEarned: 0 });
    const refused = await redeem(token, { rewardId: "default-5-off", idempotencyKey: newKey() });
    expect(refused.status).toBe(409);
    expect(discountsFor(customer.id)).toEqual([]);

    // The order's own page (thank you / order status) says what it will earn once paid.
    const orderState = async () => {
      const res = await browserFetch(`${t.app.url}/api/loyalty?orderId=${encodeURIComponent(`gid://shopify/Order/${order.id}`)}`, {
        headers: { Origin: "https://extensions.shopifycdn.com", Authorization: `Bearer ${token}` },
      });
      return ((await res.json()) as { order: unknown }).order;
    };
    expect(await orderState()).toEqual({ pointsEarned: 600, status: "pending" });

    await t.standin.markOrderPaid(order.id);
    await expect.poll(async () => (await balanceOf(token)).balance, { timeout: 10_000 }).toBe(600);
    expect(await orderState()).toEqual({ pointsEarned: 600, status: "earned" });
    const entries = await t.db.prisma.ledgerEntry.findMany({ where: { shop: TEST_SHOP, customerId: String(customer.id) } });
    expect(entries.map((e) => [e.idempotencyKey, e.kind, e.points])).toEqual([[`order:${order.id}:v1`, "earn", 600]]);
    expect((await redeem(token, { rewardId: "default-5-off", idempotencyKey: newKey() })).status).toBe(201);
  });

  it("GIVEN an order placed unpaid WHEN it is voided (cancelled before payment) THEN it never earns, whatever order the webhooks come in", async () => {
    const customer = await t.standin.createCustomer({ email: `never-pays-${++keys}@example.com` });
    const token = t.standin.mintCheckoutToken({ customerGid: `gid://shopify/Customer/${customer.id}` });
    const order = await t.standin.createOrder(
      { customerId: customer.id, financialStatus: "PENDING", lines: [{ sku: "LAMP", quantity: 1, unitPriceMinor: 60_000 }] },
      { webhooks: "hold" },
    );
    await t.standin.cancelOrder(order.id, { reason: "DECLINED" }, { webhooks: "hold" });
    expect(t.standin.orderPayload(order.id)).toMatchObject({ financial_status: "voided" });
    // orders/updated and orders/cancelled first, the late orders/create last, and each twice.
    const held = t.standin.takeHeldWebhooks();
    const deliveries = await t.standin.deliverWebhooks([...held, ...held], { order: "reversed" });
    expect(deliveries.every((d) => d.status === 200)).toBe(true);
    await appliedAll();
    expect(await balanceOf(token)).toMatchObject({ balance: 0, pending: 0, lifetimeEarned: 0 });
    expect(await t.db.prisma.ledgerEntry.count({ where: { shop: TEST_SHOP, customerId: String(customer.id), orderId: String(order.id) } })).toBe(0);
    expect(await t.db.prisma.orderPoints.findFirst({ where: { shop: TEST_SHOP, orderId: String(order.id) } })).toMatchObject({ awarded: 0, postings: 0 });
  });
});

describe("a free product reward", () => {
  let variantGid: string;
  const currency = () => t.standin.state.shops[TEST_SHOP].info.currency;

  beforeAll(async () => {
    // GIVEN a teapot sold at 12.95 (the stand-in prices a variant at its first order line)
    const buyer = await t.standin.createCustomer({ email: `teapot-buyer-${Date.now()}@example.com` });
    await t.standin.createOrder({ customerId: buyer.id, lines: [{ sku: "TEAPOT", title: "Teapot", quantity: 1, unitPriceMinor: 1295 }] });
    variantGid = `gid://shopify/ProductVariant/${t.standin.state.shops[TEST_SHOP].products.TEAPOT[1]}`;
    for (const [id, productVariantId] of [["free-teapot", variantGid], ["free-ghost", "gid://shopify/ProductVariant/987654321"]]) {
      const saved = await saveReward(t.db.prisma, TEST_SHOP, currency(), { id, kind: "free-product", title: "Free teapot", pointsCost: 300, productVariantId, combinesWith: DEFAULT_COMBINES_WITH }, "create");
      expect(saved).toEqual({ ok: true });
    }
  });

  it("takes one unit off, however many the cart holds, and nothing off other products", async () => {
    const c = await customerWith(400);
    const res = await redeem(c.token, { rewardId: "free-teapot", idempotencyKey: newKey() });
    expect(res.status).toBe(201);
    const { code } = await res.json();
    const [discount] = discountsFor(c.id);
    expect(discount).toMatchObject({ code, value: { amountMinor: 1295, appliesOnEachItem: false }, variantIds: [Number(variantGid.split("/").pop())] });
    // WHEN the member orders three teapots and a lamp with the code
    const order = await t.standin.createOrder({
      customerId: c.id,
      lines: [{ sku: "TEAPOT", quantity: 3, unitPriceMinor: 1295 }, { sku: "LAMP", quantity: 1, unitPriceMinor: 4000 }],
      discountCodes: [code],
    });
    // THEN one teapot is free: 12.95 off the teapot line, the lamp at full price
    expect(order.discountCodes).toEqual([{ code, amountMinor: 1295, type: "fixed_amount" }]);
    expect(order.lines.map((l) => [l[1], l[5]])).toEqual([["TEAPOT", 1295], ["LAMP", 0]]);
  });

  it("whose product is gone answers 409 REWARD_UNAVAILABLE and keeps the points", async () => {
    const c = await customerWith(400);
    const res = await redeem(c.token, { rewardId: "free-ghost", idempotencyKey: newKey() });
    expect(res.status).toBe(409);
    expect((await res.json()).error).toMatchObject({ code: "REWARD_UNAVAILABLE", message: expect.stringMatching(/not spent/) });
    expect(discountsFor(c.id)).toHaveLength(0);
    expect(await pointsOf(c.id)).toBe(400);
  });
});
