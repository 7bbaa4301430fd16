// Spending points on a reward: POST /api/loyalty/redemptions.
//
// "No failure leaves points spent without a code or a code without its debit":
//  1. One transaction locks the member row, checks the spendable balance (cached balance on the locked
//     Member row + pending sum) and appends the debit and the Redemption row ("issuing"). Concurrent
//     redemptions queue on the row lock, so the balance never goes below zero. It is plain SQL on a pool
//     client (a buyer waits on it: no Prisma machinery, few round trips). An idempotency key already in the
//     ledger (the debit's key is `redeem:<idempotencyKey>`; the Redemption row holds its code and reward) is
//     answered from what it did instead, in a transaction of its own under the same lock.
//  2. Then the discount code is created with the Admin API (offline session). A throttled call waits as long
//     as Shopify's cost bucket needs (within a few seconds: a buyer is waiting); a failed or timed-out call is
//     retried with backoff, looking the code up first (a timed-out create may have been applied).
//     Success marks the Redemption "issued".
//  3. If the code cannot be created, the reversal entry gives the points back (in its own transaction) and
//     the Redemption is "returned".
// A crash between 1 and 3 leaves an "issuing" Redemption; a replay with the same key finishes the job, and
// the periodic sweep in redemption-lifecycle.server.ts does so for keys nobody replays.
import { randomBytes } from "node:crypto";
import type { Prisma, PrismaClient, Redemption } from "@prisma/client";
import { isUniqueViolation, sqlOf, sqlTransactionOn, type SqlStatements } from "~/db/connection.server";
import { ledgerKeys, type LedgerEntry } from "~/points/domain/ledger";
import { redemptionEntry, redemptionReversalEntry } from "~/points/domain/entries";
import type { Reward } from "~/rewards/domain/catalog";
import { redemptionCode } from "~/rewards/domain/codes";
import { redemptionDiscountInput } from "~/rewards/domain/discount-input";
import { REDEMPTION_DISCOUNT_CREATE_MUTATION } from "~/rewards/graphql/RedemptionDiscountCreate";
import { REDEMPTION_FREE_SHIPPING_CREATE_MUTATION } from "~/rewards/graphql/RedemptionFreeShippingCreate";
import { REDEMPTION_VARIANT_PRICE_QUERY } from "~/rewards/graphql/RedemptionVariantPrice";
import type {
  RedemptionDiscountCreateMutation,
  RedemptionFreeShippingCreateMutation,
  RedemptionVariantPriceQuery,
} from "~/types/admin.generated";
import { discountIdByCode, findOrCreateDiscountCode, type AdminCall } from "./discount-codes.server";
import { AdminApiError, buyerWaitingCalls, type AdminGraphql } from "~/shopify/admin-graphql.server";
import {
  appendIfUnchanged, appendLedgerEntry, balanceWithPending, ledgerEntryFromRow, lockMember, lockMemberOn, memberBalance, type Db,
} from "~/points/points-ledger.server";
import { findReward, STORED_REWARD_COLUMNS, storedRewardFromRow, type StoredRewardRow } from "./rewards-catalog.server";
import { deliverStoreCredit, storeCreditInput } from "~/rewards/store-credit.server";

/** How long a redemption code works. */
export const REDEMPTION_CODE_DAYS = 90;
const DAY_MS = 86_400_000;

export type RedemptionResult =
  /** A discount code, or (store credit) `code: null` and the amount credited to the member's store credit. */
  | { status: 201; body: { code: string | null; pointsSpent: number; balance: number; storeCredit?: { amount: string; currencyCode: string } } }
  /** Store credit whose answer from Shopify was lost: the points stay spent, the credit follows (never twice). */
  | { status: 202; body: { pending: { code: "STORE_CREDIT_PENDING"; message: string }; pointsSpent: number } }
  | { status: 404 | 409 | 503; body: { error: { code: string; message: string } } };

