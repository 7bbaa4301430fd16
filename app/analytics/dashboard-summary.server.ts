// The dashboard's summaries (domain: dashboard-summary.ts): one per shop and UTC day, stored in
// DashboardSummary and kept in memory, valid for one generation of the shop's rollups.
//
// Why: a dashboard computed from the rollups costs a read of every customer's row and a pass over a
// million orders (~0.9 s at 1 M orders). The summary is a few sums plus three sorted spend lists; a
// cold process reads it in one row, and each rollup refresh moves it to the next generation by
// subtracting the refreshed customers' old contribution and adding their new one (exact: integers).
//
// Consistency: refreshRollups runs under a per-shop advisory lock, so the "old facts" it reads are the
// rollups of the previous generation, and it bumps the generation in the same statement that rewrites
// the rows. A summary computed from scratch reads the rollups and the generation in one statement (one
// snapshot). A summary is used only when its generation is the current one; anything else is dropped
// and rebuilt, never patched.
import {
  applyCustomerChanges,
  cloneSummary,
  daySegmentRules,
  DEFAULT_DAY_RULES,
  sameDayRules,
  SortedValues,
  summariseHistory,
  type DashboardSummary,
  type DaySegmentRules,
} from "~/analytics/domain/dashboard-summary";
import { dayNumberToIsoDate, MS_PER_DAY, calendarDateToEpochMs } from "~/analytics/domain/time";
import type { OrderHistory } from "~/analytics/domain/order-history";
import type { SqlClient } from "~/history/history-store.server";
import { sqlOf } from "~/db/connection.server";
import { rollupTextHistory } from "~/history/rollup-text.server";
import { loadSegmentThresholds } from "./segment-rules.server";

/** The dashboard's period lengths (the summary holds each and the period before it). */
export const DASHBOARD_PERIOD_DAYS = [30, 90, 365] as const;

/** Above this many refreshed customers a summary is rebuilt rather than moved (an import). */
export const SUMMARY_DELTA_LIMIT = 20_000;

// ---- encoding ----

/** Sorted non-negative integers as delta varints (a 250 k-customer spend list: ~0.5 MB instead of 2 MB). */
export function encodeSorted(values: SortedValues): string {
  const bytes = new Uint8Array(values.size * 8 + 8);
  let n = 0;
  let previous = 0;
  for (let i = 0; i < values.size; i++) {
    const v = values.at(i);
    let d = v - previous;
    if (!Number.isSafeInteger(v) || d < 0) throw new Error(`summary: cannot encode ${v} after ${previous}`);
    previous = v;
    while (d >= 128) {
      bytes[n++] = (d % 128) | 128;
      d = Math.floor(d / 128);
    }
    bytes[n++] = d;
  }
  return Buffer.from(bytes.buffer, 0, n).toString("base64");
}

export function decodeSorted(text: string, size: number): SortedValues {
  const bytes = Buffer.from(text, "base64");
  const out = new Float64Array(Math.max(16, size));
  let value = 0;
  let i = 0;
  for (let k = 0; k < size; k++) {
    let d = 0;
    let scale = 1;
    for (;;) {
      const b = bytes[i++];
      if (b === undefined) throw new Error("summary: spend list is truncated");
      d += (b & 127) * scale;
      if (b < 128) break;
      scale *= 128;
    }
    value += d;
    out[k] = value;
  }
  if (i !== bytes.length) throw new Error("summary: spend list is longer than its size");
  return new SortedValues(out, size);
}

interface StoredSummary {
  v: 1;
  asOf: string;
  /** Absent in summaries stored before segment rules could be changed: they were built with the defaults. */
  segmentRules?: DaySegmentRules;
  periodDays: number[];
  totals: number[];
  customers: number;
  cohortCustomers: [number, number][];
  cohortReturning: number[];
  lost: number;
  atRisk: number;
  recentFrequent: number;
  spends: [number, string];
  recentNewSpends: [number, string];
  recentOtherSpends: [number, string];
  trendOrders: number[];
  trendRevenue: number[];
  trendActive: number[];
}

