// Spending points on a reward: POST /api/loyalty/redemptions.
//
// "No failure leaves points spent without a code or a code without its debit":
//  1. One transaction locks the member row, replays an earlier answer for the same idempotency key (the
//     debit's ledger key is `redeem:<idempotencyKey>` and its `reason` holds the code), checks the spendable
//     balance and appends the debit. Concurrent redemptions queue on the row lock, so the balance never
//     goes below zero.
//  2. Then the discount code is created with the Admin API (offline session). A throttled, failed or timed-out
//     call is retried with backoff, looking the code up first (a timed-out create may have been applied).
//  3. If the code cannot be created, the reversal entry gives the points back (in its own transaction).
// A crash between 1 and 3 leaves a debit without a code; a replay with the same key finishes the job.
import { randomBytes } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { canRedeem, ledgerKeys, redemptionEntry, redemptionReversalEntry, type LedgerEntry } from "~/domain/points/ledger";
import { defaultRewardCatalog, type Reward } from "~/domain/rewards/catalog";
import { redemptionCode } from "~/domain/rewards/codes";
import { redemptionDiscountInput } from "~/domain/rewards/discount-input";
import { REDEMPTION_DISCOUNT_BY_CODE_QUERY } from "~/graphql/RedemptionDiscountByCode";
import { REDEMPTION_DISCOUNT_CREATE_MUTATION } from "~/graphql/RedemptionDiscountCreate";
import { REDEMPTION_FREE_SHIPPING_CREATE_MUTATION } from "~/graphql/RedemptionFreeShippingCreate";
import type {
  RedemptionDiscountByCodeQuery,
  RedemptionDiscountCreateMutation,
  RedemptionFreeShippingCreateMutation,
} from "~/types/admin.generated";
import { runAdminOperation, type AdminGraphql } from "./admin-graphql.server";
import { appendLedgerEntry, ledgerEntryFromRow, lockMember, memberBalance } from "./points-ledger.server";

/** How long a redemption code works. */
export const REDEMPTION_CODE_DAYS = 90;
const DAY_MS = 86_400_000;

export type RedemptionResult =
  | { status: 201; body: { code: string; pointsSpent: number; balance: number } }
  | { status: 404 | 409 | 503; body: { error: { code: string; message: string } } };

export interface RedemptionOptions {
  /** Admin API client for the shop (offline session); called only once the debit is committed. */
  adminFor: (shop: string) => Promise<AdminGraphql>;
  now?: Date;
  /** Attempts at creating the code; waits `backoffMs` × 2^n between them. */
  attempts?: number;
  backoffMs?: number;
  /** An Admin API call taking longer counts as failed (its work may still be applied; the retry looks first). */
  callTimeoutMs?: number;
}

const error = (status: 404 | 409 | 503, code: string, message: string): RedemptionResult => ({ status, body: { error: { code, message } } });

const NOT_ISSUED_MESSAGE = "The discount code could not be created right now. Your points were returned; please try again later.";

type Prepared =
  | { kind: "answer"; result: RedemptionResult }
  | { kind: "issue"; debit: LedgerEntry; reward: Reward; memberId: bigint };

export async function redeemReward(
  prisma: PrismaClient,
  input: { shop: string; customerGid: string; rewardId: string; idempotencyKey: string },
  options: RedemptionOptions,
): Promise<RedemptionResult> {
  const now = options.now ?? new Date();
  const customerId = /^gid:\/\/shopify\/Customer\/(\d+)$/.exec(input.customerGid)?.[1];
  if (!customerId) return error(409, "NOT_A_CUSTOMER", "The session token does not name a customer.");
  const shopRow = await prisma.shop.findUnique({ where: { domain: input.shop }, select: { currency: true, uninstalledAt: true } });
  if (!shopRow || shopRow.uninstalledAt) return error(404, "SHOP_NOT_INSTALLED", "Treue is not installed in this shop");
  if (!shopRow.currency) return error(503, "SHOP_NOT_READY", "The shop's currency is not known yet; please try again later.");
  const reward = defaultRewardCatalog(shopRow.currency).find((r) => r.id === input.rewardId);
  if (!reward) return error(404, "REWARD_NOT_FOUND", `There is no reward "${input.rewardId}".`);

  const key = ledgerKeys.redeem(input.idempotencyKey);
  const prepared = await prisma.$transaction(async (tx): Promise<Prepared> => {
    const memberId = await lockMember(tx, input.shop, customerId, { seenAt: now });
    const rows = await tx.ledgerEntry.findMany({ where: { shop: input.shop, memberId }, orderBy: { id: "asc" } });
    const entries = rows.map(ledgerEntryFromRow);
    const earlier = entries.find((e) => e.key === key) ?? (await otherMembersEntry(tx, input.shop, key));
    if (earlier) {
      if (earlier.customerId !== customerId || earlier.kind !== "redeem") {
        return { kind: "answer", result: error(409, "IDEMPOTENCY_KEY_REUSED", "This idempotency key was already used for another request.") };
      }
      if (entries.some((e) => e.key === ledgerKeys.redeemReversal(input.idempotencyKey))) {
        return { kind: "answer", result: error(503, "CODE_NOT_ISSUED", NOT_ISSUED_MESSAGE) };
      }
      // The same redemption again: answer with its code (finishing it if an earlier attempt died midway).
      return { kind: "issue", debit: earlier, reward: rewardOfDebit(earlier, reward), memberId };
    }
    if (!canRedeem(entries, reward.pointsCost, now)) {
      return { kind: "answer", result: error(409, "INSUFFICIENT_POINTS", `"${reward.title}" costs ${reward.pointsCost} points; you do not have enough spendable points.`) };
    }
    const code = redemptionCode((n) => randomBytes(n));
    const debit: LedgerEntry = { ...redemptionEntry({ customerId, redemptionId: input.idempotencyKey, points: reward.pointsCost, at: now }), reason: code };
    await appendLedgerEntry(tx, input.shop, memberId, debit);
    return { kind: "issue", debit, reward, memberId };
  });
  if (prepared.kind === "answer") return prepared.result;

  const { debit, memberId } = prepared;
  const code = debit.reason!;
  const issued = await issueCode(input.shop, input.customerGid, prepared.reward, code, debit.at, options);
  if (!issued) {
    await prisma.$transaction(async (tx) => {
      await lockMember(tx, input.shop, customerId, { seenAt: now });
      await appendLedgerEntry(tx, input.shop, memberId, redemptionReversalEntry(debit, new Date()));
    });
    return error(503, "CODE_NOT_ISSUED", NOT_ISSUED_MESSAGE);
  }
  const member = await prisma.member.findUniqueOrThrow({ where: { id: memberId } });
  const { balance } = await memberBalance(prisma, member);
  return { status: 201, body: { code, pointsSpent: -debit.points, balance } };
}

