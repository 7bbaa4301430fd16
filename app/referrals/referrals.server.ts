// Referrals: each member's code and link (a Shopify discount for the friend), attribution of friends' orders
// from the order webhooks with the fraud rules, and the shop's referral settings.
//
// The code is stored first (unique per shop; collisions retried with the domain's next candidate), then the
// friend's discount is created with the Admin API outside any transaction, looking the code up first so a
// create that timed out after it was applied is found instead of doubled. Until the discount exists the
// member gets no link (the next GET /api/loyalty tries again).
import { randomBytes } from "node:crypto";
import { Prisma, type PrismaClient, type WebhookEvent } from "@prisma/client";
import { restIdOf } from "~/shopify/domain/rest-id";
import { sqlOf } from "~/db/connection.server";
import { addressFrom, customerOrderOf, friendOrderFacts, referralCodesInOrder, utcMonth, friendDiscountInput, type FriendOrderFacts } from "~/referrals/domain/attribution";
import { DEFAULT_REFERRAL_WINDOW_DAYS } from "~/referrals/domain/advocate-reward";
import { referralCodeCandidates, referralLink } from "~/referrals/domain/codes";
import { assessReferral, type PostalAddress, type ReferralParty } from "~/referrals/domain/fraud";
import { deletedDiscountId, findOrCreateDiscountCode, type AdminCall } from "~/rewards/discount-codes.server";
import { REFERRAL_DISCOUNT_CREATE_MUTATION } from "~/referrals/graphql/ReferralDiscountCreate";
import type { ReferralDiscountCreateMutation } from "~/types/admin.generated";
import { runAdminOperation, type AdminGraphql } from "~/shopify/admin-graphql.server";
import type { Db } from "~/points/points-ledger.server";
import { UnusablePayloadError, type BatchWebhookStep, type WebhookHandler, type WebhookStep } from "~/webhooks/webhook-worker.server";

// --- settings ------------------------------------------------------------------------------------------

export interface ReferralTerms {
  /** Points the advocate earns per rewarded referral. */
  advocatePoints: number;
  /** The friend's discount on their first order, whole percent. */
  friendPercentOff: number;
  /** Days the friend's order must stay unrefunded before the advocate is credited. */
  windowDays: number;
  /** Most referrals per advocate and calendar month (UTC); null = no cap. */
  monthlyCap: number | null;
}

export const DEFAULT_REFERRAL_TERMS: ReferralTerms = { advocatePoints: 500, friendPercentOff: 10, windowDays: DEFAULT_REFERRAL_WINDOW_DAYS, monthlyCap: 10 };

export async function loadReferralTerms(db: Db, shop: string): Promise<ReferralTerms> {
  const row = await db.referralSettings.findUnique({ where: { shop } });
  return row ? { advocatePoints: row.advocatePoints, friendPercentOff: row.friendPercentOff, windowDays: row.windowDays, monthlyCap: row.monthlyCap } : DEFAULT_REFERRAL_TERMS;
}

/** Why terms can't be saved, one message per field; empty when they can. */
export function referralTermsProblems(t: ReferralTerms): Partial<Record<keyof ReferralTerms, string>> {
  const problems: Partial<Record<keyof ReferralTerms, string>> = {};
  const whole = (n: number, min: number, max: number) => Number.isSafeInteger(n) && n >= min && n <= max;
  if (!whole(t.advocatePoints, 1, 1_000_000)) problems.advocatePoints = "1–1,000,000";
  if (!whole(t.friendPercentOff, 1, 100)) problems.friendPercentOff = "1–100";
  if (!whole(t.windowDays, 0, 365)) problems.windowDays = "0–365";
  if (t.monthlyCap !== null && !whole(t.monthlyCap, 1, 10_000)) problems.monthlyCap = "1–10,000";
  return problems;
}

export async function saveReferralTerms(db: Db, shop: string, t: ReferralTerms): Promise<void> {
  await db.referralSettings.upsert({ where: { shop }, create: { shop, ...t }, update: t });
}

// --- codes -----------------------------------------------------------------------------------------------

export interface AdvocateFacts {
  firstName?: string | null;
  email?: string | null;
  phone?: string | null;
  address?: PostalAddress | null;
}

/**
 * The member's referral code, created if they have none (inside the caller's transaction or alone).
 * Inserts skip conflicts on either unique key, so a taken code never aborts the transaction; a code
 * another request gave this customer meanwhile wins.
 */