export interface RedemptionOptions {
  /** Admin API client for the shop (offline session); called only once the debit is committed. */
  adminFor: (shop: string) => Promise<AdminGraphql>;
  now?: Date;
  /** Attempts at creating the code after errors other than THROTTLED; waits `backoffMs` × 2^n between them. */
  attempts?: number;
  backoffMs?: number;
  /**
   * THROTTLED calls are retried after the wait Shopify's cost extension asks for, as long as the wait ends
   * within this many ms of the first call; past it the points go back (503) rather than keep a buyer waiting.
   */
  throttleBudgetMs?: number;
  /** Told each wait for Shopify's rate limit (the route reports their sum in Server-Timing). */
  onThrottleWait?: (ms: number) => void;
  /** An Admin API call taking longer counts as failed (its work may still be applied; the retry looks first). */
  callTimeoutMs?: number;
  /** The code was drawn by this request (not a replay or repair): nothing can have created it yet. */
  freshCode?: boolean;
  /** Optimistic attempts before the member's row lock is taken (default 3; tests give 0 to take it at once). */
  optimisticAttempts?: number;
}

const error = (status: 404 | 409 | 503, code: string, message: string): RedemptionResult => ({ status, body: { error: { code, message } } });

/** Thrown while creating a code for a reward that can't be given now; nothing was sent to Shopify. */
class RewardUnavailableError extends Error {}
const UNAVAILABLE_MESSAGE = "This reward is not available at the moment. Your points were not spent; please choose another reward.";
const NOT_ISSUED_MESSAGE = "The discount code could not be created right now. Your points were returned; please try again later.";

type Prepared =
  | { kind: "answer"; result: RedemptionResult }
  | { kind: "issue"; redemption: Redemption; balanceAfter: number | null };

export async function redeemReward(
  prisma: PrismaClient,
  input: { shop: string; customerGid: string; rewardId: string; idempotencyKey: string },
  options: RedemptionOptions,
): Promise<RedemptionResult> {
  const now = options.now ?? new Date();
  const customerId = /^gid:\/\/shopify\/Customer\/(\d+)$/.exec(input.customerGid)?.[1];
  if (!customerId) return error(409, "NOT_A_CUSTOMER", "The session token does not name a customer.");
  const key = ledgerKeys.redeem(input.idempotencyKey);
  // Optimistic first: one read, one write that applies only if the member's row is still as read (two round
  // trips, no transaction held open). A write that lost a race reads again; after a few, under the row lock.
  let prepared: Prepared | { kind: "replay" } | null = null;
  const optimistic = options.optimisticAttempts ?? OPTIMISTIC_ATTEMPTS;
  for (let attempt = 0; prepared === null; attempt++) {
    if (attempt >= optimistic + 3) throw new Error(`redemption ${input.idempotencyKey} for ${input.shop}: the member's row kept changing`);
    prepared =
      attempt < optimistic
        ? await tryRedemption(sqlOf(prisma), prisma, input, customerId, key, now)
        : await sqlTransactionOn(prisma, async (sql) => {
            await lockMemberOn(sql, input.shop, customerId, { seenAt: now });
            return tryRedemption(sql, prisma, input, customerId, key, now);
          });
  }
  // The key was used before: this member's replay, or someone else's key.
  if (prepared.kind === "replay") prepared = await prisma.$transaction((tx) => prepareReplay(tx, input, customerId, key, now));
  if (prepared.kind === "answer") return prepared.result;

  const { redemption, balanceAfter } = prepared;
  const outcome = redemption.status === "issuing" ? await finishRedemption(prisma, redemption, { ...options, freshCode: balanceAfter !== null }) : "issued";
  if (outcome === "unconfirmed") {
    return {
      status: 202,
      body: {
        pending: { code: "STORE_CREDIT_PENDING", message: "Shopify has not confirmed the store credit yet. It will be added within a few minutes, once; no need to try again." },
        pointsSpent: redemption.pointsCost,
      },
    };
  }
  if (outcome !== "issued") {
    // Unreachable or refused: the buyer is waiting, so the points go back now (the sweep is for crashes).
    await giveBackRedemption(prisma, redemption, "not-issued", new Date());
    if (outcome === "unavailable") return error(409, "REWARD_UNAVAILABLE", UNAVAILABLE_MESSAGE);
    return error(503, "CODE_NOT_ISSUED", NOT_ISSUED_MESSAGE);
  }
  // A new redemption knows its balance from the debit's transaction; a replay asks again.
  let balance = balanceAfter;
  if (balance === null) balance = (await memberBalance(prisma, await prisma.member.findUniqueOrThrow({ where: { id: redemption.memberId } }))).balance;
  const delivered = redemption.reward as unknown as Reward;
  if (delivered.kind === "store-credit") {
    const { creditAmount } = storeCreditInput(delivered, redemption.createdAt);
    return { status: 201, body: { code: null, pointsSpent: redemption.pointsCost, balance, storeCredit: creditAmount } };
  }
  return { status: 201, body: { code: redemption.code, pointsSpent: redemption.pointsCost, balance } };
}

