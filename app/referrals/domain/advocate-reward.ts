/**
 * When the advocate's reward for a referral is due. The friend's order must be paid and not refunded within a
 * window (14 days by default, the usual return period), so a bought-and-returned order earns nothing.
 */
import { addDays } from "~/points/domain/time";

export const DEFAULT_REFERRAL_WINDOW_DAYS = 14;

export interface FriendOrder {
  placedAt: Date;
  /** Null while unpaid. */
  paidAt: Date | null;
  cancelledAt: Date | null;
  /** When the order became fully refunded. Partial refunds don't cancel the reward. */
  fullyRefundedAt: Date | null;
}

export type AdvocateRewardStatus =
  | { status: "waiting-for-payment" }
  /** Paid; becomes eligible at `eligibleAt` unless refunded or cancelled before then. */
  | { status: "pending"; eligibleAt: Date }
  | { status: "eligible"; eligibleAt: Date }
  | { status: "void"; reason: "refunded" | "cancelled" };

/**
 * Eligible at order time + window, or at payment if that is later (a payment on account can take longer
 * than the window). A refund or cancellation before that instant voids the reward; after it, it doesn't.
 */
export function advocateRewardStatus(order: FriendOrder, now: Date, windowDays: number = DEFAULT_REFERRAL_WINDOW_DAYS): AdvocateRewardStatus {
  if (!Number.isSafeInteger(windowDays) || windowDays < 0) throw new RangeError(`windowDays must be a non-negative integer, got ${windowDays}`);
  const windowEnd = addDays(order.placedAt, windowDays);
  const eligibleAt = order.paidAt && order.paidAt > windowEnd ? order.paidAt : windowEnd;
  const before = (at: Date | null) => at !== null && at.getTime() < eligibleAt.getTime() && at.getTime() <= now.getTime();
  if (before(order.cancelledAt)) return { status: "void", reason: "cancelled" };
  if (before(order.fullyRefundedAt)) return { status: "void", reason: "refunded" };
  if (!order.paidAt || order.paidAt.getTime() > now.getTime()) return { status: "waiting-for-payment" };
  return now.getTime() >= eligibleAt.getTime() ? { status: "eligible", eligibleAt } : { status: "pending", eligibleAt };
}
