// What happens to a redemption's code after the buyer got it:
//  - used on an order → "redeemed", from the orders/create and orders/updated webhooks (a used code is never
//    given back, also when the order is later cancelled or refunded: docs/decisions/006);
//  - expired unused → its points come back (the periodic job below, after a grace period for late webhooks,
//    and only once Shopify confirms the code was not used: a webhook can be later than any grace period);
//  - debited but never confirmed in Shopify (a crash between the debit and the code) → the same job finds
//    or creates the code, or gives the points back when Shopify refuses it;
//  - bought with points a refund took back (the member's points fell below zero) → the same job ends the unused
//    code in Shopify and its points come back, newest codes first, until the member is no longer below zero.
// Every transition is a conditional status change plus, for give-backs, a unique ledger key: exactly once
// however often the job runs or a webhook is delivered.
import type { PrismaClient, WebhookEvent } from "@prisma/client";
import { redemptionCodesIn } from "~/rewards/domain/codes";
import { REDEMPTION_CODE_DEACTIVATE_MUTATION } from "~/rewards/graphql/RedemptionCodeDeactivate";
import { REDEMPTION_CODE_USAGE_QUERY } from "~/rewards/graphql/RedemptionCodeUsage";
import type { RedemptionCodeDeactivateMutation, RedemptionCodeUsageQuery } from "~/types/admin.generated";
import { retryWhenThrottled, runAdminOperation, type AdminGraphql } from "~/shopify/admin-graphql.server";
import type { Db } from "~/points/points-ledger.server";
import { finishRedemption, giveBackRedemption, type RedemptionOptions } from "./redemptions.server";
import type { WebhookHandler } from "~/webhooks/webhook-worker.server";
import { offlineAdminGraphql } from "~/shopify/offline-admin.server";

/** The runner's job shape (declared here so this file needs nothing from the runner). */
export interface PeriodicJob {
  name: string;
  everyMs: number;
  run(db: PrismaClient, now: Date): Promise<void>;
}

/** Orders placed just before a code expired may reach us late: wait this long before giving points back. */
export const EXPIRY_GRACE_MS = 24 * 3_600_000;
/** A redemption still "issuing" after this long was abandoned by its request (crash, deploy, lost connection). */
export const STUCK_AFTER_MS = 5 * 60_000;
/** Rows handled per run; the next run continues. */
const BATCH = 200;

// --- used on an order ---------------------------------------------------------------------------------

/**
 * Marks the order's redemption codes as redeemed. Decides from the payload in JS: an order without a code of
 * our shape (nearly all of them) makes no query. A duplicate or later delivery matches no "issuing"/"issued"
 * row and changes nothing; the first order to use a code keeps it.
 */
export async function markRedemptionsUsed(tx: Db, event: Pick<WebhookEvent, "shop" | "payload">, now = new Date()): Promise<number> {
  const payload = event.payload as { id?: unknown; discount_codes?: unknown } | null;
  const codes = redemptionCodesIn(payload?.discount_codes);
  if (codes.length === 0) return 0;
  const orderId = typeof payload?.id === "number" || typeof payload?.id === "string" ? String(payload.id) : null;
  const { count } = await tx.redemption.updateMany({
    where: { shop: event.shop, code: { in: codes }, status: { in: ["issuing", "issued"] } },
    data: { status: "redeemed", redeemedAt: now, orderId },
  });
  // A code the expiry job found used in Shopify before this (late) webhook came: it now learns its order.
  if (count < codes.length && orderId) {
    await tx.redemption.updateMany({ where: { shop: event.shop, code: { in: codes }, status: "redeemed", orderId: null }, data: { orderId } });
  }
  return count;
}

const markUsed: WebhookHandler = async (tx, event) => {
  await markRedemptionsUsed(tx, event);
};

export const redemptionSteps: Record<string, WebhookHandler[]> = {
  ORDERS_CREATE: [markUsed],
  ORDERS_UPDATED: [markUsed],
};

// --- the periodic job -----------------------------------------------------------------------------------

/** Shopify's count of orders that used the code; null when the code no longer exists there. */
async function shopifyUsageCount(graphql: AdminGraphql, code: string): Promise<number | null> {
  return (await shopifyCode(graphql, code))?.uses ?? null;
}

