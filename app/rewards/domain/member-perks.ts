/**
 * Perks that are not bought with points: a member discount card (a permanent percentage per tier) and a
 * stamp card (a reward after N orders).
 */
import type { Money } from "~/points/domain/money";

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

// --- from the points engine's order state to stamps -------------------------------------------------------

/** The part of the engine's order snapshot (OrderPoints.newest) a stamp needs. */
export interface StampOrderSnapshot {
  createdAt: Date;
  cancelled: boolean;
  test: boolean;
  currency: string;
  currentSubtotalMinor: number;
  lines: readonly { giftCard: boolean; currentQuantity: number; unitPriceMinor: number }[];
}

/**
 * An order as the stamp card sees it, from its current state, or null for a test order (never a stamp).
 * "Fully refunded" is the points engine's "no merchandise kept" (gift cards are not merchandise), and the
 * subtotal is the current one without gift cards, so a refund that takes an order below the card's minimum
 * takes its stamp back, exactly as it takes back the order's points.
 */
export function stampCardOrderOf(snapshot: StampOrderSnapshot): StampCardOrder | null {
  if (snapshot.test) return null;
  const kept = snapshot.lines.some((l) => !l.giftCard && l.currentQuantity > 0);
  const giftCardMinor = snapshot.lines.reduce((sum, l) => (l.giftCard ? sum + l.unitPriceMinor * l.currentQuantity : sum), 0);
  return {
    placedAt: snapshot.createdAt,
    subtotal: { amountMinor: Math.max(0, snapshot.currentSubtotalMinor - giftCardMinor), currency: snapshot.currency },
    cancelled: snapshot.cancelled,
    fullyRefunded: !kept,
  };
}

/** What a member sees and what is still owed to them, given the rewards already issued for this card. */
export interface StampCardStanding {
  stamps: number;
  stampsRequired: number;
  /** Rewards issued or due: never fewer than were issued (a reward once given is not taken back). */
  rewardsEarned: number;
  /** Stamps counted towards the next reward (0 … stampsRequired − 1). */
  stampsOnCurrentCard: number;
  stampsToNextReward: number;
  /** Reward numbers (1-based, card by card) that are due and not issued yet. */
  rewardsDue: number[];
}

/**
 * Stamps follow the orders' current state, rewards follow the most stamps ever seen: the n-th reward is
 * due once the member holds n × stampsRequired stamps, and an issued reward stays issued. A refund or
 * cancellation after a reward therefore never claws it back; the member has to make the missing stamps
 * up again before the next reward (the n+1-th needs (n+1) × stampsRequired stamps in all).
 * `issued` lists the reward numbers already issued (1-based).
 */
export function stampCardStanding(stamps: number, stampsRequired: number, issued: readonly number[]): StampCardStanding {
  if (!Number.isSafeInteger(stampsRequired) || stampsRequired < 1) throw new RangeError(`stampsRequired must be a positive integer, got ${stampsRequired}`);
  if (!Number.isSafeInteger(stamps) || stamps < 0) throw new RangeError(`stamps must be a whole number ≥ 0, got ${stamps}`);
  const issuedSet = new Set(issued);
  const full = Math.floor(stamps / stampsRequired);
  const highestIssued = issued.reduce((max, n) => Math.max(max, n), 0);
  const rewardsEarned = Math.max(full, highestIssued);
  const rewardsDue: number[] = [];
  for (let n = 1; n <= full; n++) if (!issuedSet.has(n)) rewardsDue.push(n);
  const stampsToNextReward = (rewardsEarned + 1) * stampsRequired - stamps;
  return {
    stamps,
    stampsRequired,
    rewardsEarned,
    // After a refund below an issued card the member can be more than one card away: show an empty card.
    stampsOnCurrentCard: Math.max(0, stampsRequired - stampsToNextReward),
    stampsToNextReward,
    rewardsDue,
  };
}

// --- member discount codes: what should exist ------------------------------------------------------------

/** One member discount code the app created (or is creating, or removing). */
export interface MemberDiscountCodeState {
  customerId: string;
  percent: number;
  combinesWithOtherDiscounts: boolean;
  code: string;
  /** creating → active → removing → removed; refused = Shopify rejected the input (not retried until the terms change). */
  status: "creating" | "active" | "removing" | "removed" | "refused";
}

export interface MemberDiscountTerms {
  percent: number;
  combinesWithOtherDiscounts: boolean;
}

export interface MemberDiscountChanges {
  /** Members who need a code with these terms. */
  create: { customerId: string; terms: MemberDiscountTerms }[];
  /** Codes to take away (member left the tier, the tier's percentage changed, or the card was switched off). */
  remove: string[];
}

/**
 * Desired (member → terms) against the codes that exist: at most one live code per member, with exactly
 * the desired terms. A changed percentage is a new code and the old one removed (a code's value is not
 * edited in place, so a member never sees a code whose value changes under them). Pure and idempotent:
 * applying the changes and asking again yields nothing to do.
 */
export function memberDiscountChanges(desired: ReadonlyMap<string, MemberDiscountTerms>, existing: readonly MemberDiscountCodeState[]): MemberDiscountChanges {
  const create: MemberDiscountChanges["create"] = [];
  const remove: string[] = [];
  const live = (s: MemberDiscountCodeState["status"]) => s === "creating" || s === "active" || s === "refused";
  const byCustomer = new Map<string, MemberDiscountCodeState[]>();
  for (const row of existing) {
    if (row.status === "removing") {
      remove.push(row.code); // an interrupted removal is finished
      continue;
    }
    if (!live(row.status)) continue;
    const list = byCustomer.get(row.customerId) ?? [];
    list.push(row);
    byCustomer.set(row.customerId, list);
  }
  for (const [customerId, rows] of byCustomer) {
    const terms = desired.get(customerId);
    let kept = false;
    for (const row of rows) {
      const matches = terms !== undefined && row.percent === terms.percent && row.combinesWithOtherDiscounts === terms.combinesWithOtherDiscounts;
      if (matches && !kept) kept = true;
      else if (row.status !== "refused") remove.push(row.code);
    }
  }
  for (const [customerId, terms] of desired) {
    const rows = byCustomer.get(customerId) ?? [];
    if (!rows.some((r) => r.percent === terms.percent && r.combinesWithOtherDiscounts === terms.combinesWithOtherDiscounts)) create.push({ customerId, terms });
  }
  create.sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0));
  remove.sort();
  return { create, remove };
}

/** `discountCodeBasicCreate` input for a member's permanent percentage: only this customer, no end, no usage limit. */
export function memberDiscountInput(input: { customerGid: string; code: string; terms: MemberDiscountTerms; startsAt: Date; title: string }) {
  if (!/^gid:\/\/shopify\/Customer\/\d+$/.test(input.customerGid)) throw new RangeError(`not a customer GID: ${input.customerGid}`);
  const { percent, combinesWithOtherDiscounts: c } = input.terms;
  if (!Number.isSafeInteger(percent) || percent < 1 || percent > 100) throw new RangeError(`percent must be 1–100, got ${percent}`);
  return {
    basicCodeDiscount: {
      title: input.title,
      code: input.code,
      startsAt: input.startsAt.toISOString(),
      // No endsAt and no usageLimit: the card works on every order while the member holds the tier; the app
      // removes the code when they leave it. appliesOncePerCustomer false, or it would work only once.
      context: { customers: { add: [input.customerGid] } },
      appliesOncePerCustomer: false,
      combinesWith: { productDiscounts: c, orderDiscounts: c, shippingDiscounts: c },
      customerGets: { value: { percentage: percent / 100 }, items: { all: true } },
    },
  };
}