export async function ensureReferralCode(db: Db, shop: string, customerId: string, facts: AdvocateFacts = {}): Promise<string> {
  const existing = await db.referralCode.findUnique({ where: { shop_customerId: { shop, customerId } }, select: { code: true } });
  if (existing) return existing.code;
  const contact = { email: facts.email ?? null, phone: facts.phone ?? null, address: facts.address ? (facts.address as Prisma.InputJsonValue) : Prisma.DbNull };
  for (const code of referralCodeCandidates({ randomBytes: (n) => randomBytes(n), firstName: facts.firstName })) {
    const { count } = await db.referralCode.createMany({ data: [{ shop, customerId, code, ...contact }], skipDuplicates: true });
    if (count === 1) return code;
    const mine = await db.referralCode.findUnique({ where: { shop_customerId: { shop, customerId } }, select: { code: true } });
    if (mine) return mine.code;
  }
  throw new Error(`no free referral code for customer ${customerId} in ${shop} after 20 attempts`);
}

export interface ReferralLinkOptions {
  adminFor: (shop: string) => Promise<AdminGraphql>;
  attempts?: number;
  backoffMs?: number;
}

/**
 * The member's code and link for GET /api/loyalty, creating both on first request. Null when the friend's
 * discount could not be created in Shopify yet (the link would not work).
 */
export async function referralLinkFor(prisma: PrismaClient, shop: string, customerId: string, options: ReferralLinkOptions): Promise<{ code: string; url: string } | null> {
  let row = await prisma.referralCode.findUnique({ where: { shop_customerId: { shop, customerId } } });
  if (!row) {
    const member = await prisma.member.findUnique({ where: { shop_customerId: { shop, customerId } }, select: { firstName: true, email: true } });
    await ensureReferralCode(prisma, shop, customerId, { firstName: member?.firstName, email: member?.email });
    row = await prisma.referralCode.findUniqueOrThrow({ where: { shop_customerId: { shop, customerId } } });
  }
  if (!row.discountId) {
    const terms = await loadReferralTerms(prisma, shop);
    const discountId = await createFriendDiscount(shop, row.code, terms.friendPercentOff, options);
    if (!discountId) return null;
    await prisma.referralCode.update({ where: { shop_customerId: { shop, customerId } }, data: { discountId } });
  }
  return { code: row.code, url: referralLink(shop, row.code, "discount") };
}

/** The discount's GID, found or created; null when Shopify refused it or stayed unreachable. */
async function createFriendDiscount(shop: string, code: string, percentOff: number, options: ReferralLinkOptions): Promise<string | null> {
  const attempts = options.attempts ?? 3;
  const backoffMs = options.backoffMs ?? 200;
  let graphql: AdminGraphql | null = null;
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, backoffMs * 2 ** (attempt - 1)));
    try {
      graphql ??= await options.adminFor(shop);
      const admin = graphql;
      const call: AdminCall = (document, vars) => runAdminOperation(admin, document, vars);
      // "Code taken" by a concurrent request for the same member is success (found on the look-up after it).
      const issue = await findOrCreateDiscountCode(call, code, async () =>
        (await call<ReferralDiscountCreateMutation>(REFERRAL_DISCOUNT_CREATE_MUTATION, { ...friendDiscountInput({ code, percentOff, startsAt: new Date() }) })).discountCodeBasicCreate,
      );
      if (issue.status !== "refused") return issue.id;
      console.error(`referral code ${code} for ${shop}: discount refused: ${issue.message}`);
      return null;
    } catch (err) {
      console.warn(`referral code ${code} for ${shop}: attempt ${attempt + 1} failed: ${(err as Error).message ?? String(err)}`);
    }
  }
  return null;
}

// --- attribution from order webhooks ----------------------------------------------------------------------

type CodeRow = { customerId: string; code: string; email: string | null; phone: string | null; address: unknown };

/**
 * orders/create, orders/updated, orders/cancelled: records the referral the first time an order with a
 * member's code is seen (blocked with the rule's reason, or pending), and keeps its payment, cancellation
 * and refund facts current afterwards. Facts only ever get added (paid, cancelled, refunded don't un-happen),
 * so any delivery order and any repeat leads to the same row.
 */