export function encodeSummary(s: DashboardSummary): string {
  const stored: StoredSummary = {
    v: 1,
    asOf: s.asOf,
    segmentRules: s.segmentRules,
    periodDays: s.periodDays,
    totals: Array.from(s.totals),
    customers: s.customers,
    cohortCustomers: [...s.cohortCustomers],
    cohortReturning: Array.from(s.cohortReturning),
    lost: s.segments.lost,
    atRisk: s.segments.atRisk,
    recentFrequent: s.segments.recentFrequent,
    spends: [s.segments.spends.size, encodeSorted(s.segments.spends)],
    recentNewSpends: [s.segments.recentNewSpends.size, encodeSorted(s.segments.recentNewSpends)],
    recentOtherSpends: [s.segments.recentOtherSpends.size, encodeSorted(s.segments.recentOtherSpends)],
    trendOrders: Array.from(s.trendOrders),
    trendRevenue: Array.from(s.trendRevenue),
    trendActive: Array.from(s.trendActive),
  };
  return JSON.stringify(stored);
}

export function decodeSummary(text: string): DashboardSummary {
  const s = JSON.parse(text) as StoredSummary;
  if (s.v !== 1) throw new Error(`summary: unknown version ${String(s.v)}`);
  return {
    asOf: s.asOf,
    segmentRules: s.segmentRules ?? DEFAULT_DAY_RULES,
    periodDays: s.periodDays,
    totals: Float64Array.from(s.totals),
    customers: s.customers,
    cohortCustomers: new Map(s.cohortCustomers),
    cohortReturning: Float64Array.from(s.cohortReturning),
    segments: {
      lost: s.lost,
      atRisk: s.atRisk,
      recentFrequent: s.recentFrequent,
      spends: decodeSorted(s.spends[1], s.spends[0]),
      recentNewSpends: decodeSorted(s.recentNewSpends[1], s.recentNewSpends[0]),
      recentOtherSpends: decodeSorted(s.recentOtherSpends[1], s.recentOtherSpends[0]),
    },
    trendOrders: Float64Array.from(s.trendOrders),
    trendRevenue: Float64Array.from(s.trendRevenue),
    trendActive: Float64Array.from(s.trendActive),
  };
}

// ---- in memory ----

interface Held {
  generation: number;
  summary: DashboardSummary;
}


// A 250 k-customer shop's summary holds ~2–4 MB of sorted spends in memory.
const MAX_SHOPS = 8;
/** Shop → day → the summary held in memory. */
const summaries = new Map<string, Map<string, Held>>();

function held(shop: string): Map<string, Held> {
  const shops = summaries;
  let days = shops.get(shop);
  if (!days) {
    days = new Map();
    shops.set(shop, days);
    while (shops.size > MAX_SHOPS) shops.delete(shops.keys().next().value as string);
  }
  return days;
}

export function forgetDashboardSummaries(shop?: string) {
  if (!shop) summaries.clear();
  else summaries.delete(shop);
}

// ---- moving summaries forward (called by refreshRollups inside its lock) ----

export interface RollupChange {
  customerId: string;
  /** The customer's rollup facts before the refresh and after it; null when they had no row. */
  before: string | null;
  after: string | null;
}

function changedHistory(changes: readonly RollupChange[], side: "before" | "after"): OrderHistory {
  const parts: string[] = [];
  let orders = 0;
  for (const c of changes) {
    const facts = c[side];
    if (facts === null) continue;
    parts.push(`${c.customerId}=${facts}`);
    orders += facts.split(" ").length;
  }
  return rollupTextHistory(parts.join("|"), parts.length, orders).history;
}

/**
 * Moves the shop's stored summaries from generation − 1 to `generation` with the refreshed customers'
 * old and new facts; drops summaries of any other generation. Returns what to put in memory once the
 * surrounding transaction has committed.
 */