/** Optimistic attempts before a redemption takes the member's row lock (each lost race means another won). */
const OPTIMISTIC_ATTEMPTS = 3;

/**
 * One attempt at a new redemption: reads the shop, the reward and the member's spendable balance in one
 * statement, decides, and writes the debit and the Redemption row in one statement if the member's row is
 * still as read (appendIfUnchanged). Null: it changed meanwhile (or the code or key was taken): try again.
 */
async function tryRedemption(
  sql: SqlStatements,
  prisma: PrismaClient,
  input: { shop: string; rewardId: string; idempotencyKey: string },
  customerId: string,
  key: string,
  now: Date,
): Promise<Prepared | { kind: "replay" } | null> {
  const [row] = await sql.query<StoredRewardRow & {
    currency: string | null; uninstalled: boolean; memberId: string | null; entryCount: number; points: number;
    lifetimeEarned: number; lifetimeRedeemed: number; expired: number; notYet: string | null; keyTaken: boolean;
  }>(
    `SELECT s."currency", s."uninstalledAt" IS NOT NULL AS "uninstalled",
            ${STORED_REWARD_COLUMNS("r")},
            m."id"::text AS "memberId", m."entryCount", m."points", m."lifetimeEarned", m."lifetimeRedeemed", m."expired",
            (SELECT SUM(e."points")::text FROM "LedgerEntry" e WHERE e."shop" = s."domain" AND e."memberId" = m."id" AND e."availableAt" > $4::timestamp(3)) AS "notYet",
            EXISTS (SELECT 1 FROM "LedgerEntry" k WHERE k."shop" = s."domain" AND k."idempotencyKey" = $5) AS "keyTaken"
       FROM "Shop" s
       LEFT JOIN "Reward" r ON r."shop" = s."domain" AND r."id" = $2
       LEFT JOIN "Member" m ON m."shop" = s."domain" AND m."customerId" = $3
      WHERE s."domain" = $1`,
    [input.shop, input.rewardId, customerId, now.toISOString(), key],
  );
  if (!row || row.uninstalled) return { kind: "answer", result: error(404, "SHOP_NOT_INSTALLED", "Treue is not installed in this shop") };
  if (!row.currency) return { kind: "answer", result: error(503, "SHOP_NOT_READY", "The shop's currency is not known yet; please try again later.") };
  // No such reward yet: the shop's first use writes the default catalog.
  const stored = storedRewardFromRow(row) ?? (await findReward(prisma, input.shop, row.currency, input.rewardId));
  if (!stored) return { kind: "answer", result: error(404, "REWARD_NOT_FOUND", `There is no reward "${input.rewardId}".`) };
  const reward = stored.reward;
  // The key was used before: this member's replay, or someone else's key.
  if (row.keyTaken) return { kind: "replay" };
  if (!stored.enabled) {
    return { kind: "answer", result: error(409, "REWARD_DISABLED", `"${reward.title}" is no longer available.`) };
  }
  const balance = row.memberId === null ? 0 : balanceWithPending(row, Number(row.notYet ?? 0)).balance;
  if (!(Number.isSafeInteger(reward.pointsCost) && reward.pointsCost > 0 && balance >= reward.pointsCost) || row.memberId === null) {
    return { kind: "answer", result: error(409, "INSUFFICIENT_POINTS", `"${reward.title}" costs ${reward.pointsCost} points; you do not have enough spendable points.`) };
  }
  const memberId = BigInt(row.memberId);
  const code = redemptionCode((n) => randomBytes(n));
  const debit: LedgerEntry = { ...redemptionEntry({ customerId, redemptionId: input.idempotencyKey, points: reward.pointsCost, at: now }), reason: code };
  const redemption = newRedemption(input.shop, memberId, customerId, input.idempotencyKey, reward, code, now);
  try {
    const written = await appendIfUnchanged(sql, input.shop, { id: memberId, entryCount: row.entryCount, points: row.points }, debit, (first) =>
      redemptionInsert(first, redemption, "FROM changed"),
    );
    return written ? { kind: "issue", redemption, balanceAfter: balance - reward.pointsCost } : null;
  } catch (e) {
    // The key, taken meanwhile by another member's request, or (once in ~10^12) the code: read again.
    if (isUniqueViolation(e)) return null;
    throw e;
  }
}

