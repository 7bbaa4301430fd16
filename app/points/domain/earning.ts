/**
 * What an order is worth in points. Worth is a function of the order's current state only, so a refund,
 * a cancellation or an edit never needs its own rule: the engine recomputes the worth and posts the
 * difference (`pointsAdjustmentForOrder`).
 */
import type { Campaign, LoyaltyProgram } from "./program";
import { currencyMinorDigits } from "./money";
import { paidShareOf, paymentStateOf, type OrderSnapshot } from "./order-snapshot";

/** The program settings that price an order. */
export type EarningRules = Pick<LoyaltyProgram, "earnRate" | "minimumOrderMinor" | "pointsPerOrder" | "productBonuses" | "pendingDays">;

/**
 * Facts about the customer and the shop at the moment the order was placed. Resolved by the caller once,
 * stored with the order's points state and reused for every later snapshot of the order.
 */
export interface EarningContext {
  /** The VIP tier's earning multiplier in force when the order was created; 100 = ×1. */
  tierMultiplierPercent: number;
  /** Campaigns running when the order was created. */
  campaigns: readonly Campaign[];
  /** Collections each product belonged to, for collection bonuses (the order payload does not say). */
  productCollections?: Readonly<Record<string, readonly string[]>>;
  /**
   * The buyer is in the holdout of a test of the whole program (app/engagement/program-test.server.ts) when the
   * engine first sees the order: it earns nothing, whatever happens to the test later.
   */
  programHoldout?: boolean;
}

export type NothingEarnedBecause = "cancelled" | "test-order" | "nothing-kept" | "below-minimum" | "awaiting-payment" | "voided" | "program-holdout";

export interface PointsBreakdown {
  /** Points for the amount spent, after the tier and campaign multipliers, rounded down once. */
  spendPoints: number;
  /** The fixed points every order earns ("punch"). */
  orderPoints: number;
  productBonusPoints: number;
  campaignBonusPoints: number;
  tierMultiplierPercent: number;
  campaignMultiplierPercent: number;
  nothingEarnedBecause: NothingEarnedBecause | null;
}

export interface PointsWorth {
  points: number;
  breakdown: PointsBreakdown;
}

/** A campaign applies to orders created from its start (inclusive) up to its end (exclusive). */
export function campaignRunsAt(campaign: Campaign, at: Date): boolean {
  const t = at.getTime();
  return campaign.startsAt.getTime() <= t && t < campaign.endsAt.getTime();
}

export function campaignsRunningAt(campaigns: readonly Campaign[], at: Date): Campaign[] {
  return campaigns.filter((c) => campaignRunsAt(c, at));
}

/** The context for an order created at `createdAt`, from the program and the customer's tier at that time. */
export function earningContextFor(
  program: Pick<LoyaltyProgram, "campaigns">,
  createdAt: Date,
  tierMultiplierPercent = 100,
  productCollections?: Readonly<Record<string, readonly string[]>>,
): EarningContext {
  return { tierMultiplierPercent, campaigns: campaignsRunningAt(program.campaigns, createdAt), productCollections };
}

