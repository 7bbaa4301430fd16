// Referrals end to end: GET /api/loyalty creates the member's code and the friend's discount in the stand-in;
// friends' orders arrive as real signed webhooks and are attributed (or blocked, with the reason); the
// advocate job credits the ledger after the window, or voids the referral when the order was refunded.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertHistoryOrders } from "~/history/history-store.server";
import { creditReferralAdvocates, referralAdvocateRewardsJob } from "~/referrals/referral-rewards-job.server";
import { browserFetch, startTreue, TEST_SHOP, type TreueHarness } from "../support/treue-harness";
import { standinAdminGraphql } from "../support/standin-admin";
import { runAdminOperation } from "~/shopify/admin-graphql.server";
import { MEMBER_DISCOUNT_CODE_DELETE_MUTATION } from "~/rewards/graphql/MemberDiscountCodeDelete";

let t: TreueHarness;

beforeAll(async () => {
  t = await startTreue({ appEnv: { WEBHOOK_WORKER: "1" } });
});
afterAll(async () => {
  if (process.env.SHOW_APP_OUTPUT) console.log(t?.app.output());
  await t?.close();
});

const DAY_MS = 86_400_000;
let n = 0;
const unique = () => `${Date.now()}-${++n}`;

function getLoyalty(customerId: number) {
  const token = t.standin.mintCheckoutToken({ customerGid: `gid://shopify/Customer/${customerId}` });
  return browserFetch(`${t.app.url}/api/loyalty`, { headers: { Origin: "https://extensions.shopifycdn.com", Authorization: `Bearer ${token}` } });
}

const referralOf = (orderId: number) => t.db.prisma.referral.findUnique({ where: { shop_orderId: { shop: TEST_SHOP, orderId: String(orderId) } } });
const bonusesOf = (customerId: number) =>
  t.db.prisma.ledgerEntry.findMany({ where: { shop: TEST_SHOP, customerId: String(customerId), kind: "referral-bonus" }, orderBy: { id: "asc" } });
const inboxSettled = () =>
  expect.poll(() => t.db.prisma.webhookEvent.count({ where: { shop: TEST_SHOP, status: { in: ["received", "failed"] } } }), { timeout: 15_000 }).toBe(0);

/** An advocate whose code and link exist (first GET /api/loyalty). */
async function advocate(email = `adv-${unique()}@example.com`, firstName = "Anna") {
  const customer = await t.standin.createCustomer({ email, firstName });
  const res = await getLoyalty(customer.id);
  expect(res.status).toBe(200);
  const { referral } = await res.json();
  return { id: customer.id, code: referral.code as string, url: referral.url as string };
}

const storedCode = (customerId: number) =>
  t.db.prisma.referralCode.findUnique({ where: { shop_customerId: { shop: TEST_SHOP, customerId: String(customerId) } } });

const mug = [{ sku: "MUG", quantity: 2, unitPriceMinor: 1500 }];

