import { ACTIVITY_PATH, APP_URL, BIRTHDAY_PATH, LOYALTY_PATH, REDEMPTIONS_PATH, REQUEST_TIMEOUT_MS } from "./config";

/** One reward from the shop's catalog, as GET /api/loyalty lists it for this buyer. */
export interface Reward {
  id: string;
  title: string;
  pointsCost: number;
  affordable: boolean;
  kind: string;
}

/** "points per perMinor minor units of currency", e.g. {points: 1, perMinor: 100, currency: "EUR"} = 1 point per €1. */
export interface EarnRate {
  points: number;
  perMinor: number;
  currency: string;
}

/** What GET {APP_URL}/api/loyalty answers (contract in ../README.md). Unknown fields are ignored. */
export interface LoyaltyState {
  customerId: string | null;
  balance: number;
  pending: number;
  lifetimeEarned: number;
  tier: string | null;
  rewards: Reward[];
  referral: { code: string; url: string } | null;
  earnRate: EarnRate | null;
  /** Only with ?orderId=…: points this order earns; "pending" until the order is paid. */
  order: { pointsEarned: number; status: string } | null;
  cards: MemberCards;
  /** The member's birthday ("MM-DD"), null when not given yet (the Order status page then asks for it). */
  birthday: string | null;
  /** False: a test of the whole program holds this customer out; every surface then shows nothing. */
  inProgram: boolean;
}

/** The member discount card (the buyer's own code) and the stamp card's progress; null when not set up. */
export interface MemberCards {
  discount: { percent: number; code: string } | null;
  stamps: { stampsOnCurrentCard: number; stampsRequired: number; rewardsEarned: number } | null;
}

/** Why the app could not be asked: each reason has its own message for the buyer. */
export type Failure = "offline" | "unauthorized" | "unavailable";

export class LoyaltyUnavailableError extends Error {
  override name = "LoyaltyUnavailableError";
  constructor(
    message: string,
    readonly reason: Failure = "unavailable",
  ) {
    super(message);
  }
}

type WithLocalization = { shopify?: { localization?: { language?: { value?: { isoCode?: unknown } } } } };

/** The buyer's language in checkout or the customer account ("de", "en-GB"): the app names rewards in it. */
export function buyerLanguage(): string | null {
  try {
    const code = (globalThis as WithLocalization).shopify?.localization?.language?.value?.isoCode;
    // Only a language tag goes into the header (a CORS-safelisted value).
    return typeof code === "string" && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(code) ? code : null;
  } catch {
    // The extension tester's mock throws on properties it does not define.
    return null;
  }
}

async function callApp(path: string, sessionToken: string, init: RequestInit, signal?: AbortSignal): Promise<Response> {
  if (!APP_URL) throw new LoyaltyUnavailableError("APP_URL was not set when the extension was built");
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  const onAbort = () => controller.abort();
  signal?.addEventListener("abort", onAbort);
  const language = buyerLanguage();
  try {
    const response = await fetch(`${APP_URL}${path}`, {
      ...init,
      headers: {
        ...(init.headers as Record<string, string>),
        Authorization: `Bearer ${sessionToken}`,
        Accept: "application/json",
        ...(language ? { "Accept-Language": language } : {}),
      },
      signal: controller.signal,
    });
    if (response.status === 401) throw new LoyaltyUnavailableError("HTTP 401", "unauthorized");
    return response;
  } catch (error) {
    if (error instanceof LoyaltyUnavailableError) throw error;
    // fetch rejects only when no HTTP answer arrived (offline, DNS, CORS, our timeout).
    throw new LoyaltyUnavailableError(`request failed: ${String(error)}`, "offline");
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}

async function json(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    throw new LoyaltyUnavailableError("response is not JSON");
  }
}

/**
 * The buyer's loyalty state. Any failure becomes a LoyaltyUnavailableError so the UI can show one
 * non-blocking notice; nothing here may stop the buyer from completing checkout.
 */
export async function fetchLoyaltyState(sessionToken: string, signal?: AbortSignal, orderId?: string): Promise<LoyaltyState> {
  const query = orderId ? `?orderId=${encodeURIComponent(orderId)}` : "";
  const response = await callApp(LOYALTY_PATH + query, sessionToken, { method: "GET" }, signal);
  if (!response.ok) throw new LoyaltyUnavailableError(`HTTP ${response.status}`);
  return parseLoyaltyState(await json(response));
}

const isCount = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
const isText = (v: unknown): v is string => typeof v === "string" && v.length > 0;
type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | null => (v && typeof v === "object" ? (v as Obj) : null);

