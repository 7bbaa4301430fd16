// The rewards catalog and the redemption code lifecycle end to end: the admin page (real session tokens),
// redemptions of every reward kind against the stand-in, GET /api/loyalty, codes used on signed order
// webhooks, expired codes giving their points back, and the repair of a redemption cut off by a crash.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { AdminGraphql } from "../../app/shopify/admin-graphql.server";
import { redemptionLifecycleJob, repairStuckRedemptions, returnExpiredRedemptions, STUCK_AFTER_MS } from "../../app/rewards/redemption-lifecycle.server";
import { browserFetch, startTreue, TEST_SHOP, type TreueHarness } from "../support/treue-harness";
import { standinAdminGraphql } from "../support/standin-admin";

let t: TreueHarness;

beforeAll(async () => {
  // A long Admin call timeout: the crash test kills the app while its first call hangs.
  t = await startTreue({ appEnv: { WEBHOOK_WORKER: "1", REDEMPTION_ADMIN_TIMEOUT_MS: "60000" } });
});
afterAll(async () => {
  if (process.env.SHOW_APP_OUTPUT) console.log(t?.app.output());
  await t?.close();
});
afterEach(() => t.standin.clearFaults());

const DAY_MS = 86_400_000;
let keys = 0;
const newKey = () => `rw-${Date.now()}-${++keys}`;
const pointsOf = async (customerId: number) =>
  (await t.db.prisma.member.findUnique({ where: { shop_customerId: { shop: TEST_SHOP, customerId: String(customerId) } } }))?.points ?? null;
const discountByCode = (code: string) => t.standin.state.shops[TEST_SHOP].discounts.find((d) => d.code === code);
const redemptionOf = (code: string) => t.db.prisma.redemption.findFirstOrThrow({ where: { shop: TEST_SHOP, code } });
const ledgerOf = (customerId: number) =>
  t.db.prisma.ledgerEntry.findMany({ where: { shop: TEST_SHOP, customerId: String(customerId), kind: { in: ["redeem", "redeem-reversal"] } }, orderBy: { id: "asc" } });

/** The Admin API as the app's offline session calls it, from this process (for running the job here). */
const standinAdmin = async (shop: string): Promise<AdminGraphql> => standinAdminGraphql(t.standin, shop);