export function pointsWorthForOrder(snapshot: OrderSnapshot, program: EarningRules, context: EarningContext): PointsWorth {
  const campaigns = campaignsRunningAt(context.campaigns, snapshot.createdAt);
  // Several multiplier campaigns at once do not stack: the merchant planned each one as "double points",
  // not "quadruple".
  const campaignMultiplierPercent = campaigns.reduce((best, c) => (c.kind === "multiplier" ? Math.max(best, c.multiplierPercent) : best), 100);
  const tierMultiplierPercent = context.tierMultiplierPercent;
  const nothing = (because: NothingEarnedBecause): PointsWorth => ({
    points: 0,
    breakdown: { spendPoints: 0, orderPoints: 0, productBonusPoints: 0, campaignBonusPoints: 0, tierMultiplierPercent, campaignMultiplierPercent, nothingEarnedBecause: because },
  });

  if (context.programHoldout) return nothing("program-holdout");
  if (snapshot.cancelled) return nothing("cancelled");
  if (snapshot.test) return nothing("test-order");
  // Points are earned with the money: an order not paid yet (a manual payment method, an authorisation not
  // captured) earns nothing until it is, and a voided one never does.
  const payment = paymentStateOf(snapshot);
  if (payment === "voided") return nothing("voided");
  if (payment === "awaiting-payment") return nothing("awaiting-payment");
  // Buying a gift card earns nothing: the points are earned when the gift card is spent on merchandise.
  const merchandise = snapshot.lines.filter((l) => !l.giftCard && l.currentQuantity > 0);
  if (merchandise.length === 0) return nothing("nothing-kept");
  const giftCardMinor = snapshot.lines.reduce((sum, l) => (l.giftCard ? sum + l.unitPriceMinor * l.currentQuantity : sum), 0);
  const spentMinor = Math.max(0, snapshot.currentSubtotalMinor - giftCardMinor);
  if (spentMinor < program.minimumOrderMinor) return nothing("below-minimum");

  if (payment === "partially-paid") {
    // The paid share of the spend earns; the fixed points and bonuses come when the order is paid in full.
    const [paid, total] = paidShareOf(snapshot);
    const paidSpentMinor = Number((BigInt(spentMinor) * BigInt(paid)) / BigInt(total));
    const spendPoints = spendPointsFor(paidSpentMinor, snapshot.currency, program.earnRate, tierMultiplierPercent, campaignMultiplierPercent);
    if (spendPoints === 0) return nothing("awaiting-payment");
    return {
      points: spendPoints,
      breakdown: { spendPoints, orderPoints: 0, productBonusPoints: 0, campaignBonusPoints: 0, tierMultiplierPercent, campaignMultiplierPercent, nothingEarnedBecause: null },
    };
  }

  const spendPoints = spendPointsFor(spentMinor, snapshot.currency, program.earnRate, tierMultiplierPercent, campaignMultiplierPercent);
  let productBonusPoints = 0;
  for (const line of merchandise) productBonusPoints += productBonusPerUnit(line.productId, program, context) * line.currentQuantity;
  const campaignBonusPoints = campaigns.reduce((sum, c) => (c.kind === "bonus" ? sum + c.bonusPoints : sum), 0);
  const orderPoints = program.pointsPerOrder;
  return {
    points: spendPoints + orderPoints + productBonusPoints + campaignBonusPoints,
    breakdown: { spendPoints, orderPoints, productBonusPoints, campaignBonusPoints, tierMultiplierPercent, campaignMultiplierPercent, nothingEarnedBecause: null },
  };
}

/**
 * floor(amount × rate × tier × campaign), computed exactly in integers and rounded down once, so ×1.5 on
 * 0.99 points does not lose a point to an intermediate rounding.
 */
export function spendPointsFor(
  amountMinor: number,
  currency: string,
  earnRate: LoyaltyProgram["earnRate"],
  tierMultiplierPercent = 100,
  campaignMultiplierPercent = 100,
): number {
  if (amountMinor <= 0) return 0;
  const numerator = BigInt(amountMinor) * BigInt(earnRate.points) * BigInt(tierMultiplierPercent) * BigInt(campaignMultiplierPercent);
  const denominator = BigInt(earnRate.perCurrencyUnits) * 10n ** BigInt(currencyMinorDigits(currency)) * 10_000n;
  return Number(numerator / denominator);
}

/** A product earns the largest single bonus that targets it; product and collection bonuses do not add up. */
function productBonusPerUnit(productId: string | null, program: EarningRules, context: EarningContext): number {
  if (productId === null || program.productBonuses.length === 0) return 0;
  const collections = context.productCollections?.[productId] ?? [];
  let best = 0;
  for (const bonus of program.productBonuses) {
    const hit = bonus.target === "product" ? bonus.targetId === productId : collections.includes(bonus.targetId);
    if (hit) best = Math.max(best, bonus.pointsPerUnit);
  }
  return best;
}

/** Points to post so the customer holds exactly what the order is worth now (negative for a reversal). */
export function pointsAdjustmentForOrder(alreadyAwarded: number, worthNow: number): number {
  return worthNow - alreadyAwarded;
}
