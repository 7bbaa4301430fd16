/**
 * The points ledger: append-only entries, one customer's history each. Balances, lots and expiry are derived
 * from the entries, never stored as the truth. Every entry carries an idempotency key naming the business
 * event that caused it, so a replayed webhook or a retried job produces the same key and is refused.
 */
import { addMonthsIn } from "~/shops/domain/zoned";
import type { ExpiryPolicy } from "./program";
import { addDays } from "./time";

export const LEDGER_ENTRY_KINDS = [
  "earn",
  "adjust-order",
  "redeem",
  "redeem-reversal",
  "expire",
  "expire-reversal",
  "manual",
  "signup-bonus",
  "birthday-bonus",
  "referral-bonus",
] as const;
export type LedgerEntryKind = (typeof LEDGER_ENTRY_KINDS)[number];

export interface LedgerEntry {
  /** Idempotency key: the business event, e.g. `order:123:v2`, `redeem:abc`, `signup:42`. Unique per shop. */
  key: string;
  kind: LedgerEntryKind;
  customerId: string;
  /** Signed whole points. */
  points: number;
  /** When the business event happened (not when the entry was written). */
  at: Date;
  /** When the points can be spent; for order entries the end of the pending period. */
  availableAt: Date;
  /** `earn` and `adjust-order`: the order whose points these are. */
  orderId?: string;
  /** `earn` and `adjust-order`: when the order was placed; the customer's activity for inactivity expiry. */
  orderCreatedAt?: Date;
  /** `expire` and `expire-reversal` of one lot: the lot. */
  lotKey?: string;
  /** Required for `manual`: why staff changed the balance. */
  reason?: string;
  /** `manual`: who made the change. */
  staffId?: string;
}

/** Idempotency keys, one spelling per business event. */
export const ledgerKeys = {
  /** The n-th posting for an order (1-based); two workers computing posting n collide, as they must. */
  order: (orderId: string, posting: number) => `order:${orderId}:v${posting}`,
  redeem: (redemptionId: string) => `redeem:${redemptionId}`,
  redeemReversal: (redemptionId: string) => `redeem:${redemptionId}:reversal`,
  signup: (customerId: string) => `signup:${customerId}`,
  birthday: (customerId: string, year: number) => `birthday:${customerId}:${year}`,
  referral: (referredCustomerId: string) => `referral:${referredCustomerId}`,
  /** `requestId` comes from the staff form, so a double submit is one adjustment. */
  manual: (requestId: string) => `manual:${requestId}`,
  /**
   * A balance imported from another loyalty app moving the member's imported balance from `from` to `to` (a
   * manual entry of the difference): the same file imported again finds its key and changes nothing.
   */
  balanceImport: (customerId: string, from: number, to: number) => `balance-import:${customerId}:${from}:${to}`,
  /** A merchant's bonus for a whole segment (app/points/segment-bonus.server.ts): once per bonus and customer. */
  segmentBonus: (bonusId: string, customerId: string) => `segment-bonus:${bonusId}:${customerId}`,
  expireLot: (lotKey: string, nth: number) => `expire:${lotKey}:${nth}`,
  expireReversal: (lotKey: string, nth: number) => `expire-reversal:${lotKey}:${nth}`,
};

// ---------------------------------------------------------------------------------------------------------
// Checks and posting

const SIGN: Record<LedgerEntryKind, "positive" | "negative" | "nonzero"> = {
  earn: "positive",
  "adjust-order": "nonzero",
  redeem: "negative",
  "redeem-reversal": "positive",
  expire: "negative",
  "expire-reversal": "positive",
  manual: "nonzero",
  "signup-bonus": "positive",
  "birthday-bonus": "positive",
  "referral-bonus": "positive",
};

/** Why an entry may not be written, or null. */
export function entryProblem(entry: LedgerEntry): string | null {
  if (!entry.key) return "key missing";
  if (!LEDGER_ENTRY_KINDS.includes(entry.kind)) return `unknown kind ${String(entry.kind)}`;
  if (!Number.isSafeInteger(entry.points)) return "points must be a whole number";
  const sign = SIGN[entry.kind];
  if (sign === "positive" && entry.points <= 0) return `${entry.kind} must add points`;
  if (sign === "negative" && entry.points >= 0) return `${entry.kind} must take points`;
  if (sign === "nonzero" && entry.points === 0) return `${entry.kind} must change the balance`;
  if (Number.isNaN(entry.at.getTime()) || Number.isNaN(entry.availableAt.getTime())) return "invalid time";
  if ((entry.kind === "earn" || entry.kind === "adjust-order") && (!entry.orderId || !entry.orderCreatedAt)) return "order entries need the order";
  if (entry.kind === "expire-reversal" && !entry.lotKey) return "expire-reversal needs the lot";
  if (entry.kind === "manual" && !entry.reason?.trim()) return "manual adjustments need a reason";
  return null;
}

