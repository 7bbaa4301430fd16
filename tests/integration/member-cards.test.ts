// The member cards end to end: signed order webhooks (held, shuffled, duplicated) → the points engine's order
// state → the stamp card job → one free code per full card in the stand-in; tiers → the member discount
// job → one customer-only code per member, replaced when the percentage changes and removed after a
// downgrade; GET /api/loyalty's `cards`; the admin page's form with field errors.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { addDays } from "../../app/points/domain/time";
import type { AdminGraphql } from "../../app/shopify/admin-graphql.server";
import { saveLoyaltyProgram } from "../../app/points/loyalty-program.server";
import { issueStampCardRewards, reconcileMemberDiscountCodes, saveMemberCards } from "../../app/rewards/member-cards.server";
import { reviewTiers } from "../../app/points/points-jobs.server";
import { repairStuckRedemptions, returnExpiredRedemptions, STUCK_AFTER_MS } from "../../app/rewards/redemption-lifecycle.server";
import { memberDiscountInput } from "../../app/rewards/domain/member-perks";
import { runAdminOperation } from "../../app/shopify/admin-graphql.server";
import { MEMBER_DISCOUNT_CODE_CREATE_MUTATION } from "../../app/rewards/graphql/MemberDiscountCodeCreate";
import { MEMBER_DISCOUNT_CODE_DELETE_MUTATION } from "../../app/rewards/graphql/MemberDiscountCodeDelete";
import { browserFetch, startTreue, TEST_SHOP, type TreueHarness } from "../support/treue-harness";
import { standinAdminGraphql } from "../support/standin-admin";

let t: TreueHarness;

beforeAll(async () => {
  t = await startTreue({ appEnv: { WEBHOOK_WORKER: "1" } });
  const saved = await saveLoyaltyProgram(t.db.prisma, TEST_SHOP, {
    vip: { windowDays: 365, tiers: [{ id: "gold", name: "Gold", thresholdMinor: 10_000, multiplierPercent: 100 }] },
  });
  expect(saved.ok).toBe(true);
});
afterAll(async () => {
  if (process.env.SHOW_APP_OUTPUT) console.log(t?.app.output());
  await t?.close();
});
afterEach(() => t.standin.clearFaults());

/** The Admin API as the app's offline session calls it, from this process (for running the jobs here). */
const standinAdmin = async (shop: string): Promise<AdminGraphql> => standinAdminGraphql(t.standin, shop);

let n = 0;
const discountsFor = (customerId: number) => t.standin.state.shops[TEST_SHOP].discounts.filter((d) => d.customerIds?.includes(customerId));
const stampRewardsOf = (customerId: number) =>
  t.db.prisma.redemption.findMany({ where: { shop: TEST_SHOP, customerId: String(customerId), idempotencyKey: { startsWith: "stamp/" } }, orderBy: { idempotencyKey: "asc" } });
const orderStates = (customerId: number) => t.db.prisma.orderPoints.findMany({ where: { shop: TEST_SHOP, customerId: String(customerId) } });
const issueStamps = (now = new Date()) => issueStampCardRewards(t.db.prisma, now, { adminFor: standinAdmin, backoffMs: 10 });
const reconcile = (now = new Date(), callsPerShop?: number) => reconcileMemberDiscountCodes(t.db.prisma, now, { adminFor: standinAdmin, callsPerShop });

/** A new customer who reaches gold with one order, the card giving gold `percent` off. */
async function goldMemberWithCard(percent: number, email: string) {
  await saveMemberCards(t.db.prisma, TEST_SHOP, { discount: { percentOffByTier: { gold: percent }, combinesWithOtherDiscounts: false }, stamps: null });
  const c = await t.standin.createCustomer({ email });
  await t.standin.createOrder({ customerId: c.id, lines: [{ sku: "BAG", quantity: 1, unitPriceMinor: 12_000 }] });
  await expect.poll(async () => (await t.db.prisma.member.findUnique({ where: { shop_customerId: { shop: TEST_SHOP, customerId: String(c.id) } } }))?.tierId, { timeout: 30_000 }).toBe("gold");
  return c;
}