export async function attributeReferral(tx: Db, event: Pick<WebhookEvent, "shop" | "payload">): Promise<void> {
  const codes = referralCodesInOrder(event.payload);
  if (codes.length === 0) return; // most orders: no query at all
  const facts = friendOrderFacts(event.payload);
  if (!facts) throw new UnusablePayloadError("an order with a referral code but without id, created_at or updated_at");
  const shop = event.shop;

  // The advocate's code row is locked so the monthly cap counts each of their referrals once.
  const advocates = await tx.$queryRaw<CodeRow[]>`
    SELECT "customerId", "code", "email", "phone", "address" FROM "ReferralCode"
    WHERE "shop" = ${shop} AND "code" IN (${Prisma.join(codes)}) ORDER BY "code" LIMIT 1 FOR UPDATE`;
  const advocate = advocates[0];
  if (!advocate) return; // looked like a referral code but is a merchant's own code

  const existing = await tx.$queryRaw<{ id: bigint }[]>`SELECT "id" FROM "Referral" WHERE "shop" = ${shop} AND "orderId" = ${facts.orderId} FOR UPDATE`;
  if (existing.length === 0) {
    const assessment = await assess(tx, shop, advocate, facts);
    const { count } = await tx.referral.createMany({
      data: [
        {
          shop,
          orderId: facts.orderId,
          orderName: facts.orderName,
          code: advocate.code,
          advocateCustomerId: advocate.customerId,
          friendCustomerId: facts.friend.customerId ?? null,
          status: assessment.ok ? "pending" : "blocked",
          blockReason: assessment.ok ? null : assessment.reason,
          orderPlacedAt: facts.placedAt,
          orderUpdatedAt: facts.updatedAt,
          paidAt: facts.paidAt,
          cancelledAt: facts.cancelledAt,
          fullyRefundedAt: facts.fullyRefundedAt,
        },
      ],
      skipDuplicates: true,
    });
    if (count === 1) return;
  }
  await addOrderFacts(tx, shop, facts);
}

/**
 * orders/delete (the payload is the order id only): a friend's order deleted in Shopify counts as cancelled at
 * the deletion, so the advocate's reward for it is handled as for a cancellation (a pending one is voided).
 */
export async function cancelReferralOfDeletedOrder(tx: Db, event: Pick<WebhookEvent, "shop" | "payload" | "triggeredAt" | "receivedAt">): Promise<void> {
  const orderId = restIdOf((event.payload as { id?: unknown }).id);
  if (!orderId) throw new UnusablePayloadError("orders/delete without an order id");
  const at = (event.triggeredAt ?? event.receivedAt).toISOString();
  await tx.$executeRaw`
    UPDATE "Referral" SET "cancelledAt" = COALESCE("cancelledAt", ${at}::timestamp(3)), "orderUpdatedAt" = GREATEST("orderUpdatedAt", ${at}::timestamp(3))
     WHERE "shop" = ${event.shop} AND "orderId" = ${orderId}`;
}

async function addOrderFacts(tx: Db, shop: string, facts: FriendOrderFacts): Promise<void> {
  const row = await tx.referral.findUniqueOrThrow({ where: { shop_orderId: { shop, orderId: facts.orderId } } });
  const paidAt = row.paidAt ?? facts.paidAt;
  const cancelledAt = row.cancelledAt ?? facts.cancelledAt;
  const fullyRefundedAt = row.fullyRefundedAt ?? facts.fullyRefundedAt;
  const orderUpdatedAt = facts.updatedAt > row.orderUpdatedAt ? facts.updatedAt : row.orderUpdatedAt;
  const same = (a: Date | null, b: Date | null) => (a?.getTime() ?? null) === (b?.getTime() ?? null);
  if (same(paidAt, row.paidAt) && same(cancelledAt, row.cancelledAt) && same(fullyRefundedAt, row.fullyRefundedAt) && same(orderUpdatedAt, row.orderUpdatedAt)) return;
  await tx.referral.update({ where: { id: row.id }, data: { paidAt, cancelledAt, fullyRefundedAt, orderUpdatedAt } });
}

async function assess(tx: Db, shop: string, advocate: CodeRow, facts: FriendOrderFacts) {
  const member = await tx.member.findUnique({ where: { shop_customerId: { shop, customerId: advocate.customerId } }, select: { email: true } });
  const advocateParty: ReferralParty = {
    customerId: advocate.customerId,
    email: advocate.email ?? member?.email ?? null,
    phone: advocate.phone,
    shippingAddress: addressFrom(advocate.address) ?? (advocate.address as PostalAddress | null),
  };
  const friendId = facts.friend.customerId;
  const existingCustomer = friendId ? await hasEarlierOrder(tx, shop, friendId, facts) : false;
  const terms = await loadReferralTerms(tx, shop);
  const [monthStart, monthEnd] = utcMonth(facts.placedAt);
  const thisMonth = await tx.referral.count({
    where: { shop, advocateCustomerId: advocate.customerId, status: { in: ["pending", "credited"] }, orderPlacedAt: { gte: monthStart, lt: monthEnd } },
  });
  return assessReferral({ advocate: advocateParty, friend: facts.friend, existingCustomer, advocateReferralsThisMonth: thisMonth, cap: terms.monthlyCap });
}

