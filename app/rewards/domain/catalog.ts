/**
 * The merchant's reward catalog: what members can spend points on. Validation errors carry stable codes and
 * parameters so the admin can word them in English and German.
 */
import type { Locale } from "~/i18n/messages";
import { currencyMinorDigits, type Money } from "~/points/domain/money";
import { generatedRewardTitle, rewardTitle } from "./reward-title";

/** Which other discount classes a reward's code may be combined with (Shopify's `combinesWith`). */
export interface CombinesWith {
  productDiscounts: boolean;
  orderDiscounts: boolean;
  shippingDiscounts: boolean;
}

interface RewardBase {
  id: string;
  /**
   * The merchant's name for it ("Summer treat"), or with `autoTitle` the English generated name ("€5.00 off"):
   * readers then see the name generated in their language (reward-title.ts `rewardTitle`).
   */
  title: string;
  autoTitle?: boolean;
  /** Points spent on one redemption, a positive integer. */
  pointsCost: number;
  /** The code only works from this order subtotal up (shop currency). */
  minimumSubtotal?: Money;
  combinesWith: CombinesWith;
}

export type Reward =
  | (RewardBase & { kind: "fixed-amount-off"; amountOff: Money })
  /** Whole percent, 1–100. */
  | (RewardBase & { kind: "percentage-off"; percentOff: number })
  /** Optionally only for shipping rates up to this price. */
  | (RewardBase & { kind: "free-shipping"; maximumShippingPrice?: Money })
  /** One product variant free (its price taken off when it is in the cart). */
  | (RewardBase & { kind: "free-product"; productVariantId: string })
  /**
   * Shopify store credit in the shop currency, credited to the member's account: no code to type, spent at
   * checkout on every plan (with new customer accounts). The credit expires after `expiresInDays` if set.
   * (`minimumSubtotal` and `combinesWith` do not apply to it.)
   */
  | (RewardBase & { kind: "store-credit"; credit: Money; expiresInDays?: number });

export type RewardKind = Reward["kind"];

/** Codes from points are meant to sweeten an order, so by default they combine with everything but each other. */
export const DEFAULT_COMBINES_WITH: CombinesWith = { productDiscounts: true, orderDiscounts: false, shippingDiscounts: true };

/**
 * What a new shop starts with: 5.00 off for 500 points and 5.00 of store credit for 500 points, i.e. 1 point is
 * worth 0.01 in the shop currency. The code works wherever a code can be entered (the checkout block needs
 * Shopify Plus); store credit needs no code and is spent at checkout on every plan. "5.00" means five major
 * units in every currency (5 € or 5 ¥); shops in low-value currencies change it.
 */
export function defaultRewardCatalog(shopCurrency: string): Reward[] {
  const currency = shopCurrency.toUpperCase();
  const five = { amountMinor: 5 * 10 ** currencyMinorDigits(currency), currency };
  const rewards: Reward[] = [
    { id: "default-5-off", kind: "fixed-amount-off", title: "", autoTitle: true, pointsCost: 500, amountOff: five, combinesWith: DEFAULT_COMBINES_WITH },
    { id: "default-5-credit", kind: "store-credit", title: "", autoTitle: true, pointsCost: 500, credit: five, combinesWith: DEFAULT_COMBINES_WITH },
  ];
  return rewards.map(withGeneratedTitle);
}

/** An unnamed reward stores its English generated name as `title` (validation and Shopify's discount title). */
export function withGeneratedTitle(reward: Reward): Reward {
  return reward.autoTitle ? { ...reward, title: generatedRewardTitle(reward, "en") } : reward;
}

export type RewardProblemCode =
  | "title-missing"
  | "title-too-long"
  | "points-cost-invalid"
  | "amount-invalid"
  | "currency-not-shop-currency"
  | "percent-out-of-range"
  | "minimum-subtotal-invalid"
  | "product-variant-invalid"
  | "duplicate-id"
  | "kind-invalid"
  | "expiry-days-invalid"
  | "id-invalid";

export interface RewardProblem {
  code: RewardProblemCode;
  /** Index in the catalog and the field at fault, for the settings form. */
  index: number;
  field: string;
  params?: Record<string, string | number>;
}

/** Shopify's limit for a discount title, which we derive from the reward title. */
export const MAX_TITLE_LENGTH = 255;
const VARIANT_GID = /^gid:\/\/shopify\/ProductVariant\/\d+$/;
/** Store credit expiry, at most ten years out. */
export const MAX_CREDIT_DAYS = 3650;

const positiveInteger = (n: number) => Number.isSafeInteger(n) && n > 0;