export type PostOutcome =
  | { outcome: "posted"; entries: LedgerEntry[] }
  /** The same entry was written before: a replay. Nothing to do. */
  | { outcome: "duplicate" }
  /** A different entry already has this key: the caller worked from stale state and must reload and retry. */
  | { outcome: "key-conflict"; existing: LedgerEntry }
  | { outcome: "insufficient-points"; balance: number }
  | { outcome: "invalid"; problem: string };

/**
 * Appends `entry` to one customer's ledger if it may be written. The database enforces the same key
 * uniqueness with a unique index; this function is the rule the index implements.
 */
export function postEntry(entries: readonly LedgerEntry[], entry: LedgerEntry): PostOutcome {
  const problem = entryProblem(entry);
  if (problem) return { outcome: "invalid", problem };
  if (entries.length > 0 && entries[0].customerId !== entry.customerId) return { outcome: "invalid", problem: "entry belongs to another customer" };
  const existing = entries.find((e) => e.key === entry.key);
  if (existing) return sameEntry(existing, entry) ? { outcome: "duplicate" } : { outcome: "key-conflict", existing };
  if (entry.kind === "redeem") {
    const { balance } = balanceOf(entries, entry.at);
    if (balance < -entry.points) return { outcome: "insufficient-points", balance };
  }
  return { outcome: "posted", entries: [...entries, entry] };
}

export function sameEntry(a: LedgerEntry, b: LedgerEntry): boolean {
  return (
    a.key === b.key &&
    a.kind === b.kind &&
    a.customerId === b.customerId &&
    a.points === b.points &&
    a.at.getTime() === b.at.getTime() &&
    a.availableAt.getTime() === b.availableAt.getTime() &&
    a.orderId === b.orderId &&
    a.orderCreatedAt?.getTime() === b.orderCreatedAt?.getTime() &&
    a.lotKey === b.lotKey &&
    a.reason === b.reason &&
    a.staffId === b.staffId
  );
}

// ---------------------------------------------------------------------------------------------------------
// Balances

export interface Balance {
  /** Spendable now. Negative when a reversal took more than the customer had. */
  balance: number;
  /** Earned but still in the pending period. */
  pending: number;
  /** Everything earned: orders (net of refunds), bonuses and staff adjustments. */
  lifetimeEarned: number;
  /** Redeemed, net of redemptions given back. */
  lifetimeRedeemed: number;
  /** Expired, net of expiries undone. */
  expired: number;
}

/**
 * The balance at `now`. balance + pending = lifetimeEarned − lifetimeRedeemed − expired.
 * Points on their way in count only once they are spendable; points on their way out (a refund reversing
 * points that are still pending) count at once, so nothing is spent that is about to be taken back.
 */
export function balanceOf(entries: readonly LedgerEntry[], now: Date): Balance {
  const t = now.getTime();
  let available = 0;
  let notYet = 0;
  let lifetimeEarned = 0;
  let lifetimeRedeemed = 0;
  let expired = 0;
  for (const e of entries) {
    if (e.availableAt.getTime() <= t) available += e.points;
    else notYet += e.points;
    if (e.kind === "redeem" || e.kind === "redeem-reversal") lifetimeRedeemed -= e.points;
    else if (e.kind === "expire" || e.kind === "expire-reversal") expired -= e.points;
    else lifetimeEarned += e.points;
  }
  return { balance: available + Math.min(0, notYet), pending: Math.max(0, notYet), lifetimeEarned, lifetimeRedeemed, expired };
}

/** Whether the customer can spend `points` now: only spendable points count, and the balance never goes below zero. */
export function canRedeem(entries: readonly LedgerEntry[], points: number, now: Date): boolean {
  return Number.isSafeInteger(points) && points > 0 && balanceOf(entries, now).balance >= points;
}

/**
 * The balance a database row keeps next to the entries, updated with each append. It holds only what does
 * not depend on the clock; `balanceOf` adds the pending split.
 */
export interface CachedBalance {
  points: number;
  lifetimeEarned: number;
  lifetimeRedeemed: number;
  expired: number;
  entryCount: number;
}

export const EMPTY_BALANCE: CachedBalance = Object.freeze({ points: 0, lifetimeEarned: 0, lifetimeRedeemed: 0, expired: 0, entryCount: 0 });

