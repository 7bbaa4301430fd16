// GET /api/loyalty/activity: the customer-account rewards page's points history and tier progress, over real
// HTTP with customer-account session tokens signed as Shopify signs them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveLoyaltyProgram } from "../../app/points/loyalty-program.server";
import { browserFetch, startTreue, TEST_SHOP, type TreueHarness } from "../support/treue-harness";

let t: TreueHarness;
const program = (pendingDays: number) => ({
  pendingDays,
  vip: {
    windowDays: 365,
    tiers: [
      { id: "silver", name: "Silver", thresholdMinor: 20_000, multiplierPercent: 100 },
      { id: "gold", name: "Gold", thresholdMinor: 100_000, multiplierPercent: 100 },
    ],
  },
});

beforeAll(async () => {
  t = await startTreue({ appEnv: { WEBHOOK_WORKER: "1" } });
  expect((await saveLoyaltyProgram(t.db.prisma, TEST_SHOP, program(0))).ok).toBe(true);
});
afterAll(async () => {
  await t?.close();
});

function activity(token: string | null, params: Record<string, string> = {}) {
  const url = new URL(`${t.app.url}/api/loyalty/activity`);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return browserFetch(url.toString(), { headers: { Origin: "https://extensions.shopifycdn.com", ...(token ? { Authorization: `Bearer ${token}` } : {}) } });
}

const pointsOf = async (customerId: number) =>
  (await t.db.prisma.member.findUnique({ where: { shop_customerId: { shop: TEST_SHOP, customerId: String(customerId) } } }))?.points ?? null;

describe("GET /api/loyalty/activity", () => {
  it("lists a member's entries newest first with what redemptions bought and when pending points unlock, and the way to the next tier", async () => {
    const customer = await t.standin.createCustomer({ email: "history@example.com" });
    const gid = `gid://shopify/Customer/${customer.id}`;
    // GIVEN 600.00 spent (Silver), 500 points redeemed for £5.00 off, then 100.00 more while points wait 14 days
    await t.standin.createOrder({ customerId: customer.id, lines: [{ sku: "LAMP", quantity: 1, unitPriceMinor: 60_000 }] });
    await expect.poll(() => pointsOf(customer.id), { timeout: 10_000 }).toBe(600);
    const redeemed = await browserFetch(`${t.app.url}/api/loyalty/redemptions`, {
      method: "POST",
      headers: { Origin: "https://extensions.shopifycdn.com", "Content-Type": "application/json", Authorization: `Bearer ${t.standin.mintCheckoutToken({ customerGid: gid })}` },
      body: JSON.stringify({ rewardId: "default-5-off", idempotencyKey: `history-${Date.now()}` }),
    });
    expect(redeemed.status).toBe(201);
    expect((await saveLoyaltyProgram(t.db.prisma, TEST_SHOP, program(14))).ok).toBe(true);
    const before = Date.now();
    await t.standin.createOrder({ customerId: customer.id, lines: [{ sku: "LAMP", quantity: 1, unitPriceMinor: 10_000 }] });
    await expect.poll(() => pointsOf(customer.id), { timeout: 10_000 }).toBe(200);

    const res = await activity(t.standin.mintCustomerAccountToken({ customerGid: gid }));
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBeTruthy();
    const body = await res.json();
    expect(body.entries.map((e: { kind: string; points: number; reward: string | null }) => [e.kind, e.points, e.reward])).toEqual([
      ["earn", 100, null],
      ["redeem", -500, "£5.00 off"],
      ["earn", 600, null],
    ]);
    const unlock = Date.parse(body.entries[0].pendingUntil);
    expect(unlock - before).toBeGreaterThanOrEqual(14 * 86_400_000 - 60_000);
    expect(unlock - before).toBeLessThanOrEqual(14 * 86_400_000 + 60_000);
    expect(body.entries[1].pendingUntil).toBeNull();
    expect(body.nextBefore).toBeNull();
    expect(body.tier).toMatchObject({ current: "Silver", spendMinor: 70_000, windowDays: 365, next: { name: "Gold", remainingMinor: 30_000 }, keep: null, currency: expect.any(String) });

    // A page at a time: two, then the last one.
    const first = await (await activity(t.standin.mintCustomerAccountToken({ customerGid: gid }), { limit: "2" })).json();
    expect(first.entries.map((e: { points: number }) => e.points)).toEqual([100, -500]);
    expect(first.nextBefore).toBe(first.entries[1].id);
    const second = await (await activity(t.standin.mintCustomerAccountToken({ customerGid: gid }), { limit: "2", before: first.nextBefore })).json();
    expect(second.entries.map((e: { points: number }) => e.points)).toEqual([600]);
    expect(second.nextBefore).toBeNull();
  });

  it("counts the pending period of an order paid days after it was placed from its payment", async () => {
    expect((await saveLoyaltyProgram(t.db.prisma, TEST_SHOP, program(14))).ok).toBe(true);
    const customer = await t.standin.createCustomer({ email: "paid-later@example.com" });
    const gid = `gid://shopify/Customer/${customer.id}`;
    // GIVEN an order placed five days ago with a manual payment method, unpaid until now
    const placedAt = new Date(Date.now() - 5 * 86_400_000);
    const order = await t.standin.createOrder({ customerId: customer.id, createdAt: placedAt.toISOString(), financialStatus: "PENDING", lines: [{ sku: "LAMP", quantity: 1, unitPriceMinor: 25_000 }] });
    await expect.poll(() => t.db.prisma.orderPoints.count({ where: { shop: TEST_SHOP, orderId: String(order.id) } }), { timeout: 10_000 }).toBe(1);
    expect((await (await activity(t.standin.mintCustomerAccountToken({ customerGid: gid }))).json()).entries).toEqual([]);
    // WHEN it is paid
    const paidAt = Date.now();
    await t.standin.markOrderPaid(order.id);
    await expect.poll(() => pointsOf(customer.id), { timeout: 10_000 }).toBe(250);
    // THEN its points wait 14 days from the payment, not from the order (which would leave 9)
    const [entry] = (await (await activity(t.standin.mintCustomerAccountToken({ customerGid: gid }))).json()).entries;
    expect(entry).toMatchObject({ kind: "earn", points: 250 });
    expect(Math.abs(Date.parse(entry.pendingUntil) - (paidAt + 14 * 86_400_000))).toBeLessThan(120_000);
  });

  it("shows nothing of other members, asks a guest to log in, and refuses bad paging and missing tokens", async () => {
    const stranger = await activity(t.standin.mintCustomerAccountToken({ customerGid: "gid://shopify/Customer/987654" }));
    expect(stranger.status).toBe(200);
    expect(await stranger.json()).toEqual({ entries: [], nextBefore: null, tier: null });
    const guest = await activity(t.standin.mintCheckoutToken({ customerGid: null }));
    expect(guest.status).toBe(401);
    expect((await guest.json()).error.code).toBe("LOGIN_REQUIRED");
    const token = t.standin.mintCustomerAccountToken({ customerGid: "gid://shopify/Customer/987654" });
    for (const params of [{ before: "abc" }, { before: "0" }, { limit: "0" }, { limit: "51" }, { limit: "2.5" }] as Record<string, string>[]) {
      const res = await activity(token, params);
      expect(res.status, JSON.stringify(params)).toBe(400);
      expect((await res.json()).error.code).toBe("BAD_REQUEST");
    }
    expect((await activity(null)).status).toBe(401);
  });
});