function moneyProblems(money: Money, shopCurrency: string, index: number, field: string, allowZero: boolean): RewardProblem[] {
  if (money.currency.toUpperCase() !== shopCurrency) {
    return [{ code: "currency-not-shop-currency", index, field, params: { currency: money.currency, shopCurrency } }];
  }
  const ok = Number.isSafeInteger(money.amountMinor) && (allowZero ? money.amountMinor >= 0 : money.amountMinor > 0);
  return ok ? [] : [{ code: field === "minimumSubtotal" ? "minimum-subtotal-invalid" : "amount-invalid", index, field }];
}

/** Every problem of one reward (empty = valid). Money must be in the shop currency: codes are priced in it. */
export function rewardProblems(reward: Reward, shopCurrency: string, index = 0): RewardProblem[] {
  const currency = shopCurrency.toUpperCase();
  const problems: RewardProblem[] = [];
  const title = reward.title.trim();
  if (!title && !reward.autoTitle) problems.push({ code: "title-missing", index, field: "title" });
  if (title.length > MAX_TITLE_LENGTH) problems.push({ code: "title-too-long", index, field: "title", params: { max: MAX_TITLE_LENGTH } });
  if (!positiveInteger(reward.pointsCost)) problems.push({ code: "points-cost-invalid", index, field: "pointsCost" });
  if (reward.minimumSubtotal) problems.push(...moneyProblems(reward.minimumSubtotal, currency, index, "minimumSubtotal", true));
  switch (reward.kind) {
    case "fixed-amount-off":
      problems.push(...moneyProblems(reward.amountOff, currency, index, "amountOff", false));
      break;
    case "percentage-off":
      if (!Number.isSafeInteger(reward.percentOff) || reward.percentOff < 1 || reward.percentOff > 100) {
        problems.push({ code: "percent-out-of-range", index, field: "percentOff", params: { min: 1, max: 100 } });
      }
      break;
    case "free-shipping":
      if (reward.maximumShippingPrice) problems.push(...moneyProblems(reward.maximumShippingPrice, currency, index, "maximumShippingPrice", false));
      break;
    case "free-product":
      if (!VARIANT_GID.test(reward.productVariantId)) problems.push({ code: "product-variant-invalid", index, field: "productVariantId" });
      break;
    case "store-credit":
      problems.push(...moneyProblems(reward.credit, currency, index, "credit", false));
      if (reward.expiresInDays !== undefined && !(Number.isSafeInteger(reward.expiresInDays) && reward.expiresInDays >= 1 && reward.expiresInDays <= MAX_CREDIT_DAYS)) {
        problems.push({ code: "expiry-days-invalid", index, field: "expiresInDays", params: { min: 1, max: MAX_CREDIT_DAYS } });
      }
      break;
  }
  return problems;
}

/** Problems of a whole catalog: each reward's, plus ids used twice (a redemption names its reward by id). */
export function catalogProblems(rewards: readonly Reward[], shopCurrency: string): RewardProblem[] {
  const seen = new Set<string>();
  return rewards.flatMap((reward, index) => {
    const problems = rewardProblems(reward, shopCurrency, index);
    if (seen.has(reward.id)) problems.push({ code: "duplicate-id", index, field: "id", params: { id: reward.id } });
    seen.add(reward.id);
    return problems;
  });
}

/** The rewards a member with `balance` points can redeem now, cheapest first (ties keep catalog order). */
export function affordableRewards<R extends Pick<Reward, "pointsCost">>(balance: number, rewards: readonly R[]): R[] {
  return rewards.filter((reward) => reward.pointsCost <= balance).sort((a, b) => a.pointsCost - b.pointsCost);
}

/** One reward as GET /api/loyalty lists it (the extension contract in extensions/treue-checkout/README.md). */
export interface BuyerReward {
  id: string;
  title: string;
  pointsCost: number;
  affordable: boolean;
  kind: RewardKind;
}

/** The whole catalog for a member with `balance` points, cheapest first (ties keep catalog order), named in `locale`. */
export function rewardsForBuyer(balance: number, rewards: readonly Reward[], locale: Locale = "en"): BuyerReward[] {
  return rewards
    .map((r) => ({ id: r.id, title: rewardTitle(r, locale), pointsCost: r.pointsCost, affordable: r.pointsCost <= balance, kind: r.kind }))
    .sort((a, b) => a.pointsCost - b.pointsCost);
}

/** The cheapest of `rewards` (of equal costs, the first in catalog order), or undefined: what a balance reaches first. */
export function cheapestReward<R extends { pointsCost: number }>(rewards: readonly R[]): R | undefined {
  let best: R | undefined;
  for (const r of rewards) if (!best || r.pointsCost < best.pointsCost) best = r;
  return best;
}