export function parseLoyaltyState(body: unknown): LoyaltyState {
  const b = obj(body) ?? {};
  if (!isCount(b.balance)) throw new LoyaltyUnavailableError("response has no valid balance");
  // A malformed reward is dropped rather than failing the whole block: the balance still helps.
  const rewards = (Array.isArray(b.rewards) ? b.rewards : []).flatMap((raw): Reward[] => {
    const r = obj(raw);
    return r && isText(r.id) && isText(r.title) && isCount(r.pointsCost)
      ? [{ id: r.id, title: r.title, pointsCost: r.pointsCost, affordable: r.affordable === true, kind: String(r.kind ?? "") }]
      : [];
  });
  const ref = obj(b.referral);
  const rate = obj(b.earnRate);
  const order = obj(b.order);
  const cards = obj(b.cards);
  const discount = obj(cards?.discount);
  const stamps = obj(cards?.stamps);
  return {
    customerId: isText(b.customerId) ? b.customerId : null,
    balance: b.balance,
    pending: isCount(b.pending) ? b.pending : 0,
    lifetimeEarned: isCount(b.lifetimeEarned) ? b.lifetimeEarned : 0,
    tier: isText(b.tier) ? b.tier : null,
    rewards,
    referral: ref && isText(ref.code) && isText(ref.url) ? { code: ref.code, url: ref.url } : null,
    earnRate:
      rate && isCount(rate.points) && isCount(rate.perMinor) && rate.perMinor > 0 && isText(rate.currency)
        ? { points: rate.points, perMinor: rate.perMinor, currency: rate.currency.toUpperCase() }
        : null,
    order: order && isCount(order.pointsEarned) ? { pointsEarned: order.pointsEarned, status: String(order.status ?? "") } : null,
    cards: {
      discount: discount && isCount(discount.percent) && discount.percent > 0 && isText(discount.code) ? { percent: discount.percent, code: discount.code } : null,
      stamps:
        stamps && isCount(stamps.stampsOnCurrentCard) && isCount(stamps.stampsRequired) && stamps.stampsRequired > 0 && isCount(stamps.rewardsEarned)
          ? { stampsOnCurrentCard: stamps.stampsOnCurrentCard, stampsRequired: stamps.stampsRequired, rewardsEarned: stamps.rewardsEarned }
          : null,
    },
    birthday: typeof b.birthday === "string" && /^\d{2}-\d{2}$/.test(b.birthday) ? b.birthday : null,
    // Absent (an app older than program tests): in the program.
    inProgram: b.inProgram !== false,
  };
}

/** One line of the member's points history (GET /api/loyalty/activity). */
export interface ActivityEntry {
  id: string;
  kind: string;
  points: number;
  at: string;
  /** Earned points not spendable yet: from when they are. */
  pendingUntil: string | null;
  /** A redemption: the reward it bought. */
  reward: string | null;
}

export interface TierProgress {
  current: string | null;
  periodEnd: string | null;
  currency: string;
  next: { name: string; remainingMinor: number } | null;
  keep: { remainingMinor: number } | null;
}

export interface MemberActivity {
  entries: ActivityEntry[];
  nextBefore: string | null;
  tier: TierProgress | null;
}

/** The member's points history, newest first, a page at a time (`before`: the previous page's `nextBefore`). */
export async function fetchActivity(sessionToken: string, before?: string, signal?: AbortSignal): Promise<MemberActivity> {
  const query = before ? `?before=${encodeURIComponent(before)}` : "";
  const response = await callApp(ACTIVITY_PATH + query, sessionToken, { method: "GET" }, signal);
  if (!response.ok) throw new LoyaltyUnavailableError(`HTTP ${response.status}`);
  return parseActivity(await json(response));
}

const isInt = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v);
const isInstant = (v: unknown): v is string => typeof v === "string" && !Number.isNaN(Date.parse(v));

export function parseActivity(body: unknown): MemberActivity {
  const b = obj(body);
  if (!b || !Array.isArray(b.entries)) throw new LoyaltyUnavailableError("response has no entries");
  // A malformed line is dropped rather than hiding the whole history.
  const entries = b.entries.flatMap((raw): ActivityEntry[] => {
    const e = obj(raw);
    return e && isText(e.id) && isText(e.kind) && isInt(e.points) && isInstant(e.at)
      ? [{ id: e.id, kind: e.kind, points: e.points, at: e.at, pendingUntil: isInstant(e.pendingUntil) ? e.pendingUntil : null, reward: isText(e.reward) ? e.reward : null }]
      : [];
  });
  const tier = obj(b.tier);
  const next = obj(tier?.next);
  const keep = obj(tier?.keep);
  return {
    entries,
    nextBefore: isText(b.nextBefore) ? b.nextBefore : null,
    tier:
      tier && isText(tier.currency)
        ? {
            current: isText(tier.current) ? tier.current : null,
            periodEnd: isInstant(tier.periodEnd) ? tier.periodEnd : null,
            currency: tier.currency,
            next: next && isText(next.name) && isCount(next.remainingMinor) ? { name: next.name, remainingMinor: next.remainingMinor } : null,
            keep: keep && isCount(keep.remainingMinor) ? { remainingMinor: keep.remainingMinor } : null,
          }
        : null,
  };
}

