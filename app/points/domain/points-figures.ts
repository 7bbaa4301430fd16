// The loyalty figures of the points ledger (issue 16): points issued, redeemed and expired per month and in a
// period, what is outstanding and what it is worth in money, the redemption rate. Pure: the rows come from
// points-figures.server.ts, sums per kind and month of the shop's calendar.
import type { LedgerEntryKind } from "./ledger";

export type PointsFlow = "issued" | "redeemed" | "expired";

/**
 * Which flow a ledger entry belongs to. Issued: everything that gives points (orders net of their adjustments,
 * bonuses, staff changes and imported balances). A reversal belongs to what it reverses: a returned reward
 * lowers what was redeemed, an expiry undone lowers what expired.
 */
export function flowOfKind(kind: string): PointsFlow | null {
  switch (kind as LedgerEntryKind) {
    case "earn":
    case "adjust-order":
    case "signup-bonus":
    case "birthday-bonus":
    case "referral-bonus":
    case "manual":
      return "issued";
    case "redeem":
    case "redeem-reversal":
      return "redeemed";
    case "expire":
    case "expire-reversal":
      return "expired";
    default:
      return null;
  }
}

export interface Flows {
  issued: number;
  redeemed: number;
  expired: number;
}

/** Sums of entries per kind (signed as in the ledger) as flows, each positive in its own direction. */
export function flowsOf(rows: readonly { kind: string; points: number }[]): Flows {
  const flows: Flows = { issued: 0, redeemed: 0, expired: 0 };
  for (const r of rows) {
    const flow = flowOfKind(r.kind);
    if (flow === "issued") flows.issued += r.points;
    else if (flow) flows[flow] -= r.points;
  }
  return flows;
}

/** The months ending with `today`'s month, oldest first, as YYYY-MM. */
export function monthsEnding(today: string, count: number): string[] {
  const [y, m] = today.split("-").map(Number);
  const out: string[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const index = y * 12 + (m - 1) - i;
    out.push(`${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`);
  }
  return out;
}

/** Flows per month for the months asked (months without entries are zero). */
export function monthlyFlows(rows: readonly { month: string; kind: string; points: number }[], months: readonly string[]): ({ month: string } & Flows)[] {
  return months.map((month) => ({ month, ...flowsOf(rows.filter((r) => r.month === month)) }));
}

/** Share of the points issued in a period that were redeemed in it; null when none were issued. */
export function redemptionRate(flows: Flows): number | null {
  return flows.issued > 0 ? flows.redeemed / flows.issued : null;
}

/** A reward that turns points into money: its cost in points and what it is worth. */
export interface MoneyReward {
  pointsCost: number;
  amountMinor: number;
  currency: string;
}

/**
 * What one point can be worth in money: the best rate among the money rewards (a shopper with enough points
 * takes the best), as a fraction amountMinor / points. Null without money rewards.
 */
export function bestPointValue(rewards: readonly MoneyReward[]): MoneyReward | null {
  let best: MoneyReward | null = null;
  for (const r of rewards) {
    if (r.pointsCost <= 0 || r.amountMinor <= 0) continue;
    if (!best || r.amountMinor * best.pointsCost > best.amountMinor * r.pointsCost) best = r;
  }
  return best;
}

/**
 * The outstanding points as a liability in money: what members could take at the best rate, in whole minor units
 * (rounded down: points short of a whole minor unit buy nothing).
 */
export function liabilityMinor(outstandingPoints: number, value: MoneyReward | null): number | null {
  if (!value) return null;
  return Math.floor((Math.max(0, outstandingPoints) * value.amountMinor) / value.pointsCost);
}
