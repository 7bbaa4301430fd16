// What a checkout or customer-account extension learns about the buyer: GET /api/loyalty.
import type { PrismaClient } from "@prisma/client";
import type { Locale } from "~/i18n/messages";
import { currencyMinorDigits } from "~/points/domain/money";
import { loadLoyaltyProgram } from "./loyalty-program.server";
import { memberBalance } from "./points-ledger.server";
import { rewardsForBuyer, type BuyerReward } from "~/rewards/domain/catalog";
import { enabledRewards } from "~/rewards/rewards-catalog.server";
import { referralLinkFor, type ReferralLinkOptions } from "~/referrals/referrals.server";
import { memberCardsForBuyer, type BuyerCards } from "~/rewards/member-cards.server";
import { pointsWorthForOrder, type PointsWorth } from "~/points/domain/earning";
import { stateFromRow } from "./points-webhooks.server";
import { isHeldOutOfProgram } from "~/engagement/program-test.server";

export interface LoyaltyState {
  customerId: string | null;
  balance: number;
  pending: number;
  lifetimeEarned: number;
  tier: string | null;
  /** The enabled catalog for a customer (cheapest first, `affordable` = the balance covers it); [] for guests. */
  rewards: BuyerReward[];
  referral: { code: string; url: string } | null;
  earnRate: { points: number; perMinor: number; currency: string } | null;
  /** "pending": not spendable yet (the pending period, or an order not paid yet: what it will earn once paid). */
  order: { pointsEarned: number; status: "pending" | "earned" } | null;
  /** The member discount card (their live code) and the stamp card (progress); nulls for guests and cards not set up. */
  cards: BuyerCards;
  /** The member's birthday as stored ("MM-DD"), null when not given (the extensions then ask for it). */
  birthday: string | null;
  /**
   * False for a customer a test of the whole program holds out (app/engagement/program-test.server.ts): the
   * surfaces show them nothing, and everything else here is empty.
   */
  inProgram: boolean;
}

/** The shop's domain from a session token's `dest`, which is a bare domain or an https URL. */
export function shopFromDest(dest: string): string | null {
  try {
    const host = new URL(/^https?:\/\//.test(dest) ? dest : `https://${dest}`).hostname.toLowerCase();
    return host || null;
  } catch {
    return null;
  }
}

const CUSTOMER_GID = /^gid:\/\/shopify\/Customer\/(\d+)$/;

/** The numeric customer id of a session token's `sub` (a Customer GID), or null for a guest. */
export function customerIdOf(sub: unknown): string | null {
  return CUSTOMER_GID.exec(String(sub ?? ""))?.[1] ?? null;
}
const ORDER_GID = /^gid:\/\/shopify\/Order\/(\d+)$/;

/**
 * The buyer's balance in an installed shop, or null when the shop is not installed. A guest (no customer)
 * and a customer without a ledger get zeros: the extension still shows the earn rate.
 */
export async function loyaltyStateFor(
  prisma: PrismaClient,
  shop: string,
  customerGid: string | null,
  orderGid: string | null,
  now = new Date(),
  referral?: ReferralLinkOptions,
  locale: Locale = "en",
): Promise<LoyaltyState | null> {
  const shopRow = await prisma.shop.findUnique({ where: { domain: shop }, select: { currency: true, uninstalledAt: true } });
  if (!shopRow || shopRow.uninstalledAt) return null;
  const program = await loadLoyaltyProgram(prisma, shop);
  const currency = shopRow.currency ?? null;
  const state: LoyaltyState = {
    customerId: null,
    balance: 0,
    pending: 0,
    lifetimeEarned: 0,
    tier: null,
    rewards: [],
    referral: null,
    earnRate: currency
      ? { points: program.earnRate.points, perMinor: program.earnRate.perCurrencyUnits * 10 ** currencyMinorDigits(currency), currency }
      : null,
    order: null,
    cards: { discount: null, stamps: null },
    birthday: null,
    inProgram: true,
  };
  const customerId = customerGid ? CUSTOMER_GID.exec(customerGid)?.[1] : undefined;
  if (!customerId) return state;
  state.customerId = customerGid;
  if (await isHeldOutOfProgram(prisma, shop, customerId, now)) return { ...state, earnRate: null, inProgram: false };
  const member = await prisma.member.findUnique({ where: { shop_customerId: { shop, customerId } } });
  if (member) {
    const b = await memberBalance(prisma, member, now);
    state.balance = Math.max(0, b.balance); // the contract's balance is spendable points, never negative
    state.pending = b.pending;
    state.lifetimeEarned = Math.max(0, b.lifetimeEarned);
    state.tier = program.vip.tiers.find((t) => t.id === member.tierId)?.name ?? null;
    state.birthday = member.birthday ?? null;
  }
  state.cards = await memberCardsForBuyer(prisma, shop, customerId);
  if (currency) state.rewards = rewardsForBuyer(state.balance, await enabledRewards(prisma, shop, currency), locale);
  // The member's referral code and link, created on the first request (needs the Admin API for the friend's discount).
  if (referral) state.referral = await referralLinkFor(prisma, shop, customerId, referral);
  const orderId = orderGid ? ORDER_GID.exec(orderGid)?.[1] : undefined;
  if (orderId) {
    const order = await prisma.orderPoints.findUnique({ where: { shop_orderId: { shop, orderId } } });
    // Only the order's own customer learns what it earned.
    if (order && order.customerId === customerId) {
      if (order.awarded <= 0 && order.newest && (order.worth as PointsWorth | null)?.breakdown?.nothingEarnedBecause === "awaiting-payment") {
        // Not paid yet (a manual payment method, an authorisation not captured): what it earns once it is,
        // priced with the terms the engine fixed for it.
        const stored = stateFromRow(orderId, order);
        const paid = { ...stored.newest, financialStatus: "paid", outstandingMinor: 0 };
        state.order = { pointsEarned: pointsWorthForOrder(paid, stored.terms.rules, stored.terms.context).points, status: "pending" };
      } else {
        const availableAt = await prisma.ledgerEntry.findFirst({ where: { shop, orderId }, select: { availableAt: true } });
        state.order = { pointsEarned: Math.max(0, order.awarded), status: availableAt && availableAt.availableAt > now ? "pending" : "earned" };
      }
    }
  }
  return state;
}
