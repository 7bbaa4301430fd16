/**
 * Perks that are not bought with points: a member discount card (a permanent percentage per tier) and a
 * stamp card (a reward after N orders).
 */
import type { Money } from "../points/money";

/** "Gold members get 10 % off every order." Whole percent per tier id; a tier not listed gets nothing. */
export interface MemberDiscountCard {
  percentOffByTier: Record<string, number>;
  combinesWithOtherDiscounts: boolean;
}

/** The member's percentage (1–100) or null when their tier (or no tier) has no member discount. */
export function memberDiscountPercent(card: MemberDiscountCard, tierId: string | null): number | null {
  if (tierId === null) return null;
  const percent = card.percentOffByTier[tierId];
  return percent !== undefined && Number.isSafeInteger(percent) && percent >= 1 && percent <= 100 ? percent : null;
}

export interface StampCard {
  id: string;
  /** Orders needed for one reward, e.g. 10 = "every 10th order". */
  stampsRequired: number;
  /** Reward from the catalog given when the card is full. */
  rewardId: string;
  /** Orders below this subtotal earn no stamp (shop currency). */
  minimumSubtotal?: Money;
  /** Orders placed before this instant do not count: the card starts when the merchant turns it on. */
  startsAt: Date;
}

export interface StampCardOrder {
  placedAt: Date;
  subtotal: Money;
  cancelled: boolean;
  /** Refunded in full: an order given back earns no stamp. Partly refunded orders keep theirs. */
  fullyRefunded: boolean;
}

export interface StampCardProgress {
  /** Every stamp the member ever collected on this card. */
  stamps: number;
  /** Full cards, i.e. rewards earned so far. */
  rewardsEarned: number;
  /** Stamps on the current, unfinished card (0 … stampsRequired − 1). */
  stampsOnCurrentCard: number;
  stampsToNextReward: number;
}

export function orderEarnsStamp(order: StampCardOrder, card: StampCard): boolean {
  if (order.cancelled || order.fullyRefunded || order.placedAt.getTime() < card.startsAt.getTime()) return false;
  const minimum = card.minimumSubtotal;
  if (!minimum || minimum.amountMinor <= 0) return true;
  // An order in another currency can't be compared without a rate; it earns no stamp rather than a guess.
  return order.subtotal.currency.toUpperCase() === minimum.currency.toUpperCase() && order.subtotal.amountMinor >= minimum.amountMinor;
}

export function stampCardProgress(orders: readonly StampCardOrder[], card: StampCard): StampCardProgress {
  if (!Number.isSafeInteger(card.stampsRequired) || card.stampsRequired < 1) throw new RangeError(`stampsRequired must be a positive integer, got ${card.stampsRequired}`);
  const stamps = orders.filter((order) => orderEarnsStamp(order, card)).length;
  const stampsOnCurrentCard = stamps % card.stampsRequired;
  return {
    stamps,
    rewardsEarned: Math.floor(stamps / card.stampsRequired),
    stampsOnCurrentCard,
    stampsToNextReward: card.stampsRequired - stampsOnCurrentCard,
  };
}