export async function moveSummaries(tx: SqlClient, shop: string, changes: readonly RollupChange[], generation: number): Promise<() => void> {
  const days = held(shop);
  const rows = await tx.$queryRawUnsafe<{ asOf: string; generation: string; state: string | null }[]>(
    `SELECT "asOf", "generation"::text AS generation,
            CASE WHEN "generation" = $2 - 1 THEN "state" END AS state
       FROM "DashboardSummary" WHERE "shop" = $1`,
    shop,
    generation,
  );
  const moved: Held[] = [];
  const current = rows.filter((r) => Number(r.generation) === generation - 1 && r.state !== null);
  const before = current.length > 0 ? changedHistory(changes, "before") : null;
  const after = current.length > 0 ? changedHistory(changes, "after") : null;
  for (const row of current) {
    // A copy of the in-memory summary of the same generation saves decoding (a view may still be
    // reading the original).
    const inMemory = days.get(row.asOf);
    try {
      const summary = inMemory && inMemory.generation === generation - 1 ? cloneSummary(inMemory.summary) : decodeSummary(row.state!);
      applyCustomerChanges(summary, before!, after!);
      moved.push({ generation, summary });
    } catch (error) {
      // A summary that cannot be moved must not stop the rollups' refresh: it is dropped and rebuilt.
      console.error(`[treue] dashboard summary ${shop} ${row.asOf} could not be moved; it will be rebuilt:`, error);
    }
  }
  await tx.$executeRawUnsafe(
    `DELETE FROM "DashboardSummary" WHERE "shop" = $1 AND NOT ("asOf" = ANY($2::text[]))`,
    shop,
    moved.map((m) => m.summary.asOf),
  );
  for (const m of moved) {
    await tx.$executeRawUnsafe(
      `UPDATE "DashboardSummary" SET "generation" = $3, "state" = $4 WHERE "shop" = $1 AND "asOf" = $2`,
      shop,
      m.summary.asOf,
      generation,
      encodeSummary(m.summary),
    );
  }
  return () => {
    for (const m of moved) days.set(m.summary.asOf, m);
  };
}

/** After a refresh too big to move summaries (an import): drop them; the next view or job rebuilds. */
export async function dropSummaries(tx: SqlClient, shop: string): Promise<() => void> {
  await tx.$executeRawUnsafe(`DELETE FROM "DashboardSummary" WHERE "shop" = $1`, shop);
  return () => forgetDashboardSummaries(shop);
}

// ---- reading ----

export interface RollupState {
  generation: number;
  dirty: boolean;
  orders: number;
  refunds: number;
  currency: string | null;
}

/** One round trip: what a view needs to know before deciding whether anything must be done. */
export async function rollupState(db: SqlClient, shop: string): Promise<RollupState> {
  const [row] = await db.$queryRawUnsafe<{ generation: string | null; dirty: boolean; orders: string | null; refunds: string | null; currency: string | null }[]>(
    `SELECT (SELECT "generation"::text FROM "HistoryRollupState" WHERE "shop" = $1) AS generation,
            EXISTS (SELECT 1 FROM "HistoryRollupDirty" WHERE "shop" = $1) AS dirty,
            (SELECT sum("orders")::text FROM "HistoryRollupCount" WHERE "shop" = $1) AS orders,
            (SELECT sum("refunds")::text FROM "HistoryRollupCount" WHERE "shop" = $1) AS refunds,
            (SELECT "currency" FROM "HistoryOrder" WHERE "shop" = $1 ORDER BY "createdAt" DESC LIMIT 1) AS currency`,
    shop,
  );
  return {
    generation: Number(row.generation ?? 0),
    dirty: row.dirty,
    orders: Number(row.orders ?? 0),
    refunds: Number(row.refunds ?? 0),
    currency: row.currency,
  };
}

