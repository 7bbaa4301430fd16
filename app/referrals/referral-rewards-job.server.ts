// The periodic job that credits advocates: once a referred friend's order is paid and has not been refunded
// or cancelled within the window, the advocate's referral bonus is appended to the ledger (idempotency key
// `referral:<friend>`, so a rerun, a second worker or a second referral of the same friend posts nothing).
// A refund or cancellation inside the window voids the referral instead.
import type { PrismaClient } from "@prisma/client";
import { ledgerKeys, type LedgerEntry } from "~/points/domain/ledger";
import { advocateRewardStatus } from "~/referrals/domain/advocate-reward";
import { appendLedgerEntry, lockMember } from "~/points/points-ledger.server";
import { hasEarlierOrder, loadReferralTerms, type ReferralTerms } from "./referrals.server";

/** The shape the periodic-job runner registers (declared here so this file does not depend on it). */
export interface PeriodicJob {
  name: string;
  everyMs: number;
  run(db: PrismaClient, now: Date): Promise<void>;
}

const BATCH = 200;

/** Decides every pending referral as of `now`; each referral in its own transaction. */
export async function creditReferralAdvocates(db: PrismaClient, now: Date): Promise<{ credited: number; voided: number; blocked: number }> {
  const termsByShop = new Map<string, ReferralTerms>();
  let credited = 0;
  let voided = 0;
  let blocked = 0;
  let afterId = -1n;
  for (;;) {
    const batch = await db.referral.findMany({
      where: { status: "pending", id: { gt: afterId } },
      orderBy: { id: "asc" },
      take: BATCH,
      select: { id: true, shop: true },
    });
    if (batch.length === 0) break;
    afterId = batch[batch.length - 1]!.id;
    for (const { id, shop } of batch) {
      let terms = termsByShop.get(shop);
      if (!terms) termsByShop.set(shop, (terms = await loadReferralTerms(db, shop)));
      const outcome = await decideReferral(db, id, terms, now);
      if (outcome === "credited") credited++;
      if (outcome === "void") voided++;
      if (outcome === "blocked") blocked++;
    }
  }
  return { credited, voided, blocked };
}

async function decideReferral(db: PrismaClient, id: bigint, terms: ReferralTerms, now: Date): Promise<"credited" | "void" | "blocked" | "waiting"> {
  return db.$transaction(async (tx) => {
    // Locked and re-read: a webhook adding a refund, or another run, waits for this decision or sees it.
    await tx.$queryRaw`SELECT 1 FROM "Referral" WHERE "id" = ${id} FOR UPDATE`;
    const r = await tx.referral.findUniqueOrThrow({ where: { id } });
    if (r.status !== "pending") return "waiting";
    const status = advocateRewardStatus({ placedAt: r.orderPlacedAt, paidAt: r.paidAt, cancelledAt: r.cancelledAt, fullyRefundedAt: r.fullyRefundedAt }, now, terms.windowDays);
    if (status.status === "void") {
      await tx.referral.update({ where: { id }, data: { status: "void", voidReason: status.reason } });
      return "void";
    }
    if (status.status !== "eligible") return "waiting";
    // Last check before paying: an earlier order of the friend recorded since attribution (a late webhook, or
    // the history import) makes them an existing customer, whose referral earns nothing.
    if (r.friendCustomerId && (await hasEarlierOrder(tx, r.shop, r.friendCustomerId, { placedAt: r.orderPlacedAt, orderId: r.orderId }))) {
      await tx.referral.update({ where: { id }, data: { status: "blocked", blockReason: "existing-customer" } });
      return "blocked";
    }
    const entry: LedgerEntry = {
      key: ledgerKeys.referral(r.friendCustomerId ?? `order-${r.orderId}`),
      kind: "referral-bonus",
      customerId: r.advocateCustomerId,
      points: terms.advocatePoints,
      at: status.eligibleAt,
      availableAt: status.eligibleAt,
      reason: `referral of order ${r.orderName ?? r.orderId}`,
    };
    const memberId = await lockMember(tx, r.shop, r.advocateCustomerId, { seenAt: r.orderPlacedAt });
    const appended = await appendLedgerEntry(tx, r.shop, memberId, entry).catch((err: Error) => {
      // The friend was already the reason of another bonus (a second referred order): nothing more to pay.
      if (err.name === "LedgerKeyConflictError") return { outcome: "duplicate" as const };
      throw err;
    });
    await tx.referral.update({
      where: { id },
      data: appended.outcome === "posted" ? { status: "credited", creditedAt: now, points: terms.advocatePoints } : { status: "void", voidReason: "already-rewarded" },
    });
    return appended.outcome === "posted" ? "credited" : "void";
  });
}

export const referralAdvocateRewardsJob: PeriodicJob = {
  name: "referral-advocate-rewards",
  everyMs: 60 * 60_000,
  run: async (db, now) => {
    await creditReferralAdvocates(db, now);
  },
};