/** A redemption whose idempotency key is in the ledger already: answered from what that key did. */
async function prepareReplay(tx: Db, input: { shop: string; rewardId: string; idempotencyKey: string }, customerId: string, key: string, now: Date): Promise<Prepared> {
  const memberId = await lockMember(tx, input.shop, customerId, { seenAt: now });
  const earlierRow = await tx.ledgerEntry.findUnique({ where: { shop_idempotencyKey: { shop: input.shop, idempotencyKey: key } } });
  const earlier = earlierRow && ledgerEntryFromRow(earlierRow);
  if (!earlier || earlier.customerId !== customerId || earlier.kind !== "redeem") {
    return { kind: "answer", result: error(409, "IDEMPOTENCY_KEY_REUSED", "This idempotency key was already used for another request.") };
  }
  const redemption = await tx.redemption.findUnique({ where: { shop_idempotencyKey: { shop: input.shop, idempotencyKey: input.idempotencyKey } } });
  const reversed = await tx.ledgerEntry.findUnique({ where: { shop_idempotencyKey: { shop: input.shop, idempotencyKey: ledgerKeys.redeemReversal(input.idempotencyKey) } } });
  if (reversed || redemption?.status === "returned") {
    return redemption?.returnReason === "expired"
      ? { kind: "answer", result: error(409, "CODE_EXPIRED", "This redemption's code expired unused; its points were returned.") }
      : { kind: "answer", result: error(503, "CODE_NOT_ISSUED", NOT_ISSUED_MESSAGE) };
  }
  // The same redemption again: answer with its code (finishing it if an earlier attempt died midway).
  // A debit from before Redemption rows existed gets one now, for the reward asked for.
  if (redemption) return { kind: "issue", redemption, balanceAfter: null };
  const shopRow = await tx.shop.findUniqueOrThrow({ where: { domain: input.shop }, select: { currency: true } });
  const stored = await findReward(tx, input.shop, shopRow.currency ?? "", input.rewardId);
  if (!stored) return { kind: "answer", result: error(404, "REWARD_NOT_FOUND", `There is no reward "${input.rewardId}".`) };
  const legacy = newRedemption(input.shop, memberId, customerId, input.idempotencyKey, stored.reward, earlier.reason!, earlier.at);
  const insert = redemptionInsert(1, legacy, "");
  await sqlOf(tx).execute(insert.sql, insert.params);
  return { kind: "issue", redemption: legacy, balanceAfter: null };
}

/** The Redemption row of a new debit ("issuing"). */
function newRedemption(shop: string, memberId: bigint, customerId: string, idempotencyKey: string, reward: Reward, code: string, at: Date): Redemption {
  return {
    shop,
    idempotencyKey,
    memberId,
    customerId,
    rewardId: reward.id,
    reward: reward as unknown as Prisma.JsonValue,
    pointsCost: reward.pointsCost,
    code,
    status: "issuing",
    createdAt: at,
    expiresAt: new Date(at.getTime() + REDEMPTION_CODE_DAYS * DAY_MS),
    issuedAt: null,
    redeemedAt: null,
    orderId: null,
    returnedAt: null,
    returnReason: null,
    creditSentAt: null,
    creditTransactionId: null,
  };
}