describe("referral codes through GET /api/loyalty", () => {
  it("GIVEN a new member WHEN the extension asks twice THEN one code, one link and one friend discount exist", async () => {
    const customer = await t.standin.createCustomer({ email: `jurgen-${unique()}@example.com`, firstName: "Jürgen" });
    // customers/create already stored the code (not yet the discount).
    await expect.poll(() => storedCode(customer.id), { timeout: 15_000 }).toMatchObject({ discountId: null });
    const first = await (await getLoyalty(customer.id)).json();
    expect(first.referral.code).toMatch(/^JURGEN-[2-9A-HJKMNP-Z]{4}$/);
    expect(first.referral.url).toBe(`https://${TEST_SHOP}/discount/${first.referral.code}`);

    const second = await (await getLoyalty(customer.id)).json();
    expect(second.referral).toEqual(first.referral);
    const discounts = t.standin.state.shops[TEST_SHOP].discounts.filter((d) => d.code === first.referral.code);
    expect(discounts).toHaveLength(1);
    expect(discounts[0]).toMatchObject({ customerIds: null, appliesOncePerCustomer: true, value: { percentage: 0.1 } });
    const row = (await storedCode(customer.id))!;
    expect(row.code).toBe(first.referral.code);
    expect(row.discountId).toMatch(/^gid:\/\/shopify\/DiscountCodeNode\/\d+$/);
  });

  it("GIVEN the friend discount deleted in Shopify WHEN the extension asks again THEN the same code works again", async () => {
    const dana = await advocate(`deleted-${unique()}@example.com`, "Dana");
    const { discountId } = (await storedCode(dana.id))!;
    // The merchant deletes it in Shopify's admin; Shopify sends discounts/delete.
    await runAdminOperation(await standinAdminGraphql(t.standin, TEST_SHOP), MEMBER_DISCOUNT_CODE_DELETE_MUTATION, { id: discountId });
    await expect.poll(async () => (await storedCode(dana.id))?.discountId, { timeout: 15_000 }).toBeNull();
    const again = await (await getLoyalty(dana.id)).json();
    expect(again.referral.code).toBe(dana.code);
    const discounts = t.standin.state.shops[TEST_SHOP].discounts.filter((d) => d.code === dana.code);
    expect(discounts).toHaveLength(1);
    expect((await storedCode(dana.id))!.discountId).toBe(`gid://shopify/DiscountCodeNode/${discounts[0].id}`);
    expect((await storedCode(dana.id))!.discountId).not.toBe(discountId);
  });

  it("gives no link while Shopify can't create the discount, and the link once it can", async () => {
    const customer = await t.standin.createCustomer({ email: `down-${unique()}@example.com`, firstName: "Dora" });
    t.standin.injectFault({ operation: "discountCodeBasicCreate", kind: "HTTP_503", times: -1 });
    try {
      const down = await (await getLoyalty(customer.id)).json();
      expect(down.referral).toBeNull();
    } finally {
      t.standin.clearFaults();
    }
    const up = await (await getLoyalty(customer.id)).json();
    expect(up.referral.code).toBe((await storedCode(customer.id))!.code);
    expect(t.standin.state.shops[TEST_SHOP].discounts.filter((d) => d.code === up.referral.code)).toHaveLength(1);
  });

  it("erases the advocate's contact details and their name-made code on customers/redact, and keeps the referral record", async () => {
    const a = await advocate(`redact-${unique()}@example.com`);
    await expect.poll(async () => (await storedCode(a.id))?.email, { timeout: 15_000 }).toMatch(/^redact-/);
    await t.standin.requestCustomerRedact(a.id);
    await expect.poll(async () => (await storedCode(a.id))?.email, { timeout: 15_000 }).toBeNull();
    expect(await storedCode(a.id)).toMatchObject({ code: `REDACTED-${a.id}`, phone: null, address: null });
  });

  it("answers no referral for a guest", async () => {
    const token = t.standin.mintCheckoutToken({ customerGid: null });
    const res = await browserFetch(`${t.app.url}/api/loyalty`, { headers: { Origin: "https://extensions.shopifycdn.com", Authorization: `Bearer ${token}` } });
    expect((await res.json()).referral).toBeNull();
  });
});

