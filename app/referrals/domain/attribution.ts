/**
 * What an order webhook tells the referral program, read from the payload in plain JS: whether any of its
 * discount codes could be a referral code (so the webhook step can return before any query), and the
 * friend's order facts the fraud rules and the reward timing need. Also the friend's discount code input.
 */
import { parseInstant } from "~/points/domain/time";
import { restIdOf } from "~/shopify/domain/rest-id";
import type { FriendOrder } from "./advocate-reward";
import type { PostalAddress, ReferralParty } from "./fraud";
import { normaliseReferralCode } from "./codes";

// The shapes `referralCodeCandidates` produces: a name part of 1–6 letters, "-", 4–7 code symbols; or 6–9
// code symbols. Redemption codes (TREUE-XXXX-XXXX) have a second dash and never match.
const SYMBOL = "[2-9A-HJKMNP-Z]";
const REFERRAL_CODE = new RegExp(`^(?:[A-Z]{1,6}-${SYMBOL}{4,7}|${SYMBOL}{6,9})$`);

export function looksLikeReferralCode(code: string): boolean {
  return REFERRAL_CODE.test(normaliseReferralCode(code));
}

/** The order's discount codes that could be referral codes, normalised, without repeats. */
export function referralCodesInOrder(payload: unknown): string[] {
  const codes = (payload as { discount_codes?: unknown } | null)?.discount_codes;
  if (!Array.isArray(codes)) return [];
  const found = new Set<string>();
  for (const c of codes) {
    const code = (c as { code?: unknown } | null)?.code;
    if (typeof code === "string" && looksLikeReferralCode(code)) found.add(normaliseReferralCode(code));
  }
  return [...found];
}

export interface FriendOrderFacts extends FriendOrder {
  orderId: string;
  orderName: string | null;
  updatedAt: Date;
  /** The buyer, with the details the self-referral rules compare. */
  friend: ReferralParty;
}

type Raw = Record<string, unknown>;
const text = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : null);
const instant = (v: unknown) => (typeof v === "string" ? parseInstant(v) : null);

export function addressFrom(raw: unknown): PostalAddress | null {
  if (!raw || typeof raw !== "object") return null;
  const a = raw as Raw;
  const address: PostalAddress = {
    address1: text(a.address1),
    address2: text(a.address2),
    zip: text(a.zip),
    city: text(a.city),
    countryCode: text(a.country_code),
  };
  return address.address1 || address.address2 ? address : null;
}

const PAID = new Set(["paid", "partially_refunded", "refunded"]);

/**
 * The facts of one observed state of the friend's order, or null when the payload lacks an id or times.
 * Paid: Shopify's financial status says money was taken (paid, partially or fully refunded); the payment
 * time is `processed_at` (REST orders carry no separate payment instant). Fully refunded: the status is
 * "refunded"; the instant is the newest refund's, else the order's update.
 */
export function friendOrderFacts(payload: unknown): FriendOrderFacts | null {
  if (!payload || typeof payload !== "object") return null;
  const o = payload as Raw;
  const orderId = restIdOf(o.id);
  const placedAt = instant(o.created_at);
  const updatedAt = instant(o.updated_at);
  if (!orderId || !placedAt || !updatedAt) return null;
  const status = text(o.financial_status)?.toLowerCase() ?? null;
  const paidAt = status && PAID.has(status) ? (instant(o.processed_at) ?? placedAt) : null;
  let fullyRefundedAt: Date | null = null;
  if (status === "refunded") {
    const refundTimes = (Array.isArray(o.refunds) ? o.refunds : [])
      .map((r) => instant((r as Raw | null)?.created_at))
      .filter((d): d is Date => d !== null);
    fullyRefundedAt = refundTimes.length ? new Date(Math.max(...refundTimes.map((d) => d.getTime()))) : updatedAt;
  }
  const customer = (o.customer && typeof o.customer === "object" ? o.customer : {}) as Raw;
  return {
    orderId,
    orderName: text(o.name),
    placedAt,
    updatedAt,
    paidAt,
    cancelledAt: instant(o.cancelled_at),
    fullyRefundedAt,
    friend: {
      customerId: restIdOf(customer.id),
      email: text(customer.email) ?? text(o.email) ?? text(o.contact_email),
      phone: text(customer.phone) ?? text(o.phone),
      shippingAddress: addressFrom(o.shipping_address) ?? addressFrom(customer.default_address),
    },
  };
}

/**
 * Order `a` was placed before order `b`. Shopify's order times have whole seconds, so within one second the
 * lower (older) order id is the earlier order.
 */
export function placedBefore(a: { placedAt: Date; orderId: string }, b: { placedAt: Date; orderId: string }): boolean {
  const [ta, tb] = [a.placedAt.getTime(), b.placedAt.getTime()];
  return ta < tb || (ta === tb && BigInt(a.orderId) < BigInt(b.orderId));
}

/**
 * The customer order in a payload that makes its customer an existing customer for any referral of theirs
 * placed later: null for guests, cancelled orders and unusable payloads (those count for nobody).
 */
export function customerOrderOf(payload: unknown): { customerId: string; orderId: string; placedAt: Date } | null {
  const facts = friendOrderFacts(payload);
  if (!facts || facts.cancelledAt || !facts.friend.customerId) return null;
  return { customerId: facts.friend.customerId, orderId: facts.orderId, placedAt: facts.placedAt };
}

/** The calendar month (UTC) of an instant, as [start, end). The monthly cap counts referrals in it. */
export function utcMonth(at: Date): [Date, Date] {
  return [new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1)), new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1))];
}

export interface FriendDiscountInput {
  basicCodeDiscount: {
    title: string;
    code: string;
    startsAt: string;
    context: { all: "ALL" };
    appliesOncePerCustomer: true;
    combinesWith: { productDiscounts: boolean; orderDiscounts: boolean; shippingDiscounts: boolean };
    customerGets: { value: { percentage: number }; items: { all: true } };
  };
}

/**
 * The friend's discount behind a referral code: `percentOff` % off the order, once per customer, for any buyer.
 * Shopify's basic code discounts cannot say "first order only" without a customer segment, so a friend who
 * already bought may still get the discount; the referral is then recorded as blocked (existing-customer)
 * and earns the advocate nothing.
 */
export function friendDiscountInput({ code, percentOff, startsAt }: { code: string; percentOff: number; startsAt: Date }): FriendDiscountInput {
  if (!Number.isInteger(percentOff) || percentOff < 1 || percentOff > 100) throw new RangeError(`percentOff must be a whole number 1–100, got ${percentOff}`);
  return {
    basicCodeDiscount: {
      title: `Treue referral: ${percentOff} % off the first order (${code})`,
      code,
      startsAt: startsAt.toISOString(),
      context: { all: "ALL" },
      appliesOncePerCustomer: true,
      combinesWith: { productDiscounts: true, orderDiscounts: false, shippingDiscounts: true },
      customerGets: { value: { percentage: percentOff / 100 }, items: { all: true } },
    },
  };
}