/**
 * An earlier non-cancelled order of the customer (imported history or an earlier webhook) makes them an
 * existing customer. Order times have whole seconds, so within one second the lower (older) order id is
 * the earlier order (the rule of `placedBefore`).
 */
export async function hasEarlierOrder(tx: Db, shop: string, customerId: string, order: { placedAt: Date; orderId: string }): Promise<boolean> {
  const at = Prisma.sql`${order.placedAt.toISOString()}::timestamp(3)`;
  const earlier = await tx.$queryRaw<{ one: number }[]>`
    SELECT 1 AS "one" FROM "HistoryOrder" WHERE "shop" = ${shop} AND "customerId" = ${BigInt(customerId)}
      AND ("createdAt" < ${at} OR ("createdAt" = ${at} AND "id" < ${BigInt(order.orderId)})) AND "cancelledAt" IS NULL LIMIT 1`;
  return earlier.length > 0;
}

/**
 * orders/*: the friend's EARLIER order may be delivered after the referred order (webhooks come in any order),
 * when the referral was already recorded as pending. Its arrival blocks those later pending referrals as
 * "existing-customer", before the advocate job can credit them. One statement per run of events; an order
 * without a customer, or cancelled, makes nobody an existing customer. (The advocate job checks the order
 * history once more before crediting, for earlier orders that arrive by the history import instead.)
 */
async function blockReferralsOfExistingCustomers(tx: Db, events: Pick<WebhookEvent, "shop" | "payload">[]): Promise<void> {
  const orders = events.flatMap((e) => {
    const order = customerOrderOf(e.payload);
    return order ? [{ shop: e.shop, ...order }] : [];
  });
  if (orders.length === 0) return;
  await sqlOf(tx).execute(
    `UPDATE "Referral" r SET "status" = 'blocked', "blockReason" = 'existing-customer'
       FROM unnest($1::text[], $2::text[], $3::timestamp(3)[], $4::bigint[]) AS o("shop", "customerId", "placedAt", "orderId")
      WHERE r."status" = 'pending' AND r."shop" = o."shop" AND r."friendCustomerId" = o."customerId"
        AND (o."placedAt" < r."orderPlacedAt" OR (o."placedAt" = r."orderPlacedAt" AND o."orderId" < r."orderId"::bigint))`,
    [orders.map((o) => o.shop), orders.map((o) => o.customerId), orders.map((o) => o.placedAt.toISOString()), orders.map((o) => o.orderId)],
  );
}

export const existingCustomerRecheck: BatchWebhookStep = {
  one: (tx, event) => blockReferralsOfExistingCustomers(tx, [event]),
  many: blockReferralsOfExistingCustomers,
};

/** customers/create: the new member gets their code at once, with the contact details the fraud rules compare. */
export async function createReferralCodeForNewMember(tx: Db, event: Pick<WebhookEvent, "shop" | "payload">): Promise<void> {
  const p = event.payload as { id?: unknown; first_name?: unknown; email?: unknown; phone?: unknown; default_address?: unknown };
  const id = restIdOf(p.id);
  if (!id) return; // the points step parks a customer without id
  const text = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : null);
  const facts = { firstName: text(p.first_name), email: text(p.email), phone: text(p.phone), address: addressFrom(p.default_address) };
  await ensureReferralCode(tx, event.shop, id, facts);
  // A GET /api/loyalty before this webhook may have created the code without contact details: add them.
  await tx.referralCode.updateMany({
    where: { shop: event.shop, customerId: id },
    data: {
      ...(facts.email ? { email: facts.email } : {}),
      ...(facts.phone ? { phone: facts.phone } : {}),
      ...(facts.address ? { address: facts.address as Prisma.InputJsonValue } : {}),
    },
  });
}

/**
 * customers/redact: the advocate's contact details go, and so does their code, which is made from their first
 * name: it is replaced by one that names nobody (the referrals, ids only, stay for the figures). The friend
 * discount in Shopify with the old code is left to expire with the customer's deletion there.
 */
export async function eraseReferralContactData(tx: Db, event: Pick<WebhookEvent, "shop" | "payload">): Promise<void> {
  const id = (event.payload as { customer?: { id?: unknown } }).customer?.id;
  if (typeof id !== "number" && typeof id !== "string") throw new UnusablePayloadError("customers/redact without customer.id");
  await tx.referralCode.updateMany({
    where: { shop: event.shop, customerId: String(id) },
    data: { email: null, phone: null, address: Prisma.DbNull, code: `REDACTED-${id}` },
  });
}