describe("attribution and the advocate's reward", () => {
  it("GIVEN a friend's first order with the code WHEN the window passes THEN the advocate is credited once", async () => {
    const a = await advocate();
    const order = await t.standin.createOrder({ customer: { email: `friend-${unique()}@example.com`, firstName: "Fritz" }, discountCodes: [a.code], lines: mug });
    // The friend's discount applied: 10 % of 30.00.
    expect(order.discountCodes).toEqual([expect.objectContaining({ code: a.code, amountMinor: 300 })]);
    await expect.poll(() => referralOf(order.id), { timeout: 15_000 }).toMatchObject({ status: "pending", advocateCustomerId: String(a.id), code: a.code, blockReason: null });
    const placedAt = (await referralOf(order.id))!.orderPlacedAt;

    // Duplicated deliveries of every topic change nothing.
    const before = await referralOf(order.id);
    await t.standin.deliverWebhook("orders/create", t.standin.orderPayload(order.id), { duplicates: 2 });
    await t.standin.deliverWebhook("orders/updated", t.standin.orderPayload(order.id), { duplicates: 2 });
    await inboxSettled();
    expect(await t.db.prisma.referral.count({ where: { shop: TEST_SHOP, orderId: String(order.id) } })).toBe(1);
    expect(await referralOf(order.id)).toEqual(before);

    // Inside the window: nothing yet.
    await creditReferralAdvocates(t.db.prisma, new Date(placedAt.getTime() + 13 * DAY_MS));
    expect(await bonusesOf(a.id)).toEqual([]);
    expect((await referralOf(order.id))!.status).toBe("pending");

    // After it: 500 points, and a second run (or the job's own entry point) posts nothing more.
    const after = new Date(placedAt.getTime() + 14 * DAY_MS + 1000);
    await creditReferralAdvocates(t.db.prisma, after);
    await referralAdvocateRewardsJob.run(t.db.prisma, after);
    const bonuses = await bonusesOf(a.id);
    expect(bonuses.map((e) => [e.points, e.availableAt.toISOString()])).toEqual([[500, new Date(placedAt.getTime() + 14 * DAY_MS).toISOString()]]);
    expect(await referralOf(order.id)).toMatchObject({ status: "credited", points: 500 });
    const member = await t.db.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop: TEST_SHOP, customerId: String(a.id) } } });
    expect(member.points).toBe(500);
  });

  it("voids the reward when the friend's order is refunded within the window, whatever order the webhooks arrive in", async () => {
    const a = await advocate();
    const order = await t.standin.createOrder({ customer: { email: `refund-${unique()}@example.com` }, discountCodes: [a.code], lines: mug }, { webhooks: "hold" });
    await t.standin.refundOrder(order.id, undefined, { webhooks: "hold" });
    const held = t.standin.takeHeldWebhooks();
    // The refund's orders/updated first, the order's creation last, and each twice.
    await t.standin.deliverWebhooks([...held, ...held], { order: "reversed" });
    await inboxSettled();
    const referral = await referralOf(order.id);
    expect(referral).toMatchObject({ status: "pending" });
    expect(referral!.fullyRefundedAt).toBeInstanceOf(Date);

    await creditReferralAdvocates(t.db.prisma, new Date(referral!.orderPlacedAt.getTime() + 30 * DAY_MS));
    expect(await referralOf(order.id)).toMatchObject({ status: "void", voidReason: "refunded" });
    expect(await bonusesOf(a.id)).toEqual([]);
  });

  it("voids the reward when the friend's order is deleted in Shopify within the window", async () => {
    const a = await advocate();
    const order = await t.standin.createOrder({ customer: { email: `deleted-${unique()}@example.com` }, discountCodes: [a.code], lines: mug });
    await expect.poll(() => referralOf(order.id), { timeout: 15_000 }).toMatchObject({ status: "pending", cancelledAt: null });
    await t.standin.deleteOrder(order.id);
    await inboxSettled();
    const referral = await referralOf(order.id);
    expect(referral!.cancelledAt).toBeInstanceOf(Date);

    await creditReferralAdvocates(t.db.prisma, new Date(referral!.orderPlacedAt.getTime() + 30 * DAY_MS));
    expect(await referralOf(order.id)).toMatchObject({ status: "void", voidReason: "cancelled" });
    expect(await bonusesOf(a.id)).toEqual([]);
  });

  it("records self-referrals as blocked with the reason: same customer, and the same e-mail in another spelling", async () => {
    const local = `anna.muster.${unique().replace(/-/g, "")}`;
    const a = await advocate(`${local}@gmail.com`);
    const own = await t.standin.createOrder({ customerId: a.id, discountCodes: [a.code], lines: mug });
    // Gmail ignores dots and "+tags": the same mailbox, a new customer in the shop.
    const twin = await t.standin.createOrder({ customer: { email: `${local.replace(/\./g, "")}+shop@gmail.com` }, discountCodes: [a.code], lines: mug });
    expect(twin.customerId).not.toBe(a.id);
    await expect.poll(() => referralOf(own.id), { timeout: 15_000 }).toMatchObject({ status: "blocked", blockReason: "self-referral-same-customer" });
    await expect.poll(() => referralOf(twin.id), { timeout: 15_000 }).toMatchObject({ status: "blocked", blockReason: "same-email" });

    await creditReferralAdvocates(t.db.prisma, new Date(Date.now() + 30 * DAY_MS));
    expect(await bonusesOf(a.id)).toEqual([]);
    expect((await referralOf(own.id))!.status).toBe("blocked");
  });

  it("records an existing customer's order with a code as blocked", async () => {
    const a = await advocate();
    const friend = await t.standin.createCustomer({ email: `old-${unique()}@example.com` });
    await t.standin.createOrder({ customerId: friend.id, lines: mug });
    await inboxSettled();
    const second = await t.standin.createOrder({ customerId: friend.id, discountCodes: [a.code], lines: mug });
    await expect.poll(() => referralOf(second.id), { timeout: 15_000 }).toMatchObject({ status: "blocked", blockReason: "existing-customer", friendCustomerId: String(friend.id) });
  });

  it("GIVEN the friend's earlier order's webhooks arrive after the referred order's THEN the pending referral turns blocked as an existing customer and earns nothing", async () => {
    const a = await advocate();
    const friend = await t.standin.createCustomer({ email: `late-${unique()}@example.com` });
    // The friend orders without a code, then with one (same second or later: the lower order id is older)…
    const earlier = await t.standin.createOrder({ customerId: friend.id, lines: mug }, { webhooks: "hold" });
    const earlierHooks = t.standin.takeHeldWebhooks();
    const referred = await t.standin.createOrder({ customerId: friend.id, discountCodes: [a.code], lines: mug }, { webhooks: "hold" });
    const referredHooks = t.standin.takeHeldWebhooks();
    expect(earlier.id).toBeLessThan(referred.id);
    // …WHEN Shopify delivers the referred order first: nothing known of the friend yet, so it is pending…
    await t.standin.deliverWebhooks(referredHooks, { order: "as-is" });
    await inboxSettled();
    expect(await referralOf(referred.id)).toMatchObject({ status: "pending", friendCustomerId: String(friend.id) });
    // …and the earlier order afterwards (twice): the referral is blocked at once, before any advocate run.
    await t.standin.deliverWebhooks([...earlierHooks, ...earlierHooks], { order: "as-is" });
    await inboxSettled();
    expect(await referralOf(referred.id)).toMatchObject({ status: "blocked", blockReason: "existing-customer" });
    expect(await referralOf(earlier.id)).toBeNull();

    await creditReferralAdvocates(t.db.prisma, new Date(Date.now() + 30 * DAY_MS));
    expect(await bonusesOf(a.id)).toEqual([]);
    expect((await referralOf(referred.id))!.status).toBe("blocked");
  });

  it("the friend's later order does not make them an existing customer of the referral before it", async () => {
    const a = await advocate();
    const friend = await t.standin.createCustomer({ email: `fresh-${unique()}@example.com` });
    const referred = await t.standin.createOrder({ customerId: friend.id, discountCodes: [a.code], lines: mug });
    await expect.poll(() => referralOf(referred.id), { timeout: 15_000 }).toMatchObject({ status: "pending" });
    // The friend's next order (placed after the referred one) arrives: still a new customer's referral.
    await t.standin.createOrder({ customerId: friend.id, lines: mug });
    await inboxSettled();
    expect(await referralOf(referred.id)).toMatchObject({ status: "pending", blockReason: null });
  });

  it("the advocate job checks the order history once more before paying: an earlier order from the history import blocks the referral", async () => {
    const a = await advocate();
    const friend = await t.standin.createCustomer({ email: `imported-${unique()}@example.com` });
    const referred = await t.standin.createOrder({ customerId: friend.id, discountCodes: [a.code], lines: mug });
    await expect.poll(() => referralOf(referred.id), { timeout: 15_000 }).toMatchObject({ status: "pending" });
    const placedAt = (await referralOf(referred.id))!.orderPlacedAt;
    // An order from last year reaches HistoryOrder by the import, with no webhook at all.
    const lastYear = new Date(placedAt.getTime() - 365 * DAY_MS);
    await upsertHistoryOrders(t.db.prisma, TEST_SHOP, "import", [
      { id: "1", customerId: String(friend.id), createdAt: lastYear, updatedAt: lastYear, amountMinor: 3000, currency: "EUR", cancelledAt: null },
    ]);
    const result = await creditReferralAdvocates(t.db.prisma, new Date(placedAt.getTime() + 30 * DAY_MS));
    expect(result.blocked).toBeGreaterThanOrEqual(1);
    expect(await referralOf(referred.id)).toMatchObject({ status: "blocked", blockReason: "existing-customer" });
    expect(await bonusesOf(a.id)).toEqual([]);
  });

  it("blocks referrals over the advocate's monthly cap", async () => {
    await t.db.prisma.referralSettings.upsert({
      where: { shop: TEST_SHOP },
      create: { shop: TEST_SHOP, monthlyCap: 1 },
      update: { monthlyCap: 1 },
    });
    try {
      const a = await advocate();
      const first = await t.standin.createOrder({ customer: { email: `cap1-${unique()}@example.com` }, discountCodes: [a.code], lines: mug });
      await expect.poll(() => referralOf(first.id), { timeout: 15_000 }).toMatchObject({ status: "pending" });
      const second = await t.standin.createOrder({ customer: { email: `cap2-${unique()}@example.com` }, discountCodes: [a.code], lines: mug });
      await expect.poll(() => referralOf(second.id), { timeout: 15_000 }).toMatchObject({ status: "blocked", blockReason: "monthly-cap" });
    } finally {
      await t.db.prisma.referralSettings.delete({ where: { shop: TEST_SHOP } });
    }
  });

  it("ignores orders with merchant codes and without codes (no referral row)", async () => {
    const buyer = await t.standin.createCustomer({ email: `plain-${unique()}@example.com` });
    const plain = await t.standin.createOrder({ customerId: buyer.id, lines: mug });
    const lookalike = await t.standin.createOrder({ customerId: buyer.id, lines: mug, discountCodes: [{ code: "ZZZZ-2345", amountMinor: 100, type: "fixed_amount" }] });
    await inboxSettled();
    expect(await referralOf(plain.id)).toBeNull();
    expect(await referralOf(lookalike.id)).toBeNull();
  });
});