export type BirthdaySaved = { type: "saved"; birthday: string } | { type: "invalid" } | { type: "failed"; reason: Failure };

/** Stores the customer's birthday ("MM-DD"); "invalid" when the app says it is not a real date. */
export async function saveBirthday(sessionToken: string, birthday: string): Promise<BirthdaySaved> {
  let response: Response;
  try {
    response = await callApp(BIRTHDAY_PATH, sessionToken, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ birthday }) });
  } catch (error) {
    return { type: "failed", reason: error instanceof LoyaltyUnavailableError ? error.reason : "unavailable" };
  }
  if (response.status === 400) return { type: "invalid" };
  const body = obj(await json(response).catch(() => null)) ?? {};
  if (response.ok && isText(body.birthday)) return { type: "saved", birthday: body.birthday };
  return { type: "failed", reason: "unavailable" };
}

export type Redemption =
  | { type: "redeemed"; code: string; pointsSpent: number; balance: number }
  /** A store credit reward: the amount went to the buyer's store credit (no code). */
  | { type: "credited"; amount: number; currencyCode: string; pointsSpent: number; balance: number }
  /** A store credit reward Shopify has not confirmed yet: the points are spent, the credit follows. */
  | { type: "credit-pending"; pointsSpent: number }
  | { type: "insufficient-points"; message: string }
  | { type: "failed"; reason: Failure };

/**
 * Spends points on a reward. The same idempotencyKey must be sent again when the buyer retries after a
 * network failure, so the app hands back the first code instead of charging twice.
 */
export async function redeemReward(sessionToken: string, rewardId: string, idempotencyKey: string): Promise<Redemption> {
  let response: Response;
  try {
    response = await callApp(REDEMPTIONS_PATH, sessionToken, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ rewardId, idempotencyKey }),
    });
  } catch (error) {
    return { type: "failed", reason: error instanceof LoyaltyUnavailableError ? error.reason : "unavailable" };
  }
  const body = obj(await json(response).catch(() => null)) ?? {};
  if (response.status === 409) {
    const error = obj(body.error);
    if (error?.code === "INSUFFICIENT_POINTS") return { type: "insufficient-points", message: String(error.message ?? "") };
  }
  if (response.ok && isText(body.code) && isCount(body.pointsSpent) && isCount(body.balance)) {
    return { type: "redeemed", code: body.code, pointsSpent: body.pointsSpent, balance: body.balance };
  }
  const credit = obj(body.storeCredit);
  if (response.ok && body.code === null && credit && isText(credit.amount) && isText(credit.currencyCode) && isCount(body.pointsSpent) && isCount(body.balance)) {
    const amount = Number(credit.amount);
    if (Number.isFinite(amount)) return { type: "credited", amount, currencyCode: credit.currencyCode, pointsSpent: body.pointsSpent, balance: body.balance };
  }
  if (response.status === 202 && obj(body.pending) && isCount(body.pointsSpent)) return { type: "credit-pending", pointsSpent: body.pointsSpent };
  return { type: "failed", reason: "unavailable" };
}

/** A fresh key per tap; crypto.randomUUID needs a secure context, which the checkout worker has. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

// ISO 4217 exponents other than 2 (same list as app/points/domain/money.ts; extensions can't import app/).
const ZERO_DIGIT = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF";
const THREE_DIGIT = "BHD IQD JOD KWD LYD OMR TND";

/**
 * Points an order of this subtotal would earn, or null when the rate is for another currency.
 * Checkout gives the subtotal as a decimal number, so it is rounded to minor units first.
 */
export function estimatePoints(subtotal: { amount: number; currencyCode: string }, rate: EarnRate | null): number | null {
  if (!rate || subtotal.currencyCode.toUpperCase() !== rate.currency) return null;
  const code = rate.currency;
  const digits = ZERO_DIGIT.includes(code) ? 0 : THREE_DIGIT.includes(code) ? 3 : 2;
  const minor = Math.round(subtotal.amount * 10 ** digits);
  // Same rounding as the points engine (spendPointsFor): multiply first, floor once.
  return minor > 0 ? Math.floor((minor * rate.points) / rate.perMinor) : 0;
}