function adminPost(form: Record<string, string>, params: Record<string, string> = {}) {
  const url = new URL(t.adminUrl("/app/rewards", params));
  return browserFetch(url.toString(), {
    method: "POST",
    headers: { Authorization: `Bearer ${url.searchParams.get("id_token")}`, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
  });
}

const rewardForm = (fields: Record<string, string>) => ({
  intent: "save",
  mode: "create",
  combinesWithProductDiscounts: "on",
  combinesWithShippingDiscounts: "on",
  ...fields,
});

async function customerWith(points: number) {
  const customer = await t.standin.createCustomer({ email: `rw${Date.now()}-${++keys}@example.com` });
  await t.standin.createOrder({ customerId: customer.id, lines: [{ sku: "MUG", quantity: 1, unitPriceMinor: points * 100 }] });
  await expect.poll(() => pointsOf(customer.id), { timeout: 15_000 }).toBe(points);
  return { id: customer.id, token: t.standin.mintCheckoutToken({ customerGid: `gid://shopify/Customer/${customer.id}` }) };
}

function redeem(token: string, rewardId: string, idempotencyKey = newKey()) {
  return browserFetch(`${t.app.url}/api/loyalty/redemptions`, {
    method: "POST",
    headers: { Origin: "https://extensions.shopifycdn.com", "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify({ rewardId, idempotencyKey }),
  });
}

async function loyaltyOf(token: string) {
  const res = await browserFetch(`${t.app.url}/api/loyalty`, { headers: { Origin: "https://extensions.shopifycdn.com", Authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return res.json();
}

describe("the rewards catalog in the admin", () => {
  it("starts with £5.00 off and £5.00 of store credit for 500 points each, named in English and German with the shop currency", async () => {
    const en = await (await browserFetch(t.adminUrl("/app/rewards"))).text();
    expect(en).toContain("£5.00 off");
    expect(en).toContain("Fixed amount off");
    const de = await (await browserFetch(t.adminUrl("/app/rewards", { locale: "de" }))).text();
    expect(de).toContain("Prämien");
    expect(de).toContain("Fester Betrag");
    const stored = await t.db.prisma.reward.findMany({ where: { shop: TEST_SHOP } });
    expect(stored.map((r) => [r.id, r.enabled, (r.definition as { pointsCost: number }).pointsCost])).toEqual([
      ["default-5-off", true, 500],
      ["default-5-credit", true, 500],
    ]);
    expect(en).toContain("£5.00 store credit");
    expect(de).toMatch(/5,00\s£ Rabatt/);
    expect(de).toMatch(/5,00\s£ Guthaben/);
  });

  it("says where members can redeem with the shop's plan and settings, in English and German", async () => {
    const shop = t.standin.state.shops[TEST_SHOP].info;
    const page = async (locale = "en") => (await (await browserFetch(t.adminUrl("/app/rewards", { locale }))).text()).replace(/<[^>]+>/g, " ");
    // A standard plan with new customer accounts (most shops): store credit yes, the checkout block no.
    const standard = await page();
    expect(standard).toContain("Where members redeem");
    expect(standard).toMatch(/Not available\s+Checkout block \(redeem a code while paying\)\s+Needs Shopify Plus/);
    expect(standard).toMatch(/Available\s+Store credit at checkout\s+Members choose their store credit when they pay/);
    expect(standard).toContain("https://admin.shopify.com/store/treue-test/settings/checkout/editor");
    expect(await page("de")).toMatch(/Nicht verfügbar\s+Block im Checkout/);

    shop.customerAccountsVersion = "CLASSIC";
    expect(await page()).toMatch(/Not available\s+Store credit at checkout\s+Needs new customer accounts/);
    shop.shopifyPlus = true;
    shop.customerAccountsVersion = "NEW_CUSTOMER_ACCOUNTS";
    expect(await page()).toMatch(/Available\s+Checkout block/);
    delete shop.shopifyPlus;
  });

  it("refuses an invalid reward with translated field errors and writes nothing", async () => {
    const before = await t.db.prisma.reward.count({ where: { shop: TEST_SHOP } });
    const res = await adminPost(rewardForm({ kind: "percentage-off", title: "x".repeat(256), pointsCost: "zero", percentOff: "150", minimumSubtotal: "viel" }), { locale: "de" });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("Der Titel darf höchstens 255 Zeichen lang sein.");
    expect(html).toContain("Der Punktepreis muss eine ganze Zahl über 0 sein.");
    expect(html).toContain("Der Prozentsatz muss eine ganze Zahl von 1 bis 100 sein.");
    expect(html).toContain("Geben Sie einen Mindestbestellwert von 0 oder mehr ein");
    const en = await (await adminPost(rewardForm({ kind: "free-product", title: "Mug", pointsCost: "100", productVariantId: "mug" }))).text();
    expect(en).toContain("Enter a product variant id");
    expect(await t.db.prisma.reward.count({ where: { shop: TEST_SHOP } })).toBe(before);
  });

  it("creates a store credit reward from the form, in English and German, and refuses a bad expiry", async () => {
    const refused = await adminPost(rewardForm({ kind: "store-credit", title: "Credit", pointsCost: "900", credit: "10,00", creditExpiresInDays: "0" }), { locale: "de" });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("Das Guthaben muss nach 1 bis 3650 Tagen verfallen.");
    const created = await adminPost(rewardForm({ kind: "store-credit", title: "10.00 store credit", pointsCost: "900", credit: "10,00", creditExpiresInDays: "180" }));
    expect(created.status).toBe(200);
    const row = await t.db.prisma.reward.findUniqueOrThrow({ where: { shop_id: { shop: TEST_SHOP, id: "10-00-store-credit" } } });
    expect(row.definition).toMatchObject({ kind: "store-credit", pointsCost: 900, credit: { amountMinor: 1000 }, expiresInDays: 180 });
    const form = await (await browserFetch(t.adminUrl("/app/rewards", { reward: "10-00-store-credit", locale: "de" }))).text();
    expect(form).toContain("Guthaben");
    expect(form).toContain("Verfällt nach (Tagen, optional)");
    expect((await adminPost({ intent: "disable", id: "10-00-store-credit" })).status).toBe(200);
  });

  it("names a reward left unnamed after what it gives, in the admin's language", async () => {
    const created = await adminPost(rewardForm({ kind: "percentage-off", title: "", pointsCost: "1500", percentOff: "15" }));
    expect(created.status).toBe(200);
    const row = await t.db.prisma.reward.findUniqueOrThrow({ where: { shop_id: { shop: TEST_SHOP, id: "15-off" } } });
    expect(row.definition).toMatchObject({ title: "15% off", autoTitle: true, percentOff: 15 });
    const text = async (locale: string) => (await (await browserFetch(t.adminUrl("/app/rewards", { locale }))).text()).replace(/<[^>]+>/g, " ");
    expect(await text("en")).toContain("15% off");
    expect(await text("de")).toContain("15 % Rabatt");
    expect((await adminPost({ intent: "disable", id: "15-off" })).status).toBe(200);
  });

  it("creates, edits, disables and enables a reward", async () => {
    const created = await adminPost(rewardForm({ kind: "percentage-off", title: "Ten percent", pointsCost: "900", percentOff: "10" }));
    expect(created.status).toBe(200);
    const row = await t.db.prisma.reward.findUniqueOrThrow({ where: { shop_id: { shop: TEST_SHOP, id: "ten-percent" } } });
    expect(row.definition).toMatchObject({ kind: "percentage-off", percentOff: 10, pointsCost: 900, combinesWith: { productDiscounts: true, orderDiscounts: false, shippingDiscounts: true } });

    const form = await (await browserFetch(t.adminUrl("/app/rewards", { reward: "ten-percent" }))).text();
    expect(form).toContain("Edit reward");
    expect((await browserFetch(t.adminUrl("/app/rewards", { reward: "no-such" }))).status).toBe(404);

    const edited = await adminPost(rewardForm({ mode: "update", id: "ten-percent", kind: "percentage-off", title: "Twelve percent", pointsCost: "950", percentOff: "12" }));
    expect(edited.status).toBe(200);
    expect((await t.db.prisma.reward.findUniqueOrThrow({ where: { shop_id: { shop: TEST_SHOP, id: "ten-percent" } } })).definition).toMatchObject({ title: "Twelve percent", percentOff: 12, pointsCost: 950 });
    expect((await adminPost(rewardForm({ mode: "update", id: "gone", kind: "percentage-off", title: "X", pointsCost: "1", percentOff: "1" }))).status).toBe(422);

    expect((await adminPost({ intent: "disable", id: "ten-percent" })).status).toBe(200);
    expect((await t.db.prisma.reward.findUniqueOrThrow({ where: { shop_id: { shop: TEST_SHOP, id: "ten-percent" } } })).enabled).toBe(false);
    expect((await adminPost({ intent: "disable", id: "gone" })).status).toBe(404);
    expect((await adminPost({ intent: "enable", id: "ten-percent" })).status).toBe(200);
    expect((await t.db.prisma.reward.findUniqueOrThrow({ where: { shop_id: { shop: TEST_SHOP, id: "ten-percent" } } })).enabled).toBe(true);
  });
});

describe("redeeming the stored catalog", () => {
  let mugVariantId: number;
  beforeAll(async () => {
    // The mug the free-product reward gives: a variant Shopify knows, sold at 8.50.
    const buyer = await t.standin.createCustomer({ email: `mug-buyer-${Date.now()}@example.com` });
    await t.standin.createOrder({ customerId: buyer.id, lines: [{ sku: "FREE-MUG", title: "Mug", quantity: 1, unitPriceMinor: 850 }] });
    mugVariantId = t.standin.state.shops[TEST_SHOP].products["FREE-MUG"][1];
    const forms: Record<string, string>[] = [
      { kind: "fixed-amount-off", title: "Seven off", pointsCost: "700", amountOff: "7.00", minimumSubtotal: "30" },
      { kind: "percentage-off", title: "Fifteen percent", pointsCost: "300", percentOff: "15", combinesWithOrderDiscounts: "on", combinesWithProductDiscounts: "" },
      { kind: "free-shipping", title: "Free shipping", pointsCost: "200", maximumShippingPrice: "9.90" },
      { kind: "free-product", title: "Free mug", pointsCost: "400", productVariantId: String(mugVariantId) },
      { kind: "fixed-amount-off", title: "Retired", pointsCost: "100", amountOff: "1" },
    ];
    for (const f of forms) expect((await adminPost(rewardForm(f))).status).toBe(200);
    expect((await adminPost({ intent: "disable", id: "retired" })).status).toBe(200);
  });

  it("creates the right discount in Shopify for each kind", async () => {
    const c = await customerWith(1600);
    const codeFor = async (rewardId: string) => {
      const res = await redeem(c.token, rewardId);
      expect(res.status).toBe(201);
      return (await res.json()).code as string;
    };
    const fixed = discountByCode(await codeFor("seven-off"))!;
    expect(fixed).toMatchObject({ kind: "basic", value: { amountMinor: 700, appliesOnEachItem: false }, minimumSubtotalMinor: 3000, usageLimit: 1, customerIds: [c.id] });
    const percent = discountByCode(await codeFor("fifteen-percent"))!;
    expect(percent).toMatchObject({ kind: "basic", value: { percentage: 0.15 }, combinesWith: { productDiscounts: false, orderDiscounts: true, shippingDiscounts: true } });
    const shipping = discountByCode(await codeFor("free-shipping"))!;
    expect(shipping).toMatchObject({ kind: "freeShipping", maximumShippingPriceMinor: 990, customerIds: [c.id] });
    const mug = discountByCode(await codeFor("free-mug"))!;
    // One mug free: its price off that variant, not 100 % off every mug in the cart.
    expect(mug).toMatchObject({ kind: "basic", value: { amountMinor: 850, appliesOnEachItem: false }, variantIds: [mugVariantId] });
    expect(mug.title).toContain("Free mug");
    // 1600 − 700 − 300 − 200 − 400
    expect(await pointsOf(c.id)).toBe(0);
    const rows = await t.db.prisma.redemption.findMany({ where: { shop: TEST_SHOP, customerId: String(c.id) } });
    expect(rows.map((r) => r.status)).toEqual(["issued", "issued", "issued", "issued"]);
  });

  it("refuses a disabled reward with a clear message, and lists only enabled ones with `affordable`", async () => {
    const c = await customerWith(350);
    const res = await redeem(c.token, "retired");
    expect(res.status).toBe(409);
    expect((await res.json()).error).toMatchObject({ code: "REWARD_DISABLED", message: '"Retired" is no longer available.' });
    expect(await pointsOf(c.id)).toBe(350);
    const { rewards, balance } = await loyaltyOf(c.token);
    expect(balance).toBe(350);
    expect(rewards.map((r: { id: string; affordable: boolean }) => [r.id, r.affordable])).toEqual([
      ["free-shipping", true],
      ["fifteen-percent", true],
      ["free-mug", false],
      ["default-5-off", false],
      ["default-5-credit", false],
      ["seven-off", false],
      ["ten-percent", false],
    ]);
    expect(rewards[0]).toEqual({ id: "free-shipping", title: "Free shipping", pointsCost: 200, affordable: true, kind: "free-shipping" });
    const guest = await loyaltyOf(t.standin.mintCheckoutToken({ customerGid: null }));
    expect(guest.rewards).toEqual([]);
  });
});

describe("the code lifecycle", () => {
  it("marks a code used from a signed orders/create webhook, once, and never gives it back", async () => {
    const c = await customerWith(500);
    const { code } = await (await redeem(c.token, "default-5-off")).json();
    const order = await t.standin.createOrder({ customerId: c.id, lines: [{ sku: "CUP", quantity: 1, unitPriceMinor: 2000 }], discountCodes: [code] });
    await expect.poll(async () => (await redemptionOf(code)).status, { timeout: 15_000 }).toBe("redeemed");
    const used = await redemptionOf(code);
    expect(used.orderId).toBe(String(order.id));

    // The same order again as a separate orders/updated delivery (a new event id): nothing changes.
    const events = () => t.db.prisma.webhookEvent.count({ where: { shop: TEST_SHOP, status: "processed" } });
    const before = await events();
    await t.standin.deliverWebhook("orders/updated", t.standin.orderPayload(order.id), { duplicates: 1 });
    await expect.poll(events, { timeout: 15_000 }).toBeGreaterThan(before);
    expect(await redemptionOf(code)).toEqual(used);

    // Expiry long after: a used code is never given back, however often the job runs.
    const later = new Date(Date.now() + 200 * DAY_MS);
    await returnExpiredRedemptions(t.db.prisma, later, { adminFor: standinAdmin });
    await returnExpiredRedemptions(t.db.prisma, later, { adminFor: standinAdmin });
    expect((await redemptionOf(code)).status).toBe("redeemed");
    expect((await ledgerOf(c.id)).map((e) => e.kind)).toEqual(["redeem"]);
  });

  it("gives the points of an expired, unused code back exactly once", async () => {
    const c = await customerWith(600);
    const key = newKey();
    const { code } = await (await redeem(c.token, "default-5-off", key)).json();
    expect(await pointsOf(c.id)).toBe(100);
    const redemption = await redemptionOf(code);
    // Not yet: within the validity and within the grace period after it.
    await returnExpiredRedemptions(t.db.prisma, new Date(redemption.expiresAt.getTime() + 60_000), { adminFor: standinAdmin });
    expect(await pointsOf(c.id)).toBe(100);

    const job = redemptionLifecycleJob(standinAdmin);
    const after = new Date(redemption.expiresAt.getTime() + 2 * DAY_MS);
    await job.run(t.db.prisma, after);
    await job.run(t.db.prisma, after);
    expect(await pointsOf(c.id)).toBe(600);
    expect((await ledgerOf(c.id)).map((e) => [e.kind, e.points])).toEqual([["redeem", -500], ["redeem-reversal", 500]]);
    expect(await redemptionOf(code)).toMatchObject({ status: "returned", returnReason: "expired" });
    // The buyer's retry of that old tap says so and spends nothing.
    const replay = await redeem(c.token, "default-5-off", key);
    expect(replay.status).toBe(409);
    expect((await replay.json()).error.code).toBe("CODE_EXPIRED");
    expect(await pointsOf(c.id)).toBe(600);
  });
});

describe("an expired code whose order webhook is late", () => {
  it("GIVEN a code used just before it expired WHEN its order webhook is more than a day late THEN the job finds the use in Shopify and marks it redeemed instead of giving the points back", async () => {
    const c = await customerWith(500);
    const { code } = await (await redeem(c.token, "default-5-off")).json();
    // The order is placed (Shopify counts the use) but its webhooks are held back.
    const order = await t.standin.createOrder({ customerId: c.id, lines: [{ sku: "CUP", quantity: 1, unitPriceMinor: 2000 }], discountCodes: [code] }, { webhooks: "hold" });
    const late = t.standin.takeHeldWebhooks();
    const redemption = await redemptionOf(code);
    const asked = () => t.standin.requests.filter((r) => r.operationName === "RedemptionCodeUsage").length;
    const before = asked();

    const job = redemptionLifecycleJob(standinAdmin);
    const after = new Date(redemption.expiresAt.getTime() + 2 * DAY_MS);
    await job.run(t.db.prisma, after);
    const askedOnce = asked();
    expect(askedOnce).toBeGreaterThan(before);
    await job.run(t.db.prisma, after);
    expect(asked()).toBe(askedOnce); // the second run finds nothing "issued" to ask about
    expect(await redemptionOf(code)).toMatchObject({ status: "redeemed", orderId: null, returnedAt: null });
    expect((await ledgerOf(c.id)).map((e) => e.kind)).toEqual(["redeem"]);
    expect(await pointsOf(c.id)).toBe(0);

    // The late webhook arrives at last: the redemption learns its order, and stays redeemed.
    await t.standin.deliverWebhooks(late, { order: "as-is" });
    await expect.poll(async () => (await redemptionOf(code)).orderId, { timeout: 15_000 }).toBe(String(order.id));
    expect((await redemptionOf(code)).status).toBe("redeemed");
    // No points came back; the order's own points (15.00 after the 5.00 code) are earned as usual.
    expect((await ledgerOf(c.id)).map((e) => e.kind)).toEqual(["redeem"]);
  });

  it("gives nothing back while Shopify can't say whether the code was used, and gives back once it says unused", async () => {
    const c = await customerWith(500);
    const { code } = await (await redeem(c.token, "default-5-off")).json();
    const redemption = await redemptionOf(code);
    const after = new Date(redemption.expiresAt.getTime() + 2 * DAY_MS);
    t.standin.injectFault({ operation: "codeDiscountNodeByCode", kind: "HTTP_503", times: -1 });
    try {
      const outage = await returnExpiredRedemptions(t.db.prisma, after, { adminFor: standinAdmin });
      expect(outage.unchecked).toBeGreaterThanOrEqual(1);
      expect((await redemptionOf(code)).status).toBe("issued");
      expect(await pointsOf(c.id)).toBe(0);
    } finally {
      t.standin.clearFaults();
    }
    const answered = await returnExpiredRedemptions(t.db.prisma, after, { adminFor: standinAdmin });
    expect(answered.returned).toBeGreaterThanOrEqual(1);
    expect(await redemptionOf(code)).toMatchObject({ status: "returned", returnReason: "expired" });
    expect(await pointsOf(c.id)).toBe(500);
  });
});

describe("repairing a redemption cut off by a crash", () => {
  it("finds the debit without a code and creates the code, once", async () => {
    const c = await customerWith(500);
    const key = newKey();
    // Shopify hangs on the first call; the app dies while waiting, after the debit was committed.
    t.standin.injectFault({ operation: "*", kind: "TIMEOUT", delayMs: 60_000, times: -1 });
    const pending = redeem(c.token, "default-5-off", key).catch(() => null);
    await expect.poll(() => t.db.prisma.redemption.count({ where: { shop: TEST_SHOP, idempotencyKey: key } }), { timeout: 15_000 }).toBe(1);
    await t.restartApp({ kill: true });
    await pending;
    t.standin.clearFaults();
    const stuck = await t.db.prisma.redemption.findUniqueOrThrow({ where: { shop_idempotencyKey: { shop: TEST_SHOP, idempotencyKey: key } } });
    expect(stuck.status).toBe("issuing");
    expect(await pointsOf(c.id)).toBe(0);

    // Too young to be called stuck: a live request may still be finishing it.
    expect(await repairStuckRedemptions(t.db.prisma, new Date(), { adminFor: standinAdmin })).toEqual({ issued: 0, returned: 0 });
    const later = new Date(stuck.createdAt.getTime() + STUCK_AFTER_MS + 1000);
    expect(await repairStuckRedemptions(t.db.prisma, later, { adminFor: standinAdmin })).toEqual({ issued: 1, returned: 0 });
    expect(await repairStuckRedemptions(t.db.prisma, later, { adminFor: standinAdmin })).toEqual({ issued: 0, returned: 0 });
    expect(t.standin.state.shops[TEST_SHOP].discounts.filter((d) => d.code === stuck.code)).toHaveLength(1);
    expect((await redemptionOf(stuck.code)).status).toBe("issued");
    expect(await pointsOf(c.id)).toBe(0);
    // The buyer's retry gets that code.
    const replay = await redeem(c.token, "default-5-off", key);
    expect(replay.status).toBe(201);
    expect((await replay.json()).code).toBe(stuck.code);
    expect((await ledgerOf(c.id)).map((e) => e.kind)).toEqual(["redeem"]);
  });

  it("gives the points back, once, when Shopify refuses the stuck redemption's code", async () => {
    const c = await customerWith(500);
    const key = newKey();
    t.standin.injectFault({ operation: "*", kind: "TIMEOUT", delayMs: 60_000, times: -1 });
    const pending = redeem(c.token, "default-5-off", key).catch(() => null);
    await expect.poll(() => t.db.prisma.redemption.count({ where: { shop: TEST_SHOP, idempotencyKey: key } }), { timeout: 15_000 }).toBe(1);
    await t.restartApp({ kill: true });
    await pending;
    t.standin.clearFaults();
    // What Shopify refuses: a reward snapshot its validation rejects (an amount of 0).
    const stuck = await t.db.prisma.redemption.update({
      where: { shop_idempotencyKey: { shop: TEST_SHOP, idempotencyKey: key } },
      data: { reward: { id: "default-5-off", kind: "fixed-amount-off", title: "5.00 off", pointsCost: 500, amountOff: { amountMinor: 0, currency: "EUR" }, combinesWith: { productDiscounts: true, orderDiscounts: false, shippingDiscounts: true } } },
    });
    const later = new Date(stuck.createdAt.getTime() + STUCK_AFTER_MS + 1000);
    expect(await repairStuckRedemptions(t.db.prisma, later, { adminFor: standinAdmin })).toEqual({ issued: 0, returned: 1 });
    expect(await repairStuckRedemptions(t.db.prisma, later, { adminFor: standinAdmin })).toEqual({ issued: 0, returned: 0 });
    expect(await pointsOf(c.id)).toBe(500);
    expect((await ledgerOf(c.id)).map((e) => [e.kind, e.points])).toEqual([["redeem", -500], ["redeem-reversal", 500]]);
    expect(await redemptionOf(stuck.code)).toMatchObject({ status: "returned", returnReason: "repair" });
    expect(discountByCode(stuck.code)).toBeUndefined();
  });
});

describe("codes bought with points a refund took back", () => {
  it("GIVEN 600 points spent on a code WHEN the order is refunded after the pending period THEN the job ends the unused code in Shopify and its points come back, once", async () => {
    const customer = await t.standin.createCustomer({ email: `refunded-${Date.now()}-${++keys}@example.com` });
    const order = await t.standin.createOrder({ customerId: customer.id, lines: [{ sku: "LAMP", quantity: 1, unitPriceMinor: 60_000 }] });
    await expect.poll(() => pointsOf(customer.id), { timeout: 15_000 }).toBe(600);
    const token = t.standin.mintCheckoutToken({ customerGid: `gid://shopify/Customer/${customer.id}` });
    const { code } = await (await redeem(token, "default-5-off")).json();
    // A code of another member, who owes nothing: it stays.
    const other = await customerWith(500);
    const { code: otherCode } = await (await redeem(other.token, "default-5-off")).json();

    await t.standin.refundOrder(order.id);
    await expect.poll(() => pointsOf(customer.id), { timeout: 15_000 }).toBe(-500);

    const job = redemptionLifecycleJob(standinAdmin);
    await job.run(t.db.prisma, new Date());
    await job.run(t.db.prisma, new Date());
    expect(await pointsOf(customer.id)).toBe(0);
    expect(await redemptionOf(code)).toMatchObject({ status: "returned", returnReason: "revoked" });
    expect((await ledgerOf(customer.id)).map((e) => [e.kind, e.points])).toEqual([["redeem", -500], ["redeem-reversal", 500]]);
    // Ended in Shopify: the buyer can no longer use it.
    expect(Date.parse(discountByCode(code)!.endsAt!)).toBeLessThanOrEqual(Date.now());
    await expect(t.standin.createOrder({ customerId: customer.id, lines: [{ sku: "CUP", quantity: 1, unitPriceMinor: 2000 }], discountCodes: [code] })).rejects.toThrow();
    expect(await redemptionOf(otherCode)).toMatchObject({ status: "issued" });
    expect(discountByCode(otherCode)!.endsAt === null || Date.parse(discountByCode(otherCode)!.endsAt!) > Date.now()).toBe(true);
  });

  it("GIVEN the code was already used when the refund came THEN it stays redeemed and the member stays below zero", async () => {
    const customer = await t.standin.createCustomer({ email: `used-first-${Date.now()}-${++keys}@example.com` });
    const order = await t.standin.createOrder({ customerId: customer.id, lines: [{ sku: "LAMP", quantity: 1, unitPriceMinor: 60_000 }] });
    await expect.poll(() => pointsOf(customer.id), { timeout: 15_000 }).toBe(600);
    const token = t.standin.mintCheckoutToken({ customerGid: `gid://shopify/Customer/${customer.id}` });
    const { code } = await (await redeem(token, "default-5-off")).json();
    // Used on an order whose webhooks have not arrived yet: only Shopify knows.
    await t.standin.createOrder({ customerId: customer.id, lines: [{ sku: "CUP", quantity: 1, unitPriceMinor: 2000 }], discountCodes: [code] }, { webhooks: "hold" });
    await t.standin.refundOrder(order.id);
    await expect.poll(() => pointsOf(customer.id), { timeout: 15_000 }).toBe(-500);

    await redemptionLifecycleJob(standinAdmin).run(t.db.prisma, new Date());
    expect(await redemptionOf(code)).toMatchObject({ status: "redeemed" });
    expect(await pointsOf(customer.id)).toBe(-500);
    expect((await ledgerOf(customer.id)).map((e) => e.kind)).toEqual(["redeem"]);
    await t.standin.deliverWebhooks(t.standin.takeHeldWebhooks());
  });
});