async function loyalty(customerId: number) {
  const res = await browserFetch(`${t.app.url}/api/loyalty`, {
    headers: { Origin: "https://extensions.shopifycdn.com", Authorization: `Bearer ${t.standin.mintCheckoutToken({ customerGid: `gid://shopify/Customer/${customerId}` })}` },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { cards: { discount: { percent: number; code: string } | null; stamps: { stampsOnCurrentCard: number; stampsRequired: number; rewardsEarned: number } | null } };
}

/** Places `count` small orders (below the gold threshold) with their webhooks held, then delivers them shuffled and twice. */
async function ordersDeliveredShuffled(customerId: number, count: number, seed: number) {
  const orders = [];
  for (let i = 0; i < count; i++) orders.push(await t.standin.createOrder({ customerId, lines: [{ sku: "MUG", quantity: 1, unitPriceMinor: 1_500 }] }, { webhooks: "hold" }));
  const held = t.standin.takeHeldWebhooks();
  await t.standin.deliverWebhooks([...held, ...held], { order: "shuffled", seed });
  return orders;
}

describe("stamp card", () => {
  it("GIVEN a 3-stamp card WHEN 3 orders arrive shuffled and duplicated THEN one free code, once, however often and concurrently the job runs", async () => {
    const { currency } = await t.db.prisma.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } });
    await saveMemberCards(t.db.prisma, TEST_SHOP, {
      discount: { percentOffByTier: {}, combinesWithOtherDiscounts: false },
      stamps: { enabled: true, stampsRequired: 3, rewardId: "default-5-off", startsAt: "2020-01-01T00:00:00.000Z", minimumSubtotal: { amountMinor: 1_000, currency: currency! } },
    });
    const c = await t.standin.createCustomer({ email: `stamps${Date.now()}@example.com` });
    // Two orders first: no reward yet.
    const first = await ordersDeliveredShuffled(c.id, 2, 1);
    await expect.poll(async () => (await orderStates(c.id)).length, { timeout: 30_000 }).toBe(2);
    await issueStamps();
    expect(await stampRewardsOf(c.id)).toEqual([]);
    expect((await loyalty(c.id)).cards.stamps).toEqual({ stampsOnCurrentCard: 2, stampsRequired: 3, rewardsEarned: 0 });

    // The third order, its webhooks also duplicated; and an order below the minimum that earns no stamp.
    await ordersDeliveredShuffled(c.id, 1, 2);
    await t.standin.createOrder({ customerId: c.id, lines: [{ sku: "PEN", quantity: 1, unitPriceMinor: 500 }] });
    await expect.poll(async () => (await orderStates(c.id)).length, { timeout: 30_000 }).toBe(4);
    await Promise.all([issueStamps(), issueStamps()]);
    await issueStamps();

    const rewards = await stampRewardsOf(c.id);
    expect(rewards.map((r) => [r.idempotencyKey.replace(/^stamp\/[^/]+\//, ""), r.status, r.pointsCost])).toEqual([[`${c.id}/1`, "issued", 0]]);
    const codes = discountsFor(c.id);
    expect(codes.map((d) => d.code)).toEqual([rewards[0].code]);
    expect(codes[0]).toMatchObject({ customerIds: [c.id], usageLimit: 1 });
    // No points were spent on it.
    expect(await t.db.prisma.ledgerEntry.count({ where: { shop: TEST_SHOP, customerId: String(c.id), kind: "redeem" } })).toBe(0);
    expect((await loyalty(c.id)).cards.stamps).toEqual({ stampsOnCurrentCard: 0, stampsRequired: 3, rewardsEarned: 1 });

    // A cancellation takes a stamp away: the reward stays, and the next one needs the missing stamp again.
    await t.standin.cancelOrder(first[0].id);
    await expect.poll(async () => (await orderStates(c.id)).filter((o) => (o.newest as { cancelled: boolean }).cancelled).length, { timeout: 30_000 }).toBe(1);
    await issueStamps();
    expect(await stampRewardsOf(c.id)).toHaveLength(1);
    expect(discountsFor(c.id)).toHaveLength(1);
    expect((await loyalty(c.id)).cards.stamps).toEqual({ stampsOnCurrentCard: 0, stampsRequired: 3, rewardsEarned: 1 });

    // Three more orders make 5 stamps (one short of the second card); the fourth makes 6.
    await ordersDeliveredShuffled(c.id, 3, 3);
    await expect.poll(async () => (await orderStates(c.id)).length, { timeout: 30_000 }).toBe(7);
    await issueStamps();
    expect(await stampRewardsOf(c.id)).toHaveLength(1);
    expect((await loyalty(c.id)).cards.stamps).toEqual({ stampsOnCurrentCard: 2, stampsRequired: 3, rewardsEarned: 1 });
    await ordersDeliveredShuffled(c.id, 1, 4);
    await expect.poll(async () => (await orderStates(c.id)).length, { timeout: 30_000 }).toBe(8);
    await issueStamps();
    await issueStamps();
    expect((await stampRewardsOf(c.id)).map((r) => r.status)).toEqual(["issued", "issued"]);
    expect(discountsFor(c.id)).toHaveLength(2);
    expect((await loyalty(c.id)).cards.stamps).toEqual({ stampsOnCurrentCard: 0, stampsRequired: 3, rewardsEarned: 2 });

    // An unused reward code expires like any redemption code; it cost no points, so nothing goes back.
    const later = addDays(new Date(), 200);
    await returnExpiredRedemptions(t.db.prisma, later, { adminFor: standinAdmin });
    expect((await stampRewardsOf(c.id)).map((r) => [r.status, r.returnReason])).toEqual([["returned", "expired"], ["returned", "expired"]]);
    expect(await t.db.prisma.ledgerEntry.count({ where: { shop: TEST_SHOP, customerId: String(c.id), kind: "redeem-reversal" } })).toBe(0);
    await saveMemberCards(t.db.prisma, TEST_SHOP, { discount: { percentOffByTier: {}, combinesWithOtherDiscounts: false }, stamps: null });
  });
});

describe("stamp card reward while Shopify is down", () => {
  it("leaves the reward 'issuing' and the redemption repair creates its code once, without any points", async () => {
    const { currency } = await t.db.prisma.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } });
    const c = await t.standin.createCustomer({ email: `down${Date.now()}@example.com` });
    // Order times have one-second resolution: a second apart from the earlier tests' orders.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const orders = await ordersDeliveredShuffled(c.id, 2, 5);
    await saveMemberCards(t.db.prisma, TEST_SHOP, {
      discount: { percentOffByTier: {}, combinesWithOtherDiscounts: false },
      // A new card starting with this customer's first order: the earlier tests' members are not on it.
      stamps: { enabled: true, stampsRequired: 2, rewardId: "default-5-off", startsAt: new Date(orders[0].createdAt).toISOString(), minimumSubtotal: { amountMinor: 0, currency: currency! } },
    });
    await expect.poll(async () => (await orderStates(c.id)).length, { timeout: 30_000 }).toBe(2);
    t.standin.injectFault({ operation: "discountCodeBasicCreate", kind: "HTTP_503", times: -1 });
    expect(await issueStamps()).toMatchObject({ issued: 0, notIssuedYet: 1 });
    expect(await issueStamps()).toMatchObject({ issued: 0, notIssuedYet: 0 });
    const [stuck] = await stampRewardsOf(c.id);
    expect(stuck.status).toBe("issuing");
    expect(discountsFor(c.id)).toEqual([]);
    t.standin.clearFaults();
    const later = new Date(stuck.createdAt.getTime() + STUCK_AFTER_MS + 1000);
    expect(await repairStuckRedemptions(t.db.prisma, later, { adminFor: standinAdmin })).toEqual({ issued: 1, returned: 0 });
    expect(await repairStuckRedemptions(t.db.prisma, later, { adminFor: standinAdmin })).toEqual({ issued: 0, returned: 0 });
    expect((await stampRewardsOf(c.id)).map((r) => r.status)).toEqual(["issued"]);
    expect(discountsFor(c.id).map((d) => d.code)).toEqual([stuck.code]);
    expect(await t.db.prisma.ledgerEntry.count({ where: { shop: TEST_SHOP, customerId: String(c.id), kind: { in: ["redeem", "redeem-reversal"] } } })).toBe(0);
    await saveMemberCards(t.db.prisma, TEST_SHOP, { discount: { percentOffByTier: {}, combinesWithOtherDiscounts: false }, stamps: null });
  });
});

describe("member discount card", () => {
  it("GIVEN 10 % for gold WHEN a member reaches gold THEN one unlimited customer-only code; a new percentage replaces it; a downgrade removes it", async () => {
    await saveMemberCards(t.db.prisma, TEST_SHOP, { discount: { percentOffByTier: { gold: 10 }, combinesWithOtherDiscounts: false }, stamps: null });
    const c = await t.standin.createCustomer({ email: `gold${Date.now()}-${++n}@example.com` });
    const other = await t.standin.createCustomer({ email: `gold${Date.now()}-${++n}@example.com` });
    const order = await t.standin.createOrder({ customerId: c.id, lines: [{ sku: "BAG", quantity: 1, unitPriceMinor: 12_000 }] });
    await t.standin.createOrder({ customerId: other.id, lines: [{ sku: "BAG", quantity: 1, unitPriceMinor: 12_000 }] });
    const tierOf = async (id: number) => (await t.db.prisma.member.findUnique({ where: { shop_customerId: { shop: TEST_SHOP, customerId: String(id) } } }))?.tierId;
    await expect.poll(() => tierOf(c.id), { timeout: 30_000 }).toBe("gold");
    await expect.poll(() => tierOf(other.id), { timeout: 30_000 }).toBe("gold");

    // Shopify throttles the first create: that shop's run stops and the next run finishes the job.
    t.standin.injectFault({ operation: "discountCodeBasicCreate", kind: "THROTTLED", times: 1 });
    const throttled = await reconcile();
    expect(throttled.deferred).toEqual([TEST_SHOP]);
    await reconcile();
    await reconcile();
    for (const id of [c.id, other.id]) {
      const codes = discountsFor(id);
      expect(codes).toHaveLength(1);
      expect(codes[0]).toMatchObject({ customerIds: [id], value: { percentage: 0.1 }, endsAt: null, usageLimit: null, appliesOncePerCustomer: false });
    }
    const first = discountsFor(c.id)[0];
    expect((await loyalty(c.id)).cards.discount).toEqual({ percent: 10, code: first.code });

    // The merchant raises gold to 15 %: a new code, the old one deleted in Shopify.
    await saveMemberCards(t.db.prisma, TEST_SHOP, { discount: { percentOffByTier: { gold: 15 }, combinesWithOtherDiscounts: false }, stamps: null });
    await reconcile();
    await reconcile();
    const replaced = discountsFor(c.id);
    expect(replaced).toHaveLength(1);
    expect(replaced[0].code).not.toBe(first.code);
    expect(replaced[0].value).toEqual({ percentage: 0.15 });
    expect((await loyalty(c.id)).cards.discount).toEqual({ percent: 15, code: replaced[0].code });

    // The order is cancelled; at the period end the member falls out of gold and loses the code.
    await t.standin.cancelOrder(order.id);
    const member = await t.db.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop: TEST_SHOP, customerId: String(c.id) } } });
    await expect.poll(async () => (await orderStates(c.id)).some((o) => (o.newest as { cancelled: boolean }).cancelled), { timeout: 30_000 }).toBe(true);
    await reviewTiers(t.db.prisma, addDays(member.tierPeriodEnd!, 1));
    expect(await tierOf(c.id)).toBeNull();
    await reconcile();
    await reconcile();
    expect(discountsFor(c.id)).toEqual([]);
    expect((await loyalty(c.id)).cards.discount).toBeNull();
    expect(await t.db.prisma.memberDiscountCode.findMany({ where: { shop: TEST_SHOP, customerId: String(c.id) }, orderBy: { createdAt: "asc" }, select: { status: true, percent: true } })).toEqual([
      { status: "removed", percent: 10 },
      { status: "removed", percent: 15 },
    ]);
    // The other member's order is out of the spend window by then as well: their code went too.
    expect(await tierOf(other.id)).toBeNull();
    expect(discountsFor(other.id)).toEqual([]);
  });
});

