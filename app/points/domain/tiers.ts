/**
 * VIP tiers: a customer's tier follows their spend in a rolling window. Reaching a higher tier takes effect
 * at once (the reward should follow the purchase that earned it); falling below a tier only takes effect at
 * the end of the tier period, so a customer is never demoted the day after a return or a quiet month.
 */
import type { VipSettings, VipTier } from "./program";
import { addDays, MS_PER_DAY } from "./time";

export interface SpendEvent {
  /** When the order was placed. */
  at: Date;
  /** What the order counts for now (current subtotal, shop-currency minor units; 0 once cancelled). */
  amountMinor: number;
}

export type TierChange = "joined" | "upgraded" | "downgraded" | "renewed" | "unchanged";

export interface TierStanding {
  tier: VipTier | null;
  /** When the tier is next reviewed for a downgrade; null without a tier. */
  periodEnd: Date | null;
  change: TierChange;
  /** Spend in the window ending at `now`. */
  spendMinor: number;
}

/** Spend of orders placed in (now − windowDays, now]. */
export function spendInWindow(events: readonly SpendEvent[], now: Date, windowDays: number): number {
  const end = now.getTime();
  const start = end - windowDays * MS_PER_DAY;
  let sum = 0;
  for (const e of events) {
    const t = e.at.getTime();
    if (t > start && t <= end) sum += e.amountMinor;
  }
  return sum;
}

/** The highest tier whose threshold the spend reaches, or null. Tiers are ordered lowest first. */
export function qualifyingTier(spendMinor: number, tiers: readonly VipTier[]): VipTier | null {
  let best: VipTier | null = null;
  for (const tier of tiers) if (spendMinor >= tier.thresholdMinor && (!best || tier.thresholdMinor > best.thresholdMinor)) best = tier;
  return best;
}

/** The earning multiplier of a tier; ×1 without one. */
export function tierMultiplierPercent(tier: VipTier | null): number {
  return tier?.multiplierPercent ?? 100;
}

/**
 * The customer's tier at `now`, given the tier they hold (`currentTierId`, null for none) and the end of its
 * period. A tier removed from the program counts as none. A new or higher tier starts a fresh period of
 * `windowDays`; at the end of a period the customer keeps the tier their spend still reaches (possibly a
 * lower one or none), and a kept tier's period is extended by whole windows from the old end, so that a
 * late run of the review job does not shift the customer's anniversaries.
 */
export function tierFor(
  spendEvents: readonly SpendEvent[],
  now: Date,
  vip: VipSettings,
  currentTierId: string | null,
  periodEnd: Date | null,
): TierStanding {
  const spendMinor = spendInWindow(spendEvents, now, vip.windowDays);
  const qualified = qualifyingTier(spendMinor, vip.tiers);
  const current = vip.tiers.find((t) => t.id === currentTierId) ?? null;
  const rank = (t: VipTier | null) => (t ? vip.tiers.indexOf(t) : -1);
  const freshPeriod = addDays(now, vip.windowDays);

  if (current === null) {
    return qualified ? { tier: qualified, periodEnd: freshPeriod, change: "joined", spendMinor } : { tier: null, periodEnd: null, change: "unchanged", spendMinor };
  }
  if (rank(qualified) > rank(current)) return { tier: qualified, periodEnd: freshPeriod, change: "upgraded", spendMinor };
  if (periodEnd !== null && now.getTime() < periodEnd.getTime()) return { tier: current, periodEnd, change: "unchanged", spendMinor };
  if (rank(qualified) < rank(current)) {
    return { tier: qualified, periodEnd: qualified ? freshPeriod : null, change: "downgraded", spendMinor };
  }
  let next = periodEnd ?? now;
  while (next.getTime() <= now.getTime()) next = addDays(next, vip.windowDays);
  return { tier: current, periodEnd: next, change: "renewed", spendMinor };
}

/** What an order counts for towards tiers: its current subtotal, nothing once cancelled or for a test order. */
export function spendOfOrder(order: { cancelled: boolean; test: boolean; currentSubtotalMinor: number; createdAt: Date }): SpendEvent {
  return { at: order.createdAt, amountMinor: order.cancelled || order.test ? 0 : Math.max(0, order.currentSubtotalMinor) };
}

/**
 * The standing an order may apply at once: joining a tier or moving up. A downgrade or a renewal is left to
 * the review job at period end, so an order never shortens or moves a period.
 */
export function upgradeOnOrder(standing: TierStanding): TierStanding | null {
  return standing.change === "joined" || standing.change === "upgraded" ? standing : null;
}
