// What a checkout or customer-account extension learns about the buyer: GET /api/loyalty.
import type { PrismaClient } from "@prisma/client";
import type { Locale } from "~/i18n/messages";
import { sqlOf, utcTextColumn, type SqlStatements } from "~/db/connection.server";
import { currencyMinorDigits } from "~/points/domain/money";
import { loadLoyaltyProgram, storedProgram } from "./loyalty-program.server";
import { balanceWithPending } from "./points-ledger.server";
import { rewardsForBuyer, type BuyerReward, type Reward } from "~/rewards/domain/catalog";
import { enabledRewards } from "~/rewards/rewards-catalog.server";
import { referralLinkFor, type ReferralLinkOptions } from "~/referrals/referrals.server";
import { referralLink } from "~/referrals/domain/codes";
import { buyerCardsFor, type BuyerCards } from "~/rewards/member-cards.server";
import { memberCardsFromJson, NO_MEMBER_CARDS } from "~/rewards/domain/member-cards-form";
import { pointsWorthForOrder, type PointsWorth } from "~/points/domain/earning";
import { stateFromRow } from "./points-webhooks.server";
import { heldOutOfProgram, type ProgramTest } from "~/engagement/domain/experiments";
import { PROGRAM_SUBJECT } from "~/engagement/domain/member-mail";

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

/** What one statement reads for a loyalty answer: the shop's settings and, for a customer, their standing. */
interface LoyaltyFacts {
  currency: string | null;
  uninstalled: boolean;
  /** The stored program's settings; null when the shop has none stored yet. */
  program: unknown;
  memberCards: unknown;
  testId: string | null;
  holdoutPercent: number | null;
  testStartedAt: string | null;
  memberId: string | null;
  points: number;
  lifetimeEarned: number;
  lifetimeRedeemed: number;
  expired: number;
  tierId: string | null;
  birthday: string | null;
  joinedAt: string | null;
  notYet: string | null;
  memberDiscount: { percent: number; code: string } | null;
  referralCode: string | null;
  referralDiscountId: string | null;
  /** Every reward of the shop in catalog order; null when the shop has none yet. */
  rewards: { definition: Reward; enabled: boolean }[] | null;
}

/**
 * The shop's currency, program, member cards settings, running program test and rewards, and the customer's
 * member row, pending points, live member discount and referral code: one statement (the checkout asks on every
 * view, the storefront launcher on every page). A guest's customer id is null and matches no row.
 */