/** INSERT of a new Redemption row, its parameters numbered from `first`, selected `source` (e.g. "FROM changed"). */
function redemptionInsert(first: number, r: Redemption, source: string): { sql: string; params: unknown[] } {
  const p = (i: number, cast = "") => `$${first + i}${cast}`;
  return {
    sql: `INSERT INTO "Redemption" ("shop", "idempotencyKey", "memberId", "customerId", "rewardId", "reward", "pointsCost", "code", "status", "createdAt", "expiresAt")
          SELECT ${p(0)}, ${p(1)}, ${p(2, "::bigint")}, ${p(3)}, ${p(4)}, ${p(5, "::jsonb")}, ${p(6, "::int")}, ${p(7)}, ${p(8)}, ${p(9, "::timestamp(3)")}, ${p(10, "::timestamp(3)")} ${source}`,
    params: [r.shop, r.idempotencyKey, String(r.memberId), r.customerId, r.rewardId, JSON.stringify(r.reward), r.pointsCost, r.code, r.status, r.createdAt.toISOString(), r.expiresAt.toISOString()],
  };
}

/**
 * Creates (or finds) the code of an "issuing" redemption and marks it issued. "unreachable": Shopify did not
 * answer, the code may or may not exist; "refused": Shopify rejected the input, retrying cannot help.
 */
export async function finishRedemption(prisma: PrismaClient, redemption: Redemption, options: RedemptionOptions): Promise<IssueOutcome> {
  if ((redemption.reward as unknown as Reward).kind === "store-credit") {
    return deliverStoreCredit(prisma, redemption, {
      adminFor: options.adminFor,
      callTimeoutMs: options.callTimeoutMs,
      throttleBudgetMs: options.throttleBudgetMs,
      onThrottleWait: options.onThrottleWait,
      ...(options.now ? { now: () => options.now! } : {}),
    });
  }
  const outcome = await issueCode(
    redemption.shop,
    `gid://shopify/Customer/${redemption.customerId}`,
    redemption.reward as unknown as Reward,
    redemption.code,
    redemption.createdAt,
    redemption.expiresAt,
    options,
  );
  if (outcome === "issued") {
    await sqlOf(prisma).execute(
      `UPDATE "Redemption" SET "status" = 'issued', "issuedAt" = $3::timestamp(3) WHERE "shop" = $1 AND "idempotencyKey" = $2 AND "status" = 'issuing'`,
      [redemption.shop, redemption.idempotencyKey, new Date().toISOString()],
    );
  }
  return outcome;
}

/**
 * Gives a redemption's points back, exactly once: the status change is conditional (only from "issuing" or
 * "issued", never from "redeemed") and the reversal's ledger key is unique. False when it was not ours to
 * give back (already returned, or used on an order).
 */
export async function giveBackRedemption(prisma: PrismaClient, redemption: Pick<Redemption, "shop" | "idempotencyKey" | "customerId" | "pointsCost" | "createdAt">, reason: "not-issued" | "expired" | "repair" | "revoked", now: Date): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const memberId = await lockMember(tx, redemption.shop, redemption.customerId, { seenAt: redemption.createdAt });
    const { count } = await tx.redemption.updateMany({
      where: { shop: redemption.shop, idempotencyKey: redemption.idempotencyKey, status: { in: ["issuing", "issued"] } },
      data: { status: "returned", returnedAt: now, returnReason: reason },
    });
    if (count === 0) return false;
    // A stamp card reward cost no points (member-cards.server.ts): nothing goes back, only the status changes.
    if (redemption.pointsCost === 0) return true;
    const debit = redemptionEntry({ customerId: redemption.customerId, redemptionId: redemption.idempotencyKey, points: redemption.pointsCost, at: redemption.createdAt });
    const posted = await appendLedgerEntry(tx, redemption.shop, memberId, redemptionReversalEntry(debit, now));
    return posted.outcome === "posted";
  });
}

