// GET /api/loyalty/activity: a member's own points history, a page at a time, and their progress to the next
// VIP tier (the customer-account rewards page; the checkout never asks, so it stays one query lighter).
import type { PrismaClient } from "@prisma/client";
import type { Locale } from "~/i18n/messages";
import { addDays } from "~/points/domain/time";
import { redeemedTitle } from "~/rewards/domain/reward-title";
import { spendInWindow } from "~/points/domain/tiers";
import { loadLoyaltyProgram } from "~/points/loyalty-program.server";
import { spendEventsOf } from "~/points/points-jobs.server";
import { shopperActivity, tierProgress, type ActivityEntry, type TierProgress } from "./activity";

export const ACTIVITY_PAGE_SIZE = 20;
export const ACTIVITY_MAX_PAGE_SIZE = 50;

export interface MemberActivity {
  entries: ActivityEntry[];
  /** Pass as `before` for the next (older) page; null on the last one. */
  nextBefore: string | null;
  /** null without tiers in the program, or for a customer who is not a member yet. */
  tier: (TierProgress & { currency: string }) | null;
}

export async function memberActivity(prisma: PrismaClient, shop: string, customerId: string, opts: { before: bigint | null; limit?: number; now: Date; currency: string; locale?: Locale }): Promise<MemberActivity> {
  const member = await prisma.member.findUnique({ where: { shop_customerId: { shop, customerId } }, select: { id: true, tierId: true, tierPeriodEnd: true } });
  if (!member) return { entries: [], nextBefore: null, tier: null };
  const limit = Math.min(Math.max(1, opts.limit ?? ACTIVITY_PAGE_SIZE), ACTIVITY_MAX_PAGE_SIZE);
  const rows = await prisma.ledgerEntry.findMany({
    where: { shop, memberId: member.id, ...(opts.before !== null ? { id: { lt: opts.before } } : {}) },
    orderBy: { id: "desc" },
    take: limit + 1,
    select: { id: true, kind: true, points: true, at: true, availableAt: true, idempotencyKey: true },
  });
  const page = rows.slice(0, limit);
  const redemptionKeys = page.filter((r) => r.kind === "redeem").map((r) => r.idempotencyKey.replace(/^redeem:/, ""));
  const redemptions = redemptionKeys.length
    ? await prisma.redemption.findMany({ where: { shop, idempotencyKey: { in: redemptionKeys } }, select: { idempotencyKey: true, reward: true } })
    : [];
  const titles = new Map(redemptions.map((r) => [r.idempotencyKey, redeemedTitle(r.reward, opts.locale ?? "en")] as const).filter(([, title]) => title !== ""));

  const program = await loadLoyaltyProgram(prisma, shop);
  let tier: MemberActivity["tier"] = null;
  if (program.vip.tiers.length > 0) {
    const events = await spendEventsOf(prisma, shop, customerId, addDays(opts.now, -program.vip.windowDays));
    const progress = tierProgress(program.vip, spendInWindow(events, opts.now, program.vip.windowDays), member.tierId, member.tierPeriodEnd);
    tier = progress && { ...progress, currency: opts.currency };
  }
  return {
    entries: shopperActivity(page, titles, opts.now),
    nextBefore: rows.length > limit ? page[page.length - 1].id.toString() : null,
    tier,
  };
}