/** The code's discount in Shopify (its GID and use count); null when it no longer exists there. */
async function shopifyCode(graphql: AdminGraphql, code: string): Promise<{ id: string; uses: number } | null> {
  const data = await retryWhenThrottled(() => runAdminOperation<RedemptionCodeUsageQuery>(graphql, REDEMPTION_CODE_USAGE_QUERY, { code }), { maxAttempts: 4 });
  const node = data.codeDiscountNodeByCode;
  if (!node?.codeDiscount) return null;
  return { id: node.id, uses: "asyncUsageCount" in node.codeDiscount ? node.codeDiscount.asyncUsageCount : 0 };
}

/**
 * Shopify counted a use of an "issued" code, but no order webhook has told us which order yet
 * (markRedemptionsUsed fills it in when one does): redeemed, never given back. 1 when it changed.
 */
async function markUsedInShopify(db: PrismaClient, redemption: { shop: string; idempotencyKey: string }, now: Date): Promise<number> {
  const { count } = await db.redemption.updateMany({
    where: { shop: redemption.shop, idempotencyKey: redemption.idempotencyKey, status: "issued" },
    data: { status: "redeemed", redeemedAt: now },
  });
  return count;
}

/** Ends the code now; the use count as of then. Refusals other than "gone" throw (the next run tries again). */
async function deactivateCode(graphql: AdminGraphql, id: string): Promise<number | null> {
  const data = await retryWhenThrottled(
    () => runAdminOperation<RedemptionCodeDeactivateMutation>(graphql, REDEMPTION_CODE_DEACTIVATE_MUTATION, { id }),
    { maxAttempts: 4 },
  );
  const result = data.discountCodeDeactivate;
  const discount = result?.codeDiscountNode?.codeDiscount;
  if (discount) return "asyncUsageCount" in discount ? discount.asyncUsageCount : 0;
  const problems = result?.userErrors ?? [];
  // Deleted in Shopify meanwhile (by the merchant): nobody can use it any more.
  if (problems.length === 0 || problems.every((e) => /not exist|not found/i.test(e.message))) return null;
  throw new Error(`Shopify refused to deactivate the code: ${problems.map((e) => e.message).join("; ")}`);
}

/**
 * Codes that expired more than EXPIRY_GRACE_MS ago and are still "issued" (no order webhook said they were
 * used). Shopify is asked first: a code used in its last minutes whose order webhook is later than the grace
 * period (or lost) is marked redeemed, not given back. Unused (or deleted by the merchant) → the points come
 * back. Shopify unreachable → the redemption waits for the next run; nothing is given back on a guess.
 */
export async function returnExpiredRedemptions(
  db: PrismaClient,
  now: Date,
  options: { adminFor: (shop: string) => Promise<AdminGraphql> },
): Promise<{ returned: number; redeemed: number; unchecked: number }> {
  const due = await db.redemption.findMany({
    where: { status: "issued", expiresAt: { lte: new Date(now.getTime() - EXPIRY_GRACE_MS) } },
    orderBy: { expiresAt: "asc" },
    take: BATCH,
  });
  const clients = new Map<string, Promise<AdminGraphql>>();
  const result = { returned: 0, redeemed: 0, unchecked: 0 };
  for (const redemption of due) {
    let uses: number | null;
    try {
      if (!clients.has(redemption.shop)) clients.set(redemption.shop, options.adminFor(redemption.shop));
      uses = await shopifyUsageCount(await clients.get(redemption.shop)!, redemption.code);
    } catch (error) {
      console.warn(`expired redemption ${redemption.code} for ${redemption.shop}: could not ask Shopify whether it was used: ${(error as Error).message}`);
      result.unchecked++;
      continue;
    }
    if (uses !== null && uses > 0) result.redeemed += await markUsedInShopify(db, redemption, now);
    else if (await giveBackRedemption(db, redemption, "expired", now)) result.returned++;
  }
  return result;
}

/**
 * Finishes redemptions stuck in "issuing": finds or creates the code (the same code, so a concurrent replay
 * converges on it), or gives the points back when Shopify refuses the code. Unreachable Shopify: left for
 * the next run. An "issuing" redemption whose code would already have expired is given back without asking.
 */
