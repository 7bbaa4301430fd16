// Delivering a store credit reward: the points were debited (redemptions.server.ts), now the amount is credited
// to the member's Shopify store credit account, exactly once.
//
// Shopify's storeCreditAccountCredit takes no idempotency key, and a credit carries no reference of ours. So:
//  - Before each send the redemption records `creditSentAt`. A send whose answer was lost (a timeout, a dropped
//    connection, a 5xx) may still be applied by Shopify afterwards: nothing is sent again until SEND_SETTLED_MS
//    after the last send, and then only if the credit is not there.
//  - "There" means: a credit transaction of exactly this amount and currency on the member's account, created
//    since the redemption began, that no other redemption has claimed. A redemption claims its transaction in
//    the database (unique per shop), so two redemptions of the same amount never take the same credit: every
//    credit Shopify made is claimed by exactly one redemption, and every redemption by at most one credit.
//  - Refused by Shopify (userErrors): nothing was credited, the caller gives the points back. Throttled until
//    the buyer's wait is used up: not sent, the same. Lost answer: "unconfirmed": the points stay spent, the
//    redemption stays "issuing", and the repair job (redemption-lifecycle.server.ts) finishes it once the
//    send has settled, finding the credit or sending again.
// A merchant's own credit of the same amount in the same minutes could be taken for ours; that shopper would
// then get one credit instead of two. The ledger and the Redemption row name which transaction was claimed.
import { Prisma, type PrismaClient, type Redemption } from "@prisma/client";
import { formatMinor, parseMinor } from "~/points/domain/money";
import type { Reward } from "~/rewards/domain/catalog";
import { STORE_CREDIT_RECENT_CREDITS_QUERY } from "~/rewards/graphql/StoreCreditRecentCredits";
import { STORE_CREDIT_REDEMPTION_CREDIT_MUTATION } from "~/rewards/graphql/StoreCreditRedemptionCredit";
import type { StoreCreditRecentCreditsQuery, StoreCreditRedemptionCreditMutation } from "~/types/admin.generated";
import { AdminApiError, buyerWaitingCalls, type AdminGraphql } from "~/shopify/admin-graphql.server";

/** Longer than Shopify works on any request: a send older than this was applied or never will be. */
export const SEND_SETTLED_MS = 5 * 60_000;
/** Credits made this long before the redemption began still count as its own (clocks differ). */
const CLOCK_SKEW_MS = 2 * 60_000;

export type StoreCreditReward = Extract<Reward, { kind: "store-credit" }>;

export type CreditOutcome = "issued" | "refused" | "unreachable" | "unconfirmed";

export interface CreditOptions {
  adminFor: (shop: string) => Promise<AdminGraphql>;
  /** An Admin call taking longer counts as lost (it may still be applied). */
  callTimeoutMs?: number;
  /** THROTTLED calls wait as long as Shopify asks, until this many ms after the first call. */
  throttleBudgetMs?: number;
  onThrottleWait?: (ms: number) => void;
  now?: () => Date;
}

interface Credit {
  id: string;
  amountMinor: number;
  currency: string;
  createdAt: Date;
}

/** What the store credit of `reward` is, as Shopify's MoneyInput and its expiry. */
export function storeCreditInput(reward: StoreCreditReward, at: Date): { creditAmount: { amount: string; currencyCode: string }; expiresAt?: string } {
  return {
    creditAmount: { amount: formatMinor(reward.credit.amountMinor, reward.credit.currency), currencyCode: reward.credit.currency },
    ...(reward.expiresInDays ? { expiresAt: new Date(at.getTime() + reward.expiresInDays * 86_400_000).toISOString() } : {}),
  };
}