/** The cached balance after appending `entry`. */
export function foldBalance(cached: CachedBalance, entry: LedgerEntry): CachedBalance {
  const next = { ...cached, points: cached.points + entry.points, entryCount: cached.entryCount + 1 };
  switch (entry.kind) {
    case "redeem":
    case "redeem-reversal":
      next.lifetimeRedeemed -= entry.points;
      break;
    case "expire":
    case "expire-reversal":
      next.expired -= entry.points;
      break;
    default:
      next.lifetimeEarned += entry.points;
  }
  return next;
}

/** The cached balance recomputed from every entry: what a repair job compares the stored row with. */
export function rebuildBalance(entries: readonly LedgerEntry[]): CachedBalance {
  const byKind = new Map<string, { points: number; count: number }>();
  for (const e of entries) {
    const t = byKind.get(e.kind) ?? { points: 0, count: 0 };
    byKind.set(e.kind, { points: t.points + e.points, count: t.count + 1 });
  }
  return balanceFromKindTotals([...byKind].map(([kind, t]) => ({ kind, ...t })));
}

/**
 * The cached balance from each kind's sum and count, as a database GROUP BY returns them: lets a repair job
 * rebuild many members' balances without loading their entries. An unknown kind counts as earned points.
 */
export function balanceFromKindTotals(totals: readonly { kind: string; points: number; count: number }[]): CachedBalance {
  let redeemed = 0;
  let expired = 0;
  let earned = 0;
  let entryCount = 0;
  for (const t of totals) {
    entryCount += t.count;
    if (t.kind === "redeem" || t.kind === "redeem-reversal") redeemed -= t.points;
    else if (t.kind === "expire" || t.kind === "expire-reversal") expired -= t.points;
    else earned += t.points;
  }
  return { points: earned - redeemed - expired, lifetimeEarned: earned, lifetimeRedeemed: redeemed, expired, entryCount };
}

// ---------------------------------------------------------------------------------------------------------
// Lots
//
// Every gain of points is a lot: all postings for one order form one lot (`order:<id>`, so a refund shrinks
// the lot it refunds rather than the oldest one), any other gain is a lot of its own, keyed by its entry.
// Redemptions and staff deductions use lots oldest first (by when they became spendable); an expiry empties
// one named lot. When a reversal takes back points that were already spent, the shortfall is a debt that
// the oldest remaining lots, and then new lots, make up for.
// Because the state depends on lots' sizes and on spending, not on how postings for one order were split,
// two ledgers that agree on each order's total and on every spending agree on every lot.

interface LotState {
  key: string;
  availableAt: number;
  /** When the customer earned it: the order's creation for order lots. */
  earnedAt: number;
  /** Whether earning this lot was something the customer did (orders, sign-up, referral). */
  isActivity: boolean;
  net: number;
  spent: number;
  expired: number;
  /** Expire and expire-reversal entries written for the lot, for their keys. */
  expiries: number;
  expiryReversals: number;
}

interface LotBook {
  customerId: string | null;
  /** Ordered oldest first: by availableAt, then key. */
  lots: LotState[];
  byKey: Map<string, LotState>;
  /** Spending that found no lot at all (a staff deduction beyond the balance). */
  unallocated: number;
  lastRedeemedAt: number | null;
  firstEntryAt: number | null;
}

function emptyBook(): LotBook {
  return { customerId: null, lots: [], byKey: new Map(), unallocated: 0, lastRedeemedAt: null, firstEntryAt: null };
}

function lotKeyOf(entry: LedgerEntry): string {
  return entry.kind === "earn" || entry.kind === "adjust-order" ? `order:${entry.orderId}` : entry.key;
}

function addLot(book: LotBook, lot: LotState): void {
  let i = book.lots.length;
  while (i > 0 && compareLots(book.lots[i - 1], lot) > 0) i--;
  book.lots.splice(i, 0, lot);
  book.byKey.set(lot.key, lot);
}