describe("member discount code deleted in Shopify", () => {
  it("GIVEN a member's active code WHEN the merchant deletes it in Shopify THEN it is no longer shown and the next run gives a new one", async () => {
    const c = await goldMemberWithCard(12, `deleted${Date.now()}@example.com`);
    await reconcile();
    const [first] = discountsFor(c.id);
    expect((await loyalty(c.id)).cards.discount).toEqual({ percent: 12, code: first.code });

    await runAdminOperation(await standinAdmin(TEST_SHOP), MEMBER_DISCOUNT_CODE_DELETE_MUTATION, { id: `gid://shopify/DiscountCodeNode/${first.id}` });
    const rowOf = (code: string) => t.db.prisma.memberDiscountCode.findUniqueOrThrow({ where: { shop_code: { shop: TEST_SHOP, code } } });
    await expect.poll(async () => (await rowOf(first.code)).status, { timeout: 15_000 }).toBe("removed");
    expect((await rowOf(first.code)).lastError).toBe("deleted in Shopify");
    expect((await loyalty(c.id)).cards.discount).toBeNull();

    await reconcile();
    const [second] = discountsFor(c.id);
    expect(second.code).not.toBe(first.code);
    expect((await loyalty(c.id)).cards.discount).toEqual({ percent: 12, code: second.code });
    // The app's own deletions come back as discounts/delete as well: switching the card off removes the
    // code once, and the webhook for it changes nothing more.
    await saveMemberCards(t.db.prisma, TEST_SHOP, { discount: { percentOffByTier: {}, combinesWithOtherDiscounts: false }, stamps: null });
    await reconcile();
    expect(discountsFor(c.id)).toEqual([]);
    await expect.poll(async () => (await rowOf(second.code)).status, { timeout: 15_000 }).toBe("removed");
    expect((await rowOf(second.code)).lastError).toBeNull();
  });
});