export async function repairStuckRedemptions(db: PrismaClient, now: Date, options: RedemptionOptions): Promise<{ issued: number; returned: number }> {
  const stuck = await db.redemption.findMany({
    where: { status: "issuing", createdAt: { lte: new Date(now.getTime() - STUCK_AFTER_MS) } },
    orderBy: { createdAt: "asc" },
    take: BATCH,
  });
  let issued = 0;
  let returned = 0;
  for (const redemption of stuck) {
    if (redemption.expiresAt.getTime() <= now.getTime()) {
      if (await giveBackRedemption(db, redemption, "repair", now)) returned++;
      continue;
    }
    let outcome;
    try {
      outcome = await finishRedemption(db, redemption, { ...options, now });
    } catch (error) {
      console.warn(`redemption repair ${redemption.code} for ${redemption.shop}: ${(error as Error).message}`);
      continue;
    }
    if (outcome === "issued") issued++;
    else if ((outcome === "refused" || outcome === "unavailable") && (await giveBackRedemption(db, redemption, "repair", now))) returned++;
  }
  return { issued, returned };
}

// --- codes bought with points a refund took back ------------------------------------------------------------

/**
 * A refund after the pending period takes back points that may already have bought a code; the member's points
 * then fall below zero. Their unused codes (newest first, as many as cover the shortfall) are ended in Shopify
 * and their points come back, so the member owes nothing and holds no code paid for with points they no longer
 * have. The code is ended before its use count is read: a use counted by then means it was spent (marked
 * redeemed, nothing comes back); after it, no use is possible. Shopify unreachable → the next run tries again.
 */
export async function revokeCodesOfOverdrawnMembers(
  db: PrismaClient,
  now: Date,
  options: { adminFor: (shop: string) => Promise<AdminGraphql> },
): Promise<{ revoked: number; redeemed: number; unchecked: number }> {
  const overdrawn = await db.member.findMany({
    where: { points: { lt: 0 } },
    select: { shop: true, customerId: true, points: true },
    orderBy: [{ shop: "asc" }, { customerId: "asc" }],
    take: BATCH,
  });
  const clients = new Map<string, Promise<AdminGraphql>>();
  const result = { revoked: 0, redeemed: 0, unchecked: 0 };
  for (const member of overdrawn) {
    const codes = await db.redemption.findMany({
      where: { shop: member.shop, customerId: member.customerId, status: "issued", pointsCost: { gt: 0 }, expiresAt: { gt: now } },
      orderBy: [{ createdAt: "desc" }, { idempotencyKey: "desc" }],
    });
    let shortfall = -member.points;
    for (const redemption of codes) {
      if (shortfall <= 0) break;
      let uses: number | null;
      try {
        if (!clients.has(member.shop)) clients.set(member.shop, options.adminFor(member.shop));
        const graphql = await clients.get(member.shop)!;
        const found = await shopifyCode(graphql, redemption.code);
        uses = found && (await deactivateCode(graphql, found.id));
      } catch (error) {
        console.warn(`revoking redemption ${redemption.code} for ${member.shop}: ${(error as Error).message}`);
        result.unchecked++;
        continue;
      }
      if (uses !== null && uses > 0) {
        result.redeemed += await markUsedInShopify(db, redemption, now);
      } else if (await giveBackRedemption(db, redemption, "revoked", now)) {
        result.revoked++;
        shortfall -= redemption.pointsCost;
      }
    }
  }
  return result;
}

/** The code lifecycle job: repair first (it may issue codes), then expiry give-backs (after asking Shopify), then codes whose points a refund took back. */
export function redemptionLifecycleJob(adminFor: (shop: string) => Promise<AdminGraphql>, options: Omit<RedemptionOptions, "adminFor"> = {}): PeriodicJob {
  return {
    name: "redemption-codes",
    everyMs: 60_000,
    async run(db, now) {
      await repairStuckRedemptions(db, now, { attempts: 2, backoffMs: 500, ...options, adminFor });
      await returnExpiredRedemptions(db, now, { adminFor });
      await revokeCodesOfOverdrawnMembers(db, now, { adminFor });
    },
  };
}

/** The job as the app runs it, with the shop's offline session (loaded lazily: tests import this file). */
export const redemptionCodesJob: PeriodicJob = redemptionLifecycleJob(offlineAdminGraphql);