async function loyaltyFacts(sql: SqlStatements, shop: string, customerId: string | null, now: Date): Promise<LoyaltyFacts | null> {
  const [row] = await sql.query<LoyaltyFacts>(
    `SELECT s."currency", s."uninstalledAt" IS NOT NULL AS "uninstalled", p."settings" AS "program", c."settings" AS "memberCards",
            t."id" AS "testId", t."holdoutPercent", ${utcTextColumn("startedAt", { from: "t", as: "testStartedAt" })},
            m."id"::text AS "memberId", m."points", m."lifetimeEarned", m."lifetimeRedeemed", m."expired", m."tierId", m."birthday",
            ${utcTextColumn("joinedAt", { from: "m" })},
            (SELECT SUM(e."points")::text FROM "LedgerEntry" e WHERE e."shop" = s."domain" AND e."memberId" = m."id" AND e."availableAt" > $3::timestamp(3)) AS "notYet",
            (SELECT json_build_object('percent', d."percent", 'code', d."code") FROM "MemberDiscountCode" d
              WHERE d."shop" = s."domain" AND d."customerId" = $2 AND d."status" = 'active' ORDER BY d."createdAt" DESC LIMIT 1) AS "memberDiscount",
            rc."code" AS "referralCode", rc."discountId" AS "referralDiscountId",
            (SELECT json_agg(json_build_object('definition', r."definition", 'enabled', r."enabled") ORDER BY r."position", r."createdAt")
               FROM "Reward" r WHERE r."shop" = s."domain") AS "rewards"
       FROM "Shop" s
       LEFT JOIN "LoyaltyProgram" p ON p."shop" = s."domain"
       LEFT JOIN "MemberCards" c ON c."shop" = s."domain"
       LEFT JOIN LATERAL (SELECT x."id", x."holdoutPercent", x."startedAt" FROM "Experiment" x
                           WHERE x."shop" = s."domain" AND x."subject" = $4 AND x."status" = 'running' LIMIT 1) t ON true
       LEFT JOIN "Member" m ON m."shop" = s."domain" AND m."customerId" = $2
       LEFT JOIN "ReferralCode" rc ON rc."shop" = s."domain" AND rc."customerId" = $2
      WHERE s."domain" = $1`,
    [shop, customerId, now.toISOString(), PROGRAM_SUBJECT],
  );
  return row ?? null;
}

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
  const customerId = (customerGid ? CUSTOMER_GID.exec(customerGid)?.[1] : undefined) ?? null;
  const facts = await loyaltyFacts(sqlOf(prisma), shop, customerId, now);
  if (!facts || facts.uninstalled) return null;
  // A shop that never saved a program gets the default, stored on this first read.
  const program = facts.program === null ? await loadLoyaltyProgram(prisma, shop) : storedProgram(shop, facts.program);
  const currency = facts.currency ?? null;
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
  if (!customerId) return state;
  state.customerId = customerGid;
  // A test of the whole program holds out some newcomers, each first seen when they became a member (or now).
  const test: ProgramTest | null = facts.testId
    ? { id: facts.testId, holdoutPercent: facts.holdoutPercent!, startedAt: new Date(facts.testStartedAt!) }
    : null;
  if (heldOutOfProgram(test, customerId, facts.joinedAt ? new Date(facts.joinedAt) : now)) return { ...state, earnRate: null, inProgram: false };
  if (facts.memberId !== null) {
    const b = balanceWithPending(facts, Number(facts.notYet ?? 0));
    state.balance = Math.max(0, b.balance); // the contract's balance is spendable points, never negative
    state.pending = b.pending;
    state.lifetimeEarned = Math.max(0, b.lifetimeEarned);
    state.tier = program.vip.tiers.find((t) => t.id === facts.tierId)?.name ?? null;
    state.birthday = facts.birthday ?? null;
  }
  const cards = facts.memberCards === null ? NO_MEMBER_CARDS : memberCardsFromJson(facts.memberCards);
  state.cards = await buyerCardsFor(prisma, shop, customerId, cards, facts.memberDiscount);
  if (currency) {
    // A shop without rewards yet gets the default catalog, written on this first read.
    const rewards = facts.rewards === null ? await enabledRewards(prisma, shop, currency) : facts.rewards.filter((r) => r.enabled).map((r) => r.definition);
    state.rewards = rewardsForBuyer(state.balance, rewards, locale);
  }
  // The member's referral code and link, created on the first request (needs the Admin API for the friend's discount).
  if (referral) {
    state.referral =
      facts.referralCode !== null && facts.referralDiscountId !== null
        ? { code: facts.referralCode, url: referralLink(shop, facts.referralCode, "discount") }
        : await referralLinkFor(prisma, shop, customerId, referral);
  }
  const orderId = orderGid ? ORDER_GID.exec(orderGid)?.[1] : undefined;
  if (orderId) state.order = await orderPointsFor(prisma, shop, customerId, orderId, now);
  return state;
}

/** What an order earned (or will earn once paid) for the thank-you and order status pages; only its own customer learns it. */
async function orderPointsFor(prisma: PrismaClient, shop: string, customerId: string, orderId: string, now: Date): Promise<LoyaltyState["order"]> {
  const order = await prisma.orderPoints.findUnique({ where: { shop_orderId: { shop, orderId } } });
  if (!order || order.customerId !== customerId) return null;
  if (order.awarded <= 0 && order.newest && (order.worth as PointsWorth | null)?.breakdown?.nothingEarnedBecause === "awaiting-payment") {
    // Not paid yet (a manual payment method, an authorisation not captured): what it earns once it is,
    // priced with the terms the engine fixed for it.
    const stored = stateFromRow(orderId, order);
    const paid = { ...stored.newest, financialStatus: "paid", outstandingMinor: 0 };
    return { pointsEarned: pointsWorthForOrder(paid, stored.terms.rules, stored.terms.context).points, status: "pending" };
  }
  const availableAt = await prisma.ledgerEntry.findFirst({ where: { shop, orderId }, select: { availableAt: true } });
  return { pointsEarned: Math.max(0, order.awarded), status: availableAt && availableAt.availableAt > now ? "pending" : "earned" };
}