function compareLots(a: LotState, b: LotState): number {
  return a.availableAt - b.availableAt || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/** What each lot still holds once the debt is taken from the oldest lots. */
function remainingByLot(book: LotBook): Map<string, number> {
  let debt = book.unallocated;
  for (const lot of book.lots) debt += Math.max(0, lot.spent + lot.expired - lot.net);
  const remaining = new Map<string, number>();
  for (const lot of book.lots) {
    const raw = Math.max(0, lot.net - lot.spent - lot.expired);
    const covered = Math.min(raw, debt);
    debt -= covered;
    remaining.set(lot.key, raw - covered);
  }
  return remaining;
}

function useOldestFirst(book: LotBook, points: number, as: "spent" | "expired"): void {
  const remaining = remainingByLot(book);
  let left = points;
  for (const lot of book.lots) {
    if (left === 0) break;
    const take = Math.min(left, remaining.get(lot.key) ?? 0);
    if (take > 0) {
      lot[as] += take;
      left -= take;
    }
  }
  book.unallocated += left;
}

function applyToBook(book: LotBook, e: LedgerEntry): void {
  book.customerId ??= e.customerId;
  book.firstEntryAt ??= e.at.getTime();
  switch (e.kind) {
    case "earn":
    case "adjust-order": {
      const key = lotKeyOf(e);
      let lot = book.byKey.get(key);
      if (!lot) {
        lot = { key, availableAt: e.availableAt.getTime(), earnedAt: (e.orderCreatedAt ?? e.at).getTime(), isActivity: true, net: 0, spent: 0, expired: 0, expiries: 0, expiryReversals: 0 };
        addLot(book, lot);
      }
      lot.net += e.points;
      return;
    }
    case "expire":
    case "expire-reversal": {
      const lot = e.lotKey ? book.byKey.get(e.lotKey) : undefined;
      if (lot) {
        lot.expired -= e.points;
        if (e.kind === "expire") lot.expiries++;
        else lot.expiryReversals++;
      } else if (e.points < 0) {
        useOldestFirst(book, -e.points, "expired");
      } else {
        book.unallocated = Math.max(0, book.unallocated - e.points);
      }
      return;
    }
    default:
      if (e.kind === "redeem") book.lastRedeemedAt = Math.max(book.lastRedeemedAt ?? -Infinity, e.at.getTime());
      if (e.points > 0) {
        addLot(book, {
          key: e.key,
          availableAt: e.availableAt.getTime(),
          earnedAt: e.at.getTime(),
          isActivity: e.kind === "signup-bonus" || e.kind === "referral-bonus",
          net: e.points,
          spent: 0,
          expired: 0,
          expiries: 0,
          expiryReversals: 0,
        });
      } else {
        useOldestFirst(book, -e.points, "spent");
      }
  }
}

function bookOf(entries: readonly LedgerEntry[]): LotBook {
  const book = emptyBook();
  for (const e of entries) applyToBook(book, e);
  return book;
}

export interface PointLot {
  lotKey: string;
  /** Points still in the lot. */
  points: number;
  earnedAt: Date;
  availableAt: Date;
}

/** Lots that still hold points, oldest first. Their sum is the balance when the balance is positive. */
export function openLots(entries: readonly LedgerEntry[]): PointLot[] {
  const book = bookOf(entries);
  const remaining = remainingByLot(book);
  return book.lots
    .filter((l) => (remaining.get(l.key) ?? 0) > 0)
    .map((l) => ({ lotKey: l.key, points: remaining.get(l.key)!, earnedAt: new Date(l.earnedAt), availableAt: new Date(l.availableAt) }));
}

/**
 * The customer's last activity: the creation of an order whose points they still hold, a sign-up or referral
 * bonus, or a redemption. Birthday bonuses and staff adjustments happen without the customer and do not
 * count. With no activity at all, the first entry starts the clock.
 */
function lastActivityAt(book: LotBook): number | null {
  let last = book.lastRedeemedAt ?? -Infinity;
  for (const lot of book.lots) if (lot.isActivity && lot.net > 0) last = Math.max(last, lot.earnedAt);
  return Number.isFinite(last) ? last : book.firstEntryAt;
}

export function lastActivityOf(entries: readonly LedgerEntry[]): Date | null {
  const t = lastActivityAt(bookOf(entries));
  return t === null ? null : new Date(t);
}

// ---------------------------------------------------------------------------------------------------------
// Expiry

export interface ExpiringLot {
  lotKey: string;
  points: number;
  expiresAt: Date;
}

/**
 * When a lot expires, months counted on the shop's calendar (`timeZone`). Lot expiry: `months` after it became spendable. Inactivity expiry: `months` after the
 * customer's last activity, so the whole balance goes at once, except that points credited later (a birthday
 * bonus to a customer who has gone quiet) get their own `months` rather than expiring on arrival.
 */
function expiresAt(lot: LotState, policy: Exclude<ExpiryPolicy, { mode: "off" }>, lastActivity: number, timeZone: string): Date {
  if (policy.mode === "lots") return addMonthsIn(new Date(lot.availableAt), policy.months, timeZone);
  return addMonthsIn(new Date(Math.max(lastActivity, lot.earnedAt)), policy.months, timeZone);
}

/**
 * When the next points expire if nothing else happens, or null: lets the expiry job skip customers until
 * then. Any new entry (a refund can also call for giving expired points back) invalidates it.
 */
export function nextExpiryAt(entries: readonly LedgerEntry[], policy: ExpiryPolicy, timeZone = "UTC"): Date | null {
  const soonest = expiringFromBook(bookOf(entries), new Date(8.64e15), policy, timeZone)[0];
  return soonest ? soonest.expiresAt : null;
}

/** Lots with points left that expire at or before `until`, soonest first. */
export function expiringLots(entries: readonly LedgerEntry[], until: Date, policy: ExpiryPolicy, timeZone = "UTC"): ExpiringLot[] {
  return expiringFromBook(bookOf(entries), until, policy, timeZone);
}

function expiringFromBook(book: LotBook, until: Date, policy: ExpiryPolicy, timeZone: string): ExpiringLot[] {
  if (policy.mode === "off") return [];
  const remaining = remainingByLot(book);
  const last = lastActivityAt(book) ?? 0;
  const out: ExpiringLot[] = [];
  for (const lot of book.lots) {
    const points = remaining.get(lot.key) ?? 0;
    if (points <= 0) continue;
    const at = expiresAt(lot, policy, last, timeZone);
    if (at.getTime() <= until.getTime()) out.push({ lotKey: lot.key, points, expiresAt: at });
  }
  return out.sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime() || (a.lotKey < b.lotKey ? -1 : 1));
}