function postAdmin(path: string, form: Record<string, string>) {
  const url = new URL(t.adminUrl(path));
  return browserFetch(url.toString(), {
    method: "POST",
    headers: { Authorization: `Bearer ${url.searchParams.get("id_token")!}`, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
  });
}

describe("the referrals admin page", () => {
  it("lists referrals with status and reason and shows the referral rate, in English and German", async () => {
    const a = await advocate();
    const order = await t.standin.createOrder({ customerId: a.id, discountCodes: [a.code], lines: mug });
    await expect.poll(() => referralOf(order.id), { timeout: 15_000 }).toMatchObject({ status: "blocked" });
    await inboxSettled();

    // Issue 5's referral rate, computed here from the rows the page reads: orders of referred (not blocked)
    // friends from their referred order on, over every order in the shop's history.
    const friends = await t.db.prisma.referral.findMany({ where: { shop: TEST_SHOP, status: { not: "blocked" }, friendCustomerId: { not: null } } });
    const orders = await t.db.prisma.historyOrder.findMany({ where: { shop: TEST_SHOP } });
    const since = new Map<string, number>();
    for (const f of friends) since.set(f.friendCustomerId!, Math.min(since.get(f.friendCustomerId!) ?? Infinity, f.orderPlacedAt.getTime()));
    const referred = orders.filter((o) => o.customerId !== null && since.has(String(o.customerId)) && o.createdAt.getTime() >= since.get(String(o.customerId))!).length;
    expect(referred).toBeGreaterThan(0);

    const en = await (await browserFetch(t.adminUrl("/app/referrals"))).text();
    expect(en).toContain(order.name);
    expect(en).toContain("Own code");
    expect(en).toContain(`${referred} of ${orders.length} orders came from ${referred === 1 ? "a referred customer" : "referred customers"}.`);
    const de = await (await browserFetch(t.adminUrl("/app/referrals", { locale: "de" }))).text();
    expect(de).toContain("Eigener Code");
    expect(de).toContain("Empfehlungsquote");
  });

  it("saves the referral settings and refuses values out of range with 400", async () => {
    const ok = await postAdmin("/app/referrals", { advocatePoints: "250", friendPercentOff: "15", windowDays: "30", monthlyCap: "" });
    expect(ok.status).toBe(200);
    expect(await t.db.prisma.referralSettings.findUnique({ where: { shop: TEST_SHOP } })).toMatchObject({ advocatePoints: 250, friendPercentOff: 15, windowDays: 30, monthlyCap: null });
    try {
      // New codes get the new friend discount.
      const customer = await t.standin.createCustomer({ email: `new-terms-${unique()}@example.com`, firstName: "Nora" });
      const { referral } = await (await getLoyalty(customer.id)).json();
      expect(t.standin.state.shops[TEST_SHOP].discounts.find((d) => d.code === referral.code)).toMatchObject({ value: { percentage: 0.15 } });

      for (const bad of [{ friendPercentOff: "0" }, { friendPercentOff: "101" }, { advocatePoints: "-5" }, { windowDays: "x" }]) {
        const res = await postAdmin("/app/referrals", { advocatePoints: "250", friendPercentOff: "15", windowDays: "30", monthlyCap: "", ...bad });
        expect(res.status, JSON.stringify(bad)).toBe(400);
      }
      expect(await t.db.prisma.referralSettings.findUnique({ where: { shop: TEST_SHOP } })).toMatchObject({ friendPercentOff: 15, advocatePoints: 250 });
    } finally {
      await t.db.prisma.referralSettings.delete({ where: { shop: TEST_SHOP } });
    }
  });
});
