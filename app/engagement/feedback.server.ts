// The thank-you after a member's first order and the feedback it asks for. The mail job queues one thank-you per
// first order, two days after it was placed (it has usually arrived by then; orders over five days old are not
// thanked late); the member's rating (1–5) and comment for that order are kept, one per order, changeable through
// the same link. The admin's e-mails page shows them; customers/redact erases them with the member's mail.
import type { PrismaClient } from "@prisma/client";
import { sqlOf } from "~/db/connection.server";
import type { Db } from "~/points/points-ledger.server";
import type { FeedbackInput } from "./domain/thank-you";
import type { FeedbackClaim } from "./domain/feedback-token";
import { queueMails } from "./member-events.server";

const DAY_MS = 86_400_000;
/** A first order is thanked this long after it was placed… */
export const THANK_YOU_AFTER_MS = 2 * DAY_MS;
/** …and not once it is older than this. */
const THANK_YOU_UNTIL_MS = 5 * DAY_MS;

const iso = (d: Date) => d.toISOString().slice(0, 23);

/** A thank-you for every member's first order placed between five and two days ago that has none yet. */
export async function queueThankYouMails(prisma: PrismaClient, now: Date): Promise<string[]> {
  return queueMails(
    prisma,
    {
      kind: "thank-you",
      shop: 'l."shop"',
      customerId: 'l."customerId"',
      eventKey: `'thank-you:' || l."orderId"`,
      locale: `COALESCE(o."newest"->>'locale', '')`,
      data: `jsonb_build_object('orderId', l."orderId", 'orderName', o."newest"->>'name')`,
      from: `FROM "LedgerEntry" l
       JOIN "Shop" s ON s."domain" = l."shop" AND s."uninstalledAt" IS NULL
       LEFT JOIN "OrderPoints" o ON o."shop" = l."shop" AND o."orderId" = l."orderId"
      WHERE l."kind" = 'earn' AND l."at" >= $1::timestamp(3) AND l."orderCreatedAt" > $1::timestamp(3) AND l."orderCreatedAt" <= $2::timestamp(3)
        -- The member's first order: no earlier one earned points, none is in the shop's history. Shopify's created_at
        -- has whole seconds, so two orders of one second are told apart by which came first (entry id, order id).
        AND NOT EXISTS (SELECT 1 FROM "LedgerEntry" e WHERE e."shop" = l."shop" AND e."memberId" = l."memberId" AND e."kind" = 'earn'
                          AND (e."orderCreatedAt" < l."orderCreatedAt" OR (e."orderCreatedAt" = l."orderCreatedAt" AND e."id" < l."id")))
        AND NOT EXISTS (SELECT 1 FROM "HistoryOrder" h WHERE h."shop" = l."shop" AND l."customerId" ~ '^[0-9]{1,18}$' AND h."customerId" = l."customerId"::bigint
                          AND (h."createdAt" < l."orderCreatedAt"
                               OR (h."createdAt" = l."orderCreatedAt" AND l."orderId" ~ '^[0-9]{1,18}$' AND h."id" < l."orderId"::bigint)))`,
      orderBy: 'l."id"',
    },
    [iso(new Date(now.getTime() - THANK_YOU_UNTIL_MS)), iso(new Date(now.getTime() - THANK_YOU_AFTER_MS))],
  );
}

/** The member's answer for the order of the link, kept once per order (a second answer replaces the first). */
export async function saveFeedback(prisma: PrismaClient, claim: FeedbackClaim, input: FeedbackInput): Promise<void> {
  const data = { customerId: claim.customerId, orderName: claim.orderName, rating: input.rating, comment: input.comment, locale: claim.locale, updatedAt: new Date() };
  await prisma.orderFeedback.upsert({
    where: { shop_orderId: { shop: claim.shop, orderId: claim.orderId } },
    create: { shop: claim.shop, orderId: claim.orderId, ...data },
    update: data,
  });
}

export async function feedbackFor(prisma: PrismaClient, claim: FeedbackClaim) {
  return prisma.orderFeedback.findUnique({ where: { shop_orderId: { shop: claim.shop, orderId: claim.orderId } } });
}

/** The last `days` days' answers: how many, their average rating, and the newest few with what they said. */
export async function feedbackSummary(prisma: PrismaClient, shop: string, now = new Date(), days = 90, take = 5) {
  const since = new Date(now.getTime() - days * DAY_MS);
  const [totals, latest] = await Promise.all([
    prisma.orderFeedback.aggregate({ where: { shop, updatedAt: { gt: since } }, _count: { _all: true }, _avg: { rating: true } }),
    prisma.orderFeedback.findMany({ where: { shop, updatedAt: { gt: since } }, orderBy: { updatedAt: "desc" }, take }),
  ]);
  return {
    count: totals._count._all,
    average: totals._avg.rating,
    latest: latest.map((f) => ({ orderName: f.orderName, rating: f.rating, comment: f.comment, at: f.updatedAt.toISOString() })),
  };
}

/** A member's answers, newest first (their admin page). */
export async function feedbackOfMember(prisma: PrismaClient, shop: string, customerId: string, take = 10) {
  const rows = await prisma.orderFeedback.findMany({ where: { shop, customerId }, orderBy: { updatedAt: "desc" }, take });
  return rows.map((f) => ({ orderName: f.orderName, rating: f.rating, comment: f.comment, at: f.updatedAt.toISOString() }));
}

/** customers/redact: the customer's answers go with their mail records. */
export async function eraseCustomerFeedback(tx: Db, shop: string, customerId: string): Promise<void> {
  await sqlOf(tx).execute(`DELETE FROM "OrderFeedback" WHERE "shop" = $1 AND "customerId" = $2`, [shop, customerId]);
}