/** "unconfirmed" (store credit only): sent, answer lost; the repair job finishes it, never crediting twice. */
/** "unavailable": the reward can't be given now (a free product whose variant is gone or costs nothing). */
export type IssueOutcome = "issued" | "refused" | "unavailable" | "unreachable" | "unconfirmed";

/** Creates the code (or finds it already created). */
async function issueCode(shop: string, customerGid: string, reward: Reward, code: string, at: Date, endsAt: Date, options: RedemptionOptions): Promise<IssueOutcome> {
  const attempts = options.attempts ?? 4;
  const backoffMs = options.backoffMs ?? 250;
  const discount = { reward, customerId: customerGid, code, startsAt: at, endsAt };
  // Checked before anything is sent (a free product's input is complete only once its price is known).
  if (reward.kind !== "free-product") redemptionDiscountInput(discount);
  // One budget for all throttle waits of this redemption, however many calls it takes.
  const run = buyerWaitingCalls(shop, options);
  let graphql: AdminGraphql | null = null;
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, backoffMs * 2 ** (attempt - 1)));
    try {
      graphql ??= await options.adminFor(shop);
      const call: AdminCall = (document, vars) => run(graphql!, document, vars);
      // A replay, a repair, or a retry after a create that failed late (timeout), may find the code already
      // there. A code drawn by this very request can't exist yet: its first create skips the look-up (one
      // Admin call instead of two on the common path). "Code taken" by a concurrent replay of the same
      // redemption is success, hence the look-up after a refusal.
      const issue = await findOrCreateDiscountCode(
        call,
        code,
        async () => {
          let unitPrice: string | undefined;
          if (reward.kind === "free-product") {
            // One unit free: its price today. A variant deleted or free since the reward was set up can't be given.
            const variant = (await call<RedemptionVariantPriceQuery>(REDEMPTION_VARIANT_PRICE_QUERY, { id: reward.productVariantId })).productVariant;
            if (!variant || !/[1-9]/.test(variant.price)) {
              throw new RewardUnavailableError(`product variant ${reward.productVariantId} ${variant ? "costs nothing" : "does not exist"}`);
            }
            unitPrice = variant.price;
          }
          const { mutation, variables } = redemptionDiscountInput({ ...discount, unitPrice });
          return mutation === "discountCodeBasicCreate"
            ? (await call<RedemptionDiscountCreateMutation>(REDEMPTION_DISCOUNT_CREATE_MUTATION, variables)).discountCodeBasicCreate
            : (await call<RedemptionFreeShippingCreateMutation>(REDEMPTION_FREE_SHIPPING_CREATE_MUTATION, variables)).discountCodeFreeShippingCreate;
        },
        { lookFirst: !(options.freshCode && attempt === 0) },
      );
      if (issue.status !== "refused") return "issued";
      // Shopify refused the input: retrying the same input cannot help.
      console.error(`redemption ${code} for ${shop}: discount refused: ${issue.message}`);
      return "refused";
    } catch (err) {
      if (err instanceof RewardUnavailableError) {
        console.error(`redemption ${code} for ${shop}: reward unavailable: ${err.message}`);
        return "unavailable";
      }
      console.warn(`redemption ${code} for ${shop}: attempt ${attempt + 1} failed: ${(err as Error).message ?? String(err)}`);
      // Still throttled at the deadline: another attempt would be throttled too, or keep the buyer waiting.
      if (err instanceof AdminApiError && err.throttled) break;
      // 5xx, network error or timeout: retry, looking the code up first.
    }
  }
  // A create that timed out on the last attempt may still have been applied: look once more before giving up.
  try {
    const reached = graphql;
    if (reached && (await discountIdByCode((document, vars) => run(reached, document, vars), code))) return "issued";
  } catch {
    // Unreachable Shopify: give the points back (a late-applied code then exists without a debit; logged).
    console.error(`redemption ${code} for ${shop}: could not confirm the code is absent`);
  }
  return "unreachable";
}