/**
 * The entries an expiry run appends at `now`. Running it again after appending them returns nothing.
 *
 * It first gives back expired points that a later refund also took back (an order's points expired, then
 * the order was refunded: the customer must not lose them twice), then expires what is due. Expiry entries
 * are dated when the points expired, not when the job ran, so a late run writes the same history.
 */
export function expiryEntries(entries: readonly LedgerEntry[], now: Date, policy: ExpiryPolicy, timeZone = "UTC"): LedgerEntry[] {
  const book = bookOf(entries);
  const customerId = book.customerId;
  if (customerId === null) return [];
  const out: LedgerEntry[] = [];
  for (const lot of book.lots) {
    const overdrawn = lot.spent + lot.expired - lot.net;
    const giveBack = Math.min(lot.expired, overdrawn);
    if (giveBack > 0) {
      const entry: LedgerEntry = {
        key: ledgerKeys.expireReversal(lot.key, lot.expiryReversals + 1),
        kind: "expire-reversal",
        customerId,
        points: giveBack,
        at: now,
        availableAt: now,
        lotKey: lot.key,
      };
      out.push(entry);
      applyToBook(book, entry);
    }
  }
  for (const due of expiringFromBook(book, now, policy, timeZone)) {
    const lot = book.byKey.get(due.lotKey)!;
    out.push({
      key: ledgerKeys.expireLot(lot.key, lot.expiries + 1),
      kind: "expire",
      customerId,
      points: -due.points,
      at: due.expiresAt,
      availableAt: due.expiresAt,
      lotKey: lot.key,
    });
  }
  return out;
}

/** A notice to the customer that points will expire soon: an event record, written once per lot. */
export interface ExpiryReminder {
  key: string;
  customerId: string;
  at: Date;
  points: number;
  /** The earliest expiry among the points reminded of. */
  expiresAt: Date;
  /** What the reminder is about, one id per lot expiry, so that no lot is reminded of twice. */
  covers: string[];
}

/**
 * The reminder to send at `now`, if any: points expiring within the policy's reminder days that no earlier
 * reminder covered. One reminder gathers everything due so the customer gets one message, not one per order.
 */
export function reminderDue(
  entries: readonly LedgerEntry[],
  now: Date,
  policy: ExpiryPolicy,
  earlierReminders: readonly ExpiryReminder[] = [],
  timeZone = "UTC",
): ExpiryReminder | null {
  if (policy.mode === "off" || policy.reminderDays <= 0) return null;
  const book = bookOf(entries);
  if (book.customerId === null) return null;
  const covered = new Set(earlierReminders.flatMap((r) => r.covers));
  const due = expiringFromBook(book, addDays(now, policy.reminderDays), policy, timeZone)
    .filter((lot) => lot.expiresAt.getTime() > now.getTime())
    // A lot whose expiry moved (new activity) is a new thing to remind of.
    .map((lot) => ({ ...lot, cover: `${lot.lotKey}@${lot.expiresAt.toISOString()}` }))
    .filter((lot) => !covered.has(lot.cover));
  if (due.length === 0) return null;
  return {
    key: `expiry-reminder:${book.customerId}:${due[0].cover}`,
    customerId: book.customerId,
    at: now,
    points: due.reduce((s, l) => s + l.points, 0),
    expiresAt: due[0].expiresAt,
    covers: due.map((l) => l.cover),
  };
}
