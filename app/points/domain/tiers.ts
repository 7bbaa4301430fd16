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
  let sum = 0;
  for (const e of events) if (inWindow(e.at, now, windowDays)) sum += e.amountMinor;
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
  return tierForSpend(spendInWindow(spendEvents, now, vip.windowDays), now, vip, currentTierId, periodEnd);
}

/** tierFor with the spend in the window (now − windowDays, now] already added up. */
export function tierForSpend(spendMinor: number, now: Date, vip: VipSettings, currentTierId: string | null, periodEnd: Date | null): TierStanding {
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

/** Whether an order placed at `at` counts towards the spend of the window ending at `now`. */
export function inWindow(at: Date, now: Date, windowDays: number): boolean {
  const t = at.getTime();
  return t > now.getTime() - windowDays * MS_PER_DAY && t <= now.getTime();
}

export interface HeldTier {
  tierId: string | null;
  periodEnd: Date | null;
}

/**
 * A run of orders applied together, with the tiers applying them one at a time would give: the tier in force
 * when an order is first seen sets its multiplier, and after each order the member moves up at once when their
 * spend in the window now reaches a higher tier (`upgradeOnOrder`). Starts from each member's held tier and
 * spend in the window as stored, and follows both in memory, so each order costs the same however many orders
 * the member has.
 */
export class TierRun {
  private readonly held: Map<string, HeldTier>;
  private readonly spend: Map<string, number>;
  private readonly upgraded = new Set<string>();

  constructor(
    private readonly vip: VipSettings,
    private readonly now: Date,
    held: ReadonlyMap<string, HeldTier>,
    spendInWindow: ReadonlyMap<string, number>,
  ) {
    this.held = new Map(held);
    this.spend = new Map(spendInWindow);
  }

  /** The multiplier of the tier the customer holds now (×1 without one, or for a tier the merchant removed). */
  multiplierPercent(customerId: string): number {
    const tierId = this.held.get(customerId)?.tierId ?? null;
    return tierMultiplierPercent(this.vip.tiers.find((t) => t.id === tierId) ?? null);
  }

  /**
   * An order's stored state changed from `before` to `after` (its customer and what it counts for; null where
   * it had or has none): its spend moves, then its customer (after) moves up if the spend now reaches more.
   */
  orderChanged(before: { customerId: string | null; spend: SpendEvent } | null, after: { customerId: string | null; spend: SpendEvent }): void {
    if (before?.customerId && inWindow(before.spend.at, this.now, this.vip.windowDays)) this.add(before.customerId, -before.spend.amountMinor);
    const customerId = after.customerId;
    if (customerId === null) return;
    if (inWindow(after.spend.at, this.now, this.vip.windowDays)) this.add(customerId, after.spend.amountMinor);
    const held = this.held.get(customerId) ?? { tierId: null, periodEnd: null };
    const upgrade = upgradeOnOrder(tierForSpend(this.spend.get(customerId) ?? 0, this.now, this.vip, held.tierId, held.periodEnd));
    if (!upgrade) return;
    this.held.set(customerId, { tierId: upgrade.tier?.id ?? null, periodEnd: upgrade.periodEnd });
    this.upgraded.add(customerId);
  }

  /** The members who moved up during the run, with the tier and period they hold at its end. */
  upgrades(): { customerId: string; tierId: string | null; periodEnd: Date | null }[] {
    return [...this.upgraded].map((customerId) => ({ customerId, ...this.held.get(customerId)! }));
  }

  private add(customerId: string, amountMinor: number): void {
    this.spend.set(customerId, (this.spend.get(customerId) ?? 0) + amountMinor);
  }
}