/** Credits the redemption's store credit (or finds it credited) and marks the redemption redeemed. */
export async function deliverStoreCredit(prisma: PrismaClient, redemption: Redemption, options: CreditOptions): Promise<CreditOutcome> {
  const reward = redemption.reward as unknown as StoreCreditReward;
  const now = options.now ?? (() => new Date());
  const customerGid = `gid://shopify/Customer/${redemption.customerId}`;
  const call = buyerWaitingCalls(redemption.shop, options);

  let graphql: AdminGraphql;
  try {
    graphql = await options.adminFor(redemption.shop);
  } catch (error) {
    console.warn(`store credit ${redemption.idempotencyKey} for ${redemption.shop}: no Admin API client: ${(error as Error).message}`);
    return redemption.creditSentAt ? "unconfirmed" : "unreachable";
  }

  // An earlier send (a replay, the repair job, or this request's own lost answer): is its credit there?
  const sentBefore = await prisma.redemption.findUnique({
    where: { shop_idempotencyKey: { shop: redemption.shop, idempotencyKey: redemption.idempotencyKey } },
    select: { creditSentAt: true, status: true, creditTransactionId: true },
  });
  if (sentBefore && sentBefore.status !== "issuing") return sentBefore.status === "redeemed" ? "issued" : "refused";
  if (sentBefore?.creditSentAt) {
    let found: "claimed" | "none";
    try {
      found = await claimEarlierCredit(prisma, graphql, call, redemption, reward, customerGid);
    } catch (error) {
      console.warn(`store credit ${redemption.idempotencyKey} for ${redemption.shop}: could not look for the earlier credit: ${(error as Error).message}`);
      return "unconfirmed";
    }
    if (found === "claimed") return "issued";
    // Not there, but the earlier send may still be applied: wait until it has settled before sending again.
    if (now().getTime() - sentBefore.creditSentAt.getTime() < SEND_SETTLED_MS) return "unconfirmed";
  }

  // Record the send first: whatever happens to the answer, nobody sends again before it has settled.
  const sentAt = now();
  const { count } = await prisma.redemption.updateMany({
    where: {
      shop: redemption.shop,
      idempotencyKey: redemption.idempotencyKey,
      status: "issuing",
      creditSentAt: sentBefore?.creditSentAt ?? null,
    },
    data: { creditSentAt: sentAt },
  });
  // Another request or the job sent it meanwhile: it finishes the redemption.
  if (count === 0) return "unconfirmed";

  let answer: StoreCreditRedemptionCreditMutation["storeCreditAccountCredit"];
  try {
    answer = (
      await call<StoreCreditRedemptionCreditMutation>(graphql, STORE_CREDIT_REDEMPTION_CREDIT_MUTATION, {
        id: customerGid,
        creditInput: storeCreditInput(reward, redemption.createdAt),
      })
    ).storeCreditAccountCredit;
  } catch (error) {
    if (error instanceof AdminApiError && error.throttled) {
      // Shopify did not run it: nothing was credited. The send is taken back so a retry may send at once.
      await prisma.redemption.updateMany({
        where: { shop: redemption.shop, idempotencyKey: redemption.idempotencyKey, status: "issuing", creditSentAt: sentAt },
        data: { creditSentAt: sentBefore?.creditSentAt ?? null },
      });
      return "unreachable";
    }
    console.warn(`store credit ${redemption.idempotencyKey} for ${redemption.shop}: the answer was lost: ${(error as Error).message}`);
    return "unconfirmed";
  }
  const transaction = answer?.storeCreditAccountTransaction;
  if (!transaction) {
    const problems = (answer?.userErrors ?? []).map((e) => `${e.code ?? ""} ${e.message}`.trim()).join("; ") || "no transaction in the answer";
    console.error(`store credit ${redemption.idempotencyKey} for ${redemption.shop}: Shopify refused the credit: ${problems}`);
    return "refused";
  }
  if (await claim(prisma, redemption, transaction.id)) return "issued";
  // A redemption of the same amount took this transaction for its own lost one; ours is then the one it left.
  try {
    return (await claimEarlierCredit(prisma, graphql, call, redemption, reward, customerGid)) === "claimed" ? "issued" : "unconfirmed";
  } catch {
    return "unconfirmed";
  }
}

/** Claims the oldest unclaimed credit that can be this redemption's; "none" when there is none. */
async function claimEarlierCredit(
  prisma: PrismaClient,
  graphql: AdminGraphql,
  call: <T>(graphql: AdminGraphql, document: string, variables: Record<string, unknown>) => Promise<T>,
  redemption: Redemption,
  reward: StoreCreditReward,
  customerGid: string,
): Promise<"claimed" | "none"> {
  const currency = reward.credit.currency;
  const data = await call<StoreCreditRecentCreditsQuery>(graphql, STORE_CREDIT_RECENT_CREDITS_QUERY, {
    customerId: customerGid,
    accountQuery: `currency_code:${currency}`,
  });
  const since = redemption.createdAt.getTime() - CLOCK_SKEW_MS;
  const credits: Credit[] = [];
  for (const t of data.customer?.storeCreditAccounts.nodes[0]?.transactions.nodes ?? []) {
    if (t.__typename !== "StoreCreditAccountCreditTransaction") continue;
    const amountMinor = parseMinor(t.amount.amount, t.amount.currencyCode);
    const createdAt = new Date(t.createdAt as string);
    if (amountMinor === reward.credit.amountMinor && t.amount.currencyCode === currency && createdAt.getTime() >= since) {
      credits.push({ id: t.id, amountMinor, currency, createdAt });
    }
  }
  if (credits.length === 0) return "none";
  const taken = new Set(
    (await prisma.redemption.findMany({ where: { shop: redemption.shop, creditTransactionId: { in: credits.map((c) => c.id) } }, select: { creditTransactionId: true } })).map(
      (r) => r.creditTransactionId,
    ),
  );
  for (const credit of credits.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1))) {
    if (taken.has(credit.id)) continue;
    if (await claim(prisma, redemption, credit.id)) return "claimed";
  }
  return "none";
}

/** Marks the redemption redeemed by this credit transaction; false when another redemption has it. */
async function claim(prisma: PrismaClient, redemption: Redemption, transactionId: string): Promise<boolean> {
  try {
    const { count } = await prisma.redemption.updateMany({
      where: { shop: redemption.shop, idempotencyKey: redemption.idempotencyKey, status: "issuing" },
      data: { status: "redeemed", redeemedAt: new Date(), issuedAt: new Date(), creditTransactionId: transactionId },
    });
    if (count === 1) return true;
    // Finished meanwhile (another request, the job): by this transaction, or by another one.
    const row = await prisma.redemption.findUnique({ where: { shop_idempotencyKey: { shop: redemption.shop, idempotencyKey: redemption.idempotencyKey } } });
    return row?.status === "redeemed";
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return false;
    throw error;
  }
}
