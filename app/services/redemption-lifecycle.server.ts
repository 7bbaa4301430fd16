// What happens to a redemption's code after the buyer got it:
//  - used on an order → "redeemed", from the orders/create and orders/updated webhooks (a used code is never
//    given back, also when the order is later cancelled or refunded: docs/decisions/006);
//  - expired unused → its points come back (the periodic job below, after a grace period for late webhooks,
//    and only once Shopify confirms the code was not used: a webhook can be later than any grace period);
//  - debited but never confirmed in Shopify (a crash between the debit and the code) → the same job finds
//    or creates the code, or gives the points back when Shopify refuses it.
// Every transition is a conditional status change plus, for give-backs, a unique ledger key: exactly once
// however often the job runs or a webhook is delivered.
import type { PrismaClient, WebhookEvent } from "@prisma/client";
import { redemptionCodesIn } from "~/domain/rewards/codes";
import { REDEMPTION_CODE_USAGE_QUERY } from "~/graphql/RedemptionCodeUsage";
import type { RedemptionCodeUsageQuery } from "~/types/admin.generated";
import { retryWhenThrottled, runAdminOperation, type AdminGraphql } from "./admin-graphql.server";
import type { Db } from "./points-ledger.server";
import { finishRedemption, giveBackRedemption, type RedemptionOptions } from "./redemptions.server";
import type { WebhookHandler } from "./webhook-worker.server";

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
  const data = await retryWhenThrottled(() => runAdminOperation<RedemptionCodeUsageQuery>(graphql, REDEMPTION_CODE_USAGE_QUERY, { code }), { maxAttempts: 4 });
  const discount = data.codeDiscountNodeByCode?.codeDiscount;
  if (!discount) return null;
  return "asyncUsageCount" in discount ? discount.asyncUsageCount : 0;
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
    if (uses !== null && uses > 0) {
      // Used, but no order webhook has told us which order yet (markRedemptionsUsed fills it in when one does).
      const { count } = await db.redemption.updateMany({
        where: { shop: redemption.shop, idempotencyKey: redemption.idempotencyKey, status: "issued" },
        data: { status: "redeemed", redeemedAt: now },
      });
      result.redeemed += count;
    } else if (await giveBackRedemption(db, redemption, "expired", now)) result.returned++;
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
      outcome = await finishRedemption(db, redemption, options);
    } catch (error) {
      console.warn(`redemption repair ${redemption.code} for ${redemption.shop}: ${(error as Error).message}`);
      continue;
    }
    if (outcome === "issued") issued++;
    else if (outcome === "refused" && (await giveBackRedemption(db, redemption, "repair", now))) returned++;
  }
  return { issued, returned };
}

/** The code lifecycle job: repair first (it may issue codes), then expiry give-backs (after asking Shopify). */
export function redemptionLifecycleJob(adminFor: (shop: string) => Promise<AdminGraphql>, options: Omit<RedemptionOptions, "adminFor"> = {}): PeriodicJob {
  return {
    name: "redemption-codes",
    everyMs: 60_000,
    async run(db, now) {
      await repairStuckRedemptions(db, now, { attempts: 2, backoffMs: 500, ...options, adminFor });
      await returnExpiredRedemptions(db, now, { adminFor });
    },
  };
}

/** The job as the app runs it, with the shop's offline session (loaded lazily: tests import this file). */
export const redemptionCodesJob: PeriodicJob = redemptionLifecycleJob(async (shop) => {
  const { unauthenticated } = await import("~/shopify.server");
  return (await unauthenticated.admin(shop)).admin.graphql;
});
