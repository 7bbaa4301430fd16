// Store credit rewards end to end: session token → POST /api/loyalty/redemptions → ledger debit → a credit on the
// member's Shopify store credit account in the stand-in; under concurrent taps, a lost answer, an outage and a
// refusal, every redemption ends with exactly one credit or with its points back.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { AdminGraphql } from "../../app/shopify/admin-graphql.server";
import { repairStuckRedemptions, STUCK_AFTER_MS } from "../../app/rewards/redemption-lifecycle.server";
import { saveReward } from "../../app/rewards/rewards-catalog.server";
import { SEND_SETTLED_MS } from "../../app/rewards/store-credit.server";
import { accountsOfCustomer, balanceMinor } from "../shopify-standin/store-credit";
import { browserFetch, startTreue, TEST_SHOP, type TreueHarness } from "../support/treue-harness";
import { standinAdminGraphql } from "../support/standin-admin";

let t: TreueHarness;
let currency: string;

beforeAll(async () => {
  t = await startTreue({ appEnv: { WEBHOOK_WORKER: "1", REDEMPTION_ADMIN_TIMEOUT_MS: "1000" } });
  currency = (await t.db.prisma.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } })).currency!;
  const saved = await saveReward(
    t.db.prisma,
    TEST_SHOP,
    currency,
    {
      id: "credit-5",
      kind: "store-credit",
      title: "5.00 store credit",
      pointsCost: 500,
      credit: { amountMinor: 500, currency },
      combinesWith: { productDiscounts: true, orderDiscounts: false, shippingDiscounts: true },
    },
    "create",
  );
  expect(saved).toEqual({ ok: true });
});
afterAll(async () => {
  if (process.env.SHOW_APP_OUTPUT) console.log(t?.app.output());
  await t?.close();
});
afterEach(() => t.standin.clearFaults());

let keys = 0;
const newKey = () => `sc-${Date.now()}-${++keys}`;
const pointsOf = async (customerId: number) =>
  (await t.db.prisma.member.findUnique({ where: { shop_customerId: { shop: TEST_SHOP, customerId: String(customerId) } } }))?.points ?? null;
/** The customer's store credit in the shop currency, as the stand-in (Shopify) holds it. */
const creditsOf = (customerId: number) => {
  const account = accountsOfCustomer(t.standin.state.shops[TEST_SHOP], customerId).find((a) => a.currency === currency);
  return { balanceMinor: account ? balanceMinor(account) : 0, credits: account?.transactions.filter((x) => x.kind === "credit").map((x) => x.amountMinor) ?? [] };
};
const standinAdmin = async (shop: string): Promise<AdminGraphql> => standinAdminGraphql(t.standin, shop);

async function customerWith(points: number) {
  const customer = await t.standin.createCustomer({ email: `sc${Date.now()}-${++keys}@example.com` });
  await t.standin.createOrder({ customerId: customer.id, lines: [{ sku: "LAMP", quantity: 1, unitPriceMinor: points * 100 }] });
  await expect.poll(() => pointsOf(customer.id), { timeout: 15_000 }).toBe(points);
  return { id: customer.id, token: t.standin.mintCheckoutToken({ customerGid: `gid://shopify/Customer/${customer.id}` }) };
}