/** shop/redact: everything the referral program stored for the shop. */
export async function eraseShopReferrals(tx: Db, event: Pick<WebhookEvent, "shop">): Promise<void> {
  await tx.referral.deleteMany({ where: { shop: event.shop } });
  await tx.referralCode.deleteMany({ where: { shop: event.shop } });
  await tx.referralSettings.deleteMany({ where: { shop: event.shop } });
}

/** discounts/delete: a friend discount deleted in Shopify is created again (same code) on the next link request. */
async function forgetDeletedFriendDiscount(tx: Db, event: Pick<WebhookEvent, "shop" | "payload">): Promise<void> {
  const discountId = deletedDiscountId(event.payload);
  if (discountId) await tx.referralCode.updateMany({ where: { shop: event.shop, discountId }, data: { discountId: null } });
}

export const referralSteps: Record<string, WebhookStep[]> = {
  DISCOUNTS_DELETE: [forgetDeletedFriendDiscount],
  ORDERS_CREATE: [existingCustomerRecheck, attributeReferral],
  ORDERS_UPDATED: [existingCustomerRecheck, attributeReferral],
  ORDERS_CANCELLED: [existingCustomerRecheck, attributeReferral],
  ORDERS_DELETE: [cancelReferralOfDeletedOrder],
  CUSTOMERS_CREATE: [createReferralCodeForNewMember],
  CUSTOMERS_REDACT: [eraseReferralContactData],
  SHOP_REDACT: [eraseShopReferrals],
};

// --- admin -----------------------------------------------------------------------------------------------

export interface ReferralRow {
  id: string;
  orderId: string;
  orderName: string | null;
  code: string;
  advocateCustomerId: string;
  friendCustomerId: string | null;
  status: string;
  blockReason: string | null;
  voidReason: string | null;
  orderPlacedAt: string;
  creditedAt: string | null;
  points: number | null;
}

export interface ReferralOverview {
  referrals: ReferralRow[];
  counts: Record<"pending" | "blocked" | "credited" | "void", number>;
  /** Orders from referred customers / all orders (issue 5's referral rate), over the shop's order history. */
  referralRate: { referredOrders: number; orders: number; rate: number | null };
}

/**
 * The referrals page: the newest referrals and the referral rate. A referred customer is the friend of a
 * referral that was not blocked; their orders count from the referred order on.
 */
export async function referralOverview(prisma: PrismaClient, shop: string, limit = 100): Promise<ReferralOverview> {
  const rows = await prisma.referral.findMany({ where: { shop }, orderBy: { id: "desc" }, take: limit });
  const grouped = await prisma.referral.groupBy({ by: ["status"], where: { shop }, _count: { _all: true } });
  const counts = { pending: 0, blocked: 0, credited: 0, void: 0 };
  for (const g of grouped) if (g.status in counts) counts[g.status as keyof typeof counts] = g._count._all;
  const [rate] = await prisma.$queryRaw<{ orders: bigint; referred: bigint }[]>`
    WITH referred AS (
      SELECT "friendCustomerId"::bigint AS "customerId", MIN("orderPlacedAt") AS "since" FROM "Referral"
      WHERE "shop" = ${shop} AND "status" <> 'blocked' AND "friendCustomerId" IS NOT NULL GROUP BY 1)
    SELECT COUNT(*)::bigint AS "orders", COUNT(r."customerId")::bigint AS "referred"
    FROM "HistoryOrder" o LEFT JOIN referred r ON r."customerId" = o."customerId" AND o."createdAt" >= r."since"
    WHERE o."shop" = ${shop}`;
  const orders = Number(rate?.orders ?? 0);
  const referredOrders = Number(rate?.referred ?? 0);
  return {
    referrals: rows.map((r) => ({
      id: String(r.id),
      orderId: r.orderId,
      orderName: r.orderName,
      code: r.code,
      advocateCustomerId: r.advocateCustomerId,
      friendCustomerId: r.friendCustomerId,
      status: r.status,
      blockReason: r.blockReason,
      voidReason: r.voidReason,
      orderPlacedAt: r.orderPlacedAt.toISOString(),
      creditedAt: r.creditedAt?.toISOString() ?? null,
      points: r.points,
    })),
    counts,
    referralRate: { referredOrders, orders, rate: orders > 0 ? referredOrders / orders : null },
  };
}