export type SummarySource = "memory" | "stored" | "computed";

/**
 * The shop's summary for `asOf` at `generation`: from memory, from the table, or computed from the
 * rollups and stored. Computing reads the rollups and their generation in one statement; when that
 * generation is newer than asked for (a refresh came in between), the newer summary is returned.
 */
export async function summaryAt(
  db: SqlClient,
  shop: string,
  asOf: string,
  generation: number,
  rules: DaySegmentRules = DEFAULT_DAY_RULES,
): Promise<{ summary: DashboardSummary; generation: number; source: SummarySource }> {
  const days = held(shop);
  const inMemory = days.get(asOf);
  // A summary built with other segment rules (the merchant changed them) is rebuilt, not reused.
  if (inMemory && inMemory.generation === generation && sameDayRules(inMemory.summary.segmentRules, rules)) return { ...inMemory, source: "memory" };
  const [row] = await db.$queryRawUnsafe<{ state: string }[]>(
    `SELECT "state" FROM "DashboardSummary" WHERE "shop" = $1 AND "asOf" = $2 AND "generation" = $3`,
    shop,
    asOf,
    generation,
  );
  if (row) {
    try {
      const summary = decodeSummary(row.state);
      if (sameDayRules(summary.segmentRules, rules)) {
        days.set(asOf, { generation, summary });
        return { summary, generation, source: "stored" };
      }
    } catch (error) {
      console.error(`[treue] stored dashboard summary ${shop} ${asOf} is unreadable; rebuilding it:`, error);
    }
  }
  return { ...(await computeSummary(db, shop, asOf, rules)), source: "computed" };
}

/** Builds the summary from every rollup row and stores it (unless the rollups moved on meanwhile). */
export async function computeSummary(db: SqlClient, shop: string, asOf: string, rules?: DaySegmentRules): Promise<{ summary: DashboardSummary; generation: number }> {
  rules ??= daySegmentRules(await loadSegmentThresholds(db, shop));
  const [row] = await db.$queryRawUnsafe<{ generation: string | null; customers: string; orders: string | null; text: string | null }[]>(
    `SELECT (SELECT "generation"::text FROM "HistoryRollupState" WHERE "shop" = $1) AS generation,
            count(*)::text AS customers, sum("orders")::text AS orders,
            string_agg("customerId" || '=' || "facts", '|') AS text
       FROM "HistoryCustomerRollup" WHERE "shop" = $1`,
    shop,
  );
  const generation = Number(row.generation ?? 0);
  const { history } = rollupTextHistory(row.text ?? "", Number(row.customers), Number(row.orders ?? 0));
  const summary = summariseHistory(history, asOf, DASHBOARD_PERIOD_DAYS, rules);
  await storeSummary(db, shop, summary, generation);
  held(shop).set(asOf, { generation, summary });
  return { summary, generation };
}

/**
 * When a caller has just read every rollup row anyway (the import's last step loads the history for
 * the segments), builds the day's summary from it unless one is stored for that generation.
 */
export async function ensureSummaryFrom(db: SqlClient, shop: string, history: OrderHistory, generation: number, asOf: string): Promise<void> {
  const rules = daySegmentRules(await loadSegmentThresholds(db, shop));
  const inMemory = held(shop).get(asOf);
  if (inMemory?.generation === generation && sameDayRules(inMemory.summary.segmentRules, rules)) return;
  // Only the stored summary's rules are needed here, not its spend lists.
  const [stored] = await db.$queryRawUnsafe<{ rules: DaySegmentRules | null }[]>(
    `SELECT ("state"::json) -> 'segmentRules' AS rules FROM "DashboardSummary" WHERE "shop" = $1 AND "asOf" = $2 AND "generation" = $3`,
    shop,
    asOf,
    generation,
  );
  if (stored && sameDayRules(stored.rules ?? DEFAULT_DAY_RULES, rules)) return;
  const summary = summariseHistory(history, asOf, DASHBOARD_PERIOD_DAYS, rules);
  await storeSummary(db, shop, summary, generation);
  held(shop).set(asOf, { generation, summary });
}