describe("member discount card after a crash", () => {
  it("finishes a code a crashed run created in Shopify but never marked active, without a second code", async () => {
    const c = await goldMemberWithCard(20, `crash${Date.now()}@example.com`);
    // What a run that died after Shopify's answer leaves: the row still "creating", the code in Shopify.
    const createdAt = new Date();
    await t.db.prisma.memberDiscountCode.create({ data: { shop: TEST_SHOP, customerId: String(c.id), percent: 20, code: "MEMBER-CRSH-2345", status: "creating", createdAt } });
    const variables = memberDiscountInput({ customerGid: `gid://shopify/Customer/${c.id}`, code: "MEMBER-CRSH-2345", terms: { percent: 20, combinesWithOtherDiscounts: false }, startsAt: createdAt, title: "Treue member discount" });
    await runAdminOperation(await standinAdmin(TEST_SHOP), MEMBER_DISCOUNT_CODE_CREATE_MUTATION, variables);

    await reconcile();
    await reconcile();
    expect(discountsFor(c.id).map((d) => d.code)).toEqual(["MEMBER-CRSH-2345"]);
    const row = await t.db.prisma.memberDiscountCode.findUniqueOrThrow({ where: { shop_code: { shop: TEST_SHOP, code: "MEMBER-CRSH-2345" } } });
    expect(row.status).toBe("active");
    expect(row.discountId).toMatch(/^gid:\/\/shopify\/DiscountCodeNode\/\d+$/);
    await saveMemberCards(t.db.prisma, TEST_SHOP, { discount: { percentOffByTier: {}, combinesWithOtherDiscounts: false }, stamps: null });
    // The card switched off: every code goes.
    await reconcile();
    expect(discountsFor(c.id)).toEqual([]);
  });
});