async function otherMembersEntry(tx: Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0], shop: string, key: string) {
  const row = await tx.ledgerEntry.findUnique({ where: { shop_idempotencyKey: { shop, idempotencyKey: key } } });
  return row ? ledgerEntryFromRow(row) : null;
}

// Until rewards have their own table the debit does not name its reward; the catalog has one reward per cost.
function rewardOfDebit(_debit: LedgerEntry, requested: Reward): Reward {
  return requested;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Creates the code (or finds it already created); false when Shopify could not be reached or refused it. */
async function issueCode(shop: string, customerGid: string, reward: Reward, code: string, at: Date, options: RedemptionOptions): Promise<boolean> {
  const attempts = options.attempts ?? 4;
  const backoffMs = options.backoffMs ?? 250;
  const { mutation, variables } = redemptionDiscountInput({ reward, customerId: customerGid, code, startsAt: at, endsAt: new Date(at.getTime() + REDEMPTION_CODE_DAYS * DAY_MS) });
  const timeoutMs = options.callTimeoutMs ?? 8000;
  const run = <T>(graphql: AdminGraphql, document: string, vars: Record<string, unknown>) => withTimeout(runAdminOperation<T>(graphql, document, vars), timeoutMs);
  let graphql: AdminGraphql | null = null;
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, backoffMs * 2 ** (attempt - 1)));
    try {
      graphql ??= await options.adminFor(shop);
      // A replay, or a retry after a create that failed late (timeout), may find the code already there.
      const found = await run<RedemptionDiscountByCodeQuery>(graphql, REDEMPTION_DISCOUNT_BY_CODE_QUERY, { code });
      if (found.codeDiscountNodeByCode) return true;
      const userErrors =
        mutation === "discountCodeBasicCreate"
          ? (await run<RedemptionDiscountCreateMutation>(graphql, REDEMPTION_DISCOUNT_CREATE_MUTATION, variables)).discountCodeBasicCreate?.userErrors
          : (await run<RedemptionFreeShippingCreateMutation>(graphql, REDEMPTION_FREE_SHIPPING_CREATE_MUTATION, variables)).discountCodeFreeShippingCreate?.userErrors;
      if (!userErrors || userErrors.length === 0) return true;
      // "Code taken" by a concurrent replay of the same redemption is success.
      const again = await run<RedemptionDiscountByCodeQuery>(graphql, REDEMPTION_DISCOUNT_BY_CODE_QUERY, { code });
      if (again.codeDiscountNodeByCode) return true;
      // Shopify refused the input: retrying the same input cannot help.
      console.error(`redemption ${code} for ${shop}: discount refused: ${userErrors.map((e) => e.message).join("; ")}`);
      return false;
    } catch (err) {
      // Throttled, 5xx, network error or timeout: retry, looking the code up first.
      console.warn(`redemption ${code} for ${shop}: attempt ${attempt + 1} failed: ${(err as Error).message ?? String(err)}`);
    }
  }
  // A create that timed out on the last attempt may still have been applied: look once more before giving up.
  try {
    if (graphql) {
      const found = await run<RedemptionDiscountByCodeQuery>(graphql, REDEMPTION_DISCOUNT_BY_CODE_QUERY, { code });
      if (found.codeDiscountNodeByCode) return true;
    }
  } catch {
    // Unreachable Shopify: give the points back (a late-applied code then exists without a debit; logged).
    console.error(`redemption ${code} for ${shop}: could not confirm the code is absent before returning the points`);
  }
  return false;
}