/**
 * The oldest day whose stored rows (summaries, member splits) are kept once `asOf`'s are stored: the day before
 * (a view that started before midnight); older ones are dropped.
 */
export function oldestKeptDay(asOf: string): string {
  return dayNumberToIsoDate(calendarDateToEpochMs(asOf) / MS_PER_DAY - 1);
}

async function storeSummary(db: SqlClient, shop: string, summary: DashboardSummary, generation: number) {
  // Stored only while its generation is current: a refresh that committed meanwhile did not move it.
  await db.$executeRawUnsafe(
    `INSERT INTO "DashboardSummary" ("shop", "asOf", "generation", "state")
     SELECT $1, $2, $3, $4 WHERE COALESCE((SELECT "generation" FROM "HistoryRollupState" WHERE "shop" = $1), 0) = $3
     ON CONFLICT ("shop", "asOf") DO UPDATE SET "generation" = EXCLUDED."generation", "state" = EXCLUDED."state", "computedAt" = now() AT TIME ZONE 'UTC'`,
    shop,
    summary.asOf,
    generation,
    encodeSummary(summary),
  );
  // Every refresh moves every stored summary of the shop, so days that are over go.
  const oldest = oldestKeptDay(summary.asOf);
  await db.$executeRawUnsafe(`DELETE FROM "DashboardSummary" WHERE "shop" = $1 AND "asOf" < $2`, shop, oldest);
  for (const asOf of [...held(shop).keys()]) if (asOf < oldest) held(shop).delete(asOf);
}

/** The rollup history of the customers `where` selects (a condition on "r", $1 the shop, $2 the ids), read in one snapshot with the rollups' generation. */
async function rollupHistoryWhere(db: SqlClient, shop: string, where: string, ids: readonly string[]): Promise<{ history: OrderHistory; generation: number }> {
  // Through the pool (sqlOf), not Prisma: with every customer a member this text holds the whole shop's rollups,
  // and Prisma would hold further copies of it.
  const [row] = await sqlOf(db).query<{ generation: string | null; customers: string; orders: string | null; text: string | null }>(
    `SELECT (SELECT "generation"::text FROM "HistoryRollupState" WHERE "shop" = $1) AS generation,
            count(*)::text AS customers, sum("orders")::text AS orders,
            string_agg("customerId" || '=' || "facts", '|') AS text
       FROM "HistoryCustomerRollup" r WHERE r."shop" = $1 AND (${where})`,
    [shop, ids.filter((id) => /^-?\d+$/.test(id))],
  );
  const { history } = rollupTextHistory(row.text ?? "", Number(row.customers), Number(row.orders ?? 0));
  return { history, generation: Number(row.generation ?? 0) };
}

/**
 * The rollup history of every customer who is not a member, and of `plus` (the referred customers, members or
 * not): what the member split reads once members are most of the shop (the history import enrols every
 * customer), since members' totals are then the shop's totals less these.
 */
export function nonMemberRollupHistory(db: SqlClient, shop: string, plus: readonly string[]): Promise<{ history: OrderHistory; generation: number }> {
  return rollupHistoryWhere(
    db,
    shop,
    `NOT EXISTS (SELECT 1 FROM "Member" m WHERE m."shop" = r."shop" AND m."customerId" = r."customerId"::text) OR r."customerId" = ANY($2::bigint[])`,
    plus,
  );
}

/** Period totals (domain groupTotals) need the group's own orders: read just those customers' rollups. */
export function groupRollupHistory(db: SqlClient, shop: string, customerIds: readonly string[]): Promise<{ history: OrderHistory; generation: number }> {
  return rollupHistoryWhere(db, shop, `r."customerId" = ANY($2::bigint[])`, customerIds);
}