function redeem(token: string, idempotencyKey = newKey(), rewardId = "credit-5") {
  return browserFetch(`${t.app.url}/api/loyalty/redemptions`, {
    method: "POST",
    headers: { Origin: "https://extensions.shopifycdn.com", "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify({ rewardId, idempotencyKey }),
  });
}

describe("store credit rewards", () => {
  it("credits 5.00 to the member's store credit for 500 points, with no code, and answers a replay without crediting again", async () => {
    const c = await customerWith(700);
    const key = newKey();
    const res = await redeem(c.token, key);
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ code: null, pointsSpent: 500, balance: 200, storeCredit: { amount: (5).toFixed(2), currencyCode: currency } });
    expect(creditsOf(c.id)).toEqual({ balanceMinor: 500, credits: [500] });
    expect(await t.db.prisma.redemption.findFirstOrThrow({ where: { shop: TEST_SHOP, idempotencyKey: key } })).toMatchObject({
      status: "redeemed",
      creditTransactionId: expect.stringMatching(/^gid:\/\/shopify\/StoreCreditAccountCreditTransaction\/\d+$/),
    });

    const replay = await redeem(c.token, key);
    expect(replay.status).toBe(201);
    expect((await replay.json()).storeCredit).toEqual({ amount: (5).toFixed(2), currencyCode: currency });
    expect(creditsOf(c.id).credits).toEqual([500]);
    expect(await pointsOf(c.id)).toBe(200);
  });

  it("GIVEN 1,000 points WHEN 20 redemptions of 500 arrive at once THEN exactly 2 succeed, 18 are refused, and the account shows exactly two credits", async () => {
    const c = await customerWith(1000);
    const answers = await Promise.all(Array.from({ length: 20 }, () => redeem(c.token)));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(2);
    expect(statuses.filter((s) => s === 409)).toHaveLength(18);
    for (const r of answers.filter((r) => r.status === 409)) expect((await r.json()).error.code).toBe("INSUFFICIENT_POINTS");
    expect(creditsOf(c.id)).toEqual({ balanceMinor: 1000, credits: [500, 500] });
    expect(await pointsOf(c.id)).toBe(0);
  });

  it("GIVEN Shopify applies the credit but its answer is lost THEN the buyer is told it is on its way, and neither a replay nor the repair job credits a second time", async () => {
    const c = await customerWith(600);
    const key = newKey();
    // Applied after 1.5 s, answered never within the app's 1 s.
    t.standin.injectFault({ operation: "storeCreditAccountCredit", kind: "TIMEOUT", delayMs: 1500, times: 1 });
    const res = await redeem(c.token, key);
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ pending: { code: "STORE_CREDIT_PENDING" }, pointsSpent: 500 });
    expect(await pointsOf(c.id)).toBe(100);
    await expect.poll(() => creditsOf(c.id).credits, { timeout: 5_000 }).toEqual([500]);

    // The buyer taps again with the same key: the credit is found, not made again.
    const replay = await redeem(c.token, key);
    expect(replay.status).toBe(201);
    expect(creditsOf(c.id).credits).toEqual([500]);

    // The repair job long after: nothing left to do.
    const later = new Date(Date.now() + SEND_SETTLED_MS + STUCK_AFTER_MS + 60_000);
    await repairStuckRedemptions(t.db.prisma, later, { adminFor: standinAdmin, attempts: 1 });
    expect(creditsOf(c.id).credits).toEqual([500]);
    expect(await pointsOf(c.id)).toBe(100);
  });

  it("GIVEN the credit was lost before Shopify applied it THEN nothing is sent again until the send has settled, then it is credited once", async () => {
    const c = await customerWith(500);
    const key = newKey();
    t.standin.injectFault({ operation: "storeCreditAccountCredit", kind: "HTTP_503", times: 1 });
    const res = await redeem(c.token, key);
    expect(res.status).toBe(202);
    expect(creditsOf(c.id).credits).toEqual([]);
    const redemption = await t.db.prisma.redemption.findFirstOrThrow({ where: { shop: TEST_SHOP, idempotencyKey: key } });
    expect(redemption).toMatchObject({ status: "issuing", creditSentAt: expect.any(Date) });

    // A replay within the settling time looks, finds nothing, and waits (the job only takes redemptions stuck
    // for STUCK_AFTER_MS, by which time the send has settled).
    expect(STUCK_AFTER_MS).toBeGreaterThanOrEqual(SEND_SETTLED_MS);
    expect((await redeem(c.token, key)).status).toBe(202);
    expect(creditsOf(c.id).credits).toEqual([]);

    // Once settled: credited, once, however often the job runs.
    const settled = new Date(redemption.creditSentAt!.getTime() + SEND_SETTLED_MS + 1_000);
    await repairStuckRedemptions(t.db.prisma, settled, { adminFor: standinAdmin, attempts: 1 });
    await repairStuckRedemptions(t.db.prisma, settled, { adminFor: standinAdmin, attempts: 1 });
    expect(creditsOf(c.id).credits).toEqual([500]);
    expect(await t.db.prisma.redemption.findFirstOrThrow({ where: { shop: TEST_SHOP, idempotencyKey: key } })).toMatchObject({ status: "redeemed" });
    const replay = await redeem(c.token, key);
    expect(replay.status).toBe(201);
    expect(await pointsOf(c.id)).toBe(0);
  });

  it("GIVEN Shopify refuses the credit THEN the points come back and nothing is credited", async () => {
    const c = await customerWith(500);
    t.standin.injectFault({ operation: "storeCreditAccountCredit", kind: "USER_ERROR", message: "Store credit is not enabled for this shop", times: 1 });
    const res = await redeem(c.token);
    expect(res.status).toBe(503);
    expect((await res.json()).error.code).toBe("CODE_NOT_ISSUED");
    expect(await pointsOf(c.id)).toBe(500);
    expect(creditsOf(c.id).credits).toEqual([]);
  });
});