describe("member cards in the admin", () => {
  function adminPost(form: Record<string, string>, params: Record<string, string> = {}) {
    const url = new URL(t.adminUrl("/app/rewards", params));
    return browserFetch(url.toString(), {
      method: "POST",
      headers: { Authorization: `Bearer ${url.searchParams.get("id_token")}`, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form).toString(),
    });
  }
  const cardsForm = (fields: Record<string, string>) => ({ intent: "cards", "percent.gold": "", stampsRequired: "", stampRewardId: "", stampMinimumSubtotal: "", stampStartsOn: "", ...fields });

  it("refuses invalid cards with translated field errors and writes nothing", async () => {
    const before = await t.db.prisma.memberCards.findUnique({ where: { shop: TEST_SHOP } });
    const de = await adminPost(cardsForm({ "percent.gold": "150", stampsEnabled: "on", stampsRequired: "1", stampStartsOn: "2026-13-01" }), { locale: "de" });
    expect(de.status).toBe(422);
    const html = await de.text();
    expect(html).toContain("Der Prozentsatz muss eine ganze Zahl von 1 bis 100 sein oder leer bleiben.");
    expect(html).toContain("Die Stempel für eine Prämie müssen eine ganze Zahl von 2 bis 100 sein.");
    expect(html).toContain("Wählen Sie die Prämie für eine volle Karte.");
    expect(html).toContain("Geben Sie ein Datum als JJJJ-MM-TT ein");
    const en = await (await adminPost(cardsForm({ stampsEnabled: "on", stampsRequired: "5", stampRewardId: "no-such-reward" }))).text();
    expect(en).toContain("The reward &quot;no-such-reward&quot; is not in the catalog.");
    expect(await t.db.prisma.memberCards.findUnique({ where: { shop: TEST_SHOP } })).toEqual(before);
  });

  it("saves both cards, shows them again, and the member page shows a member's stamps", async () => {
    const res = await adminPost(cardsForm({ "percent.gold": "12", combinesWithOtherDiscounts: "on", stampsEnabled: "on", stampsRequired: "4", stampRewardId: "default-5-off", stampStartsOn: "2020-01-01" }));
    expect(res.status).toBe(200);
    const row = await t.db.prisma.memberCards.findUniqueOrThrow({ where: { shop: TEST_SHOP } });
    expect(row.settings).toEqual({
      discount: { percentOffByTier: { gold: 12 }, combinesWithOtherDiscounts: true },
      stamps: { enabled: true, stampsRequired: 4, rewardId: "default-5-off", startsAt: "2020-01-01T00:00:00.000Z" },
    });
    const page = await (await browserFetch(t.adminUrl("/app/rewards", { locale: "de" }))).text();
    expect(page).toContain("Mitgliedskarten");
    expect(page).toContain("Gold: Rabatt in Prozent");

    const c = await t.standin.createCustomer({ email: `page${Date.now()}@example.com` });
    await t.standin.createOrder({ customerId: c.id, lines: [{ sku: "MUG", quantity: 1, unitPriceMinor: 1_500 }] });
    await expect.poll(async () => (await orderStates(c.id)).length, { timeout: 30_000 }).toBe(1);
    const member = await t.db.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop: TEST_SHOP, customerId: String(c.id) } } });
    const memberPage = await (await browserFetch(t.adminUrl(`/app/members/${member.id}`))).text();
    expect(memberPage).toContain("1 of 4 stamps on the current card");
    await saveMemberCards(t.db.prisma, TEST_SHOP, { discount: { percentOffByTier: {}, combinesWithOtherDiscounts: false }, stamps: null });
  });
});
