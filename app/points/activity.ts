// What a member sees of their own points: the ledger as a history with shopper words (no staff notes, no
// internal keys), and where they stand on the way to the next VIP tier. Pure: the service reads the rows.
import type { LedgerEntryKind } from "~/points/domain/ledger";
import type { VipSettings } from "~/points/domain/program";

export interface ActivityRow {
  id: bigint;
  kind: string;
  points: number;
  at: Date;
  availableAt: Date;
  idempotencyKey: string;
}

export interface ActivityEntry {
  /** Cursor for the next page (`before`). */
  id: string;
  kind: LedgerEntryKind;
  points: number;
  at: string;
  /** Earned points not spendable yet: from when they are. */
  pendingUntil: string | null;
  /** `redeem`: the reward the points bought, when known. */
  reward: string | null;
}

/**
 * Newest first, as read. A staff adjustment's reason is for staff: the member sees "adjusted by the shop".
 * `rewardTitles` maps a redemption's idempotency key to its reward's title.
 */
export function shopperActivity(rows: readonly ActivityRow[], rewardTitles: ReadonlyMap<string, string>, now: Date): ActivityEntry[] {
  return rows.map((r) => ({
    id: r.id.toString(),
    kind: r.kind as LedgerEntryKind,
    points: r.points,
    at: r.at.toISOString(),
    pendingUntil: r.points > 0 && r.availableAt.getTime() > now.getTime() ? r.availableAt.toISOString() : null,
    reward: r.kind === "redeem" ? (rewardTitles.get(r.idempotencyKey.replace(/^redeem:/, "")) ?? null) : null,
  }));
}

export interface TierProgress {
  /** The tier the member holds (kept until `periodEnd` even if their spend fell). */
  current: string | null;
  periodEnd: string | null;
  /** Spend in the rolling window, shop-currency minor units. */
  spendMinor: number;
  windowDays: number;
  /** The next tier up and the spend still missing; null at the top. */
  next: { name: string; remainingMinor: number } | null;
  /** Holding a tier whose threshold the window's spend no longer reaches: what keeps it at the review. */
  keep: { remainingMinor: number } | null;
}

/** null when the program has no tiers. */
export function tierProgress(vip: VipSettings, spendMinor: number, currentTierId: string | null, periodEnd: Date | null): TierProgress | null {
  if (vip.tiers.length === 0) return null;
  const tiers = [...vip.tiers].sort((a, b) => a.thresholdMinor - b.thresholdMinor);
  const current = tiers.find((t) => t.id === currentTierId) ?? null;
  const floor = Math.max(spendMinor, current ? current.thresholdMinor : -1);
  const next = tiers.find((t) => t.thresholdMinor > floor && (!current || t.thresholdMinor > current.thresholdMinor)) ?? null;
  return {
    current: current?.name ?? null,
    periodEnd: current && periodEnd ? periodEnd.toISOString() : null,
    spendMinor,
    windowDays: vip.windowDays,
    next: next ? { name: next.name, remainingMinor: next.thresholdMinor - spendMinor } : null,
    keep: current && spendMinor < current.thresholdMinor ? { remainingMinor: current.thresholdMinor - spendMinor } : null,
  };
}
