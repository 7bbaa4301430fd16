// The retention dashboard's figures for one shop and period. A page view reads the day's summary
// (dashboard-summary.server.ts: sums over customers, moved forward by every rollup refresh) and adds
// the member split and referral rate from those customers' own rollups; results are memoised per
// rollup generation, so a view with nothing new costs one query. `computeDashboard` computes the same
// dashboard from a whole history with the domain's functions (the benchmark's baseline, the tests'
// reference); the segment pages read that history (analytics-history.server.ts) for their lists.
import type { PrismaClient } from "@prisma/client";
import type { PeriodicJob } from "~/jobs/periodic-jobs.server";
import {
  compareWithPreviousPeriod,
  splitByMembership,
  type Figure,
  type RetentionReport,
  type RetentionTotals,
} from "~/analytics/domain/retention-metrics";
import { cohortRetention } from "~/analytics/domain/cohort-retention";
import { monthlyTrend as monthlyTrendOf } from "~/analytics/domain/monthly-trend";
import { DEFAULT_SEGMENT_THRESHOLDS, lifecycleSegments, type LifecycleSegment, type SegmentThresholds } from "~/analytics/domain/lifecycle-segments";
import { segmentThresholdsKey } from "~/analytics/domain/segment-form";
import { dayNumberToIsoDate, MS_PER_DAY } from "~/analytics/domain/time";
import { addCalendarDays, calendarDayOf, formatDay, startOfDay } from "~/shops/domain/zoned";
import { shopTimeZone, shopToday } from "~/shops/time-zone.server";
import { cachedShopHistory, type CachedHistory, type ShopHistory } from "~/history/analytics-history.server";
import type { SqlClient } from "~/history/history-store.server";
import { LATEST_CURRENCY, loadRollupHistory, refreshRollupsAt } from "~/history/history-rollups.server";
import { loadSegmentThresholds } from "./segment-rules.server";
import { segmentListFromRollups } from "./segment-lists.server";
import { DASHBOARD_PERIOD_DAYS, ensureSummaryFrom, groupRollupHistory, nonMemberRollupHistory, rollupState, summaryAt, type SummarySource } from "./dashboard-summary.server";
import {
  groupTotals,
  subtractTotals,
  summaryCohorts,
  summaryReport,
  daySegmentRules,
  summarySegments,
  summaryTrend,
  summaryVipMinSpend,
  totalsOf,
  windowOf,
  type DashboardSummary,
} from "~/analytics/domain/dashboard-summary";
import type { OrderHistory } from "~/analytics/domain/order-history";

/** The history the dashboard reads: from the rollups, at day resolution (exact for every figure here). */
export function dashboardHistory(db: SqlClient, shop: string) {
  return cachedShopHistory(db, shop, { loader: loadRollupHistoryAndSummary, kind: "rollup" });
}

/**
 * Every rollup row is in hand when this history loads (after an import it is the import's last step):
 * today's dashboard summary is built from it too, unless stored already, so the first view finds it.
 */
async function loadRollupHistoryAndSummary(db: SqlClient, shop: string, version: number): Promise<ShopHistory> {
  const h = await loadRollupHistory(db, shop, version);
  await ensureSummaryFrom(db, shop, h.history, h.rollupGeneration ?? 0, await shopToday(db, shop));
  return h;
}

export const PERIOD_DAYS = DASHBOARD_PERIOD_DAYS;
export type PeriodDays = (typeof PERIOD_DAYS)[number];

export const FIGURE_KEYS = [
  "retentionRate",
  "churnRate",
  "repeatPurchaseRate",
  "purchaseFrequency",
  "averageOrderValueMinor",
  "customerLifetimeValueMinor",
  "activeCustomers",
  "ordersPerActiveCustomer",
  "returningRevenueShare",
  "referralRate",
] as const;
export type FigureKey = (typeof FIGURE_KEYS)[number];

export interface FigureValue {
  value: number | null;
  reason: string | null;
}

export interface DashboardFigure {
  key: FigureKey;
  kind: "rate" | "money" | "count" | "ratio";
  current: FigureValue;
  previous: FigureValue;
}

export interface Dashboard {
  period: { from: string; to: string; days: number };
  previousPeriod: { from: string; to: string };
  currency: string | null;
  totals: { orders: number; revenueMinor: number; customersAtStart: number; newCustomers: number };
  figures: DashboardFigure[];
  members: { members: DashboardFigure[]; nonMembers: DashboardFigure[]; memberCount: number } | null;
  cohorts: { cohort: string; customers: number; retention: (number | null)[] }[];
  segments: Record<LifecycleSegment, number>;
  /** The rules the segments were drawn with (the merchant's, or the defaults), VIP spend resolved. */
  segmentRules: SegmentThresholds & { vipMinSpendMinor: number; vipSpendRule: "share" | "amount" };
  trend: { month: string; orders: number; revenueMinor: number; activeCustomers: number }[];
  history: { orders: number; refunds: number; customers: number; loadMs: number; stale: boolean };
}

const KIND: Record<FigureKey, DashboardFigure["kind"]> = {
  retentionRate: "rate",
  churnRate: "rate",
  repeatPurchaseRate: "rate",
  purchaseFrequency: "ratio",
  averageOrderValueMinor: "money",
  customerLifetimeValueMinor: "money",
  activeCustomers: "count",
  ordersPerActiveCustomer: "ratio",
  returningRevenueShare: "rate",
  referralRate: "rate",
};

function figureOf(report: RetentionReport, key: FigureKey, referralsExist: boolean): FigureValue {
  if (key === "activeCustomers") return { value: report.activeCustomers, reason: null };
  if (key === "referralRate" && !referralsExist) return { value: null, reason: "no referrals yet" };
  const f: Figure = report[key];
  return { value: f.value, reason: f.value === null ? f.reason : null };
}

function figuresOf(current: RetentionReport, previous: RetentionReport | null, referralsExist: boolean): DashboardFigure[] {
  return FIGURE_KEYS.map((key) => ({
    key,
    kind: KIND[key],
    current: figureOf(current, key, referralsExist),
    previous: previous ? figureOf(previous, key, referralsExist) : { value: null, reason: null },
  }));
}

/** Last `days` days ending `today` (inclusive), UTC. */
export function periodEnding(today: string, days: number): { from: string; to: string } {
  const end = Date.parse(`${today}T00:00:00Z`) / MS_PER_DAY;
  return { from: dayNumberToIsoDate(end - days + 1), to: today };
}

/** Orders, revenue and active customers per UTC month for the last `months` months (domain: monthly-trend.ts). */
export function monthlyTrend(h: ShopHistory, today: string, months = 12): Dashboard["trend"] {
  return monthlyTrendOf(h.history, today, months);
}

type ShopShape = Pick<Dashboard, "cohorts" | "segments" | "segmentRules" | "trend">;

/** The parts that do not depend on the chosen period: computed once per day, history version and segment rules. */
export function computeShopShape(h: ShopHistory, today: string, thresholds: Partial<SegmentThresholds> = {}): ShopShape {
  const segments = lifecycleSegments(h.history, today, thresholds);
  return {
    cohorts: cohortRetention(h.history, today)
      .rows.slice(-12)
      .map((r) => ({ cohort: r.cohort, customers: r.customers, retention: r.retention.slice(0, 12) })),
    segments: segments.counts,
    segmentRules: { ...segments.thresholds, vipSpendRule: thresholds.vipMinSpendMinor === undefined ? "share" : "amount" },
    trend: monthlyTrend(h, today),
  };
}

export function computeDashboard(
  cached: Pick<CachedHistory, "value" | "stale">,
  opts: { today: string; days: PeriodDays; memberIds: ReadonlySet<string> | null; referredIds: ReadonlySet<string> | null },
  shape: ShopShape = computeShopShape(cached.value, opts.today),
): Dashboard {
  const h = cached.value;
  const period = periodEnding(opts.today, opts.days);
  const referralOptions = opts.referredIds ? { referredCustomerIds: opts.referredIds } : {};
  const referralsExist = !!opts.referredIds && opts.referredIds.size > 0;
  const { current, previous } = compareWithPreviousPeriod(h.history, period, referralOptions);
  let members: Dashboard["members"] = null;
  // An empty members table splits nothing; the page then says there are no members yet.
  if (opts.memberIds && opts.memberIds.size > 0) {
    const split = splitByMembership(h.history, period, opts.memberIds, referralOptions);
    members = {
      members: figuresOf(split.members, null, referralsExist),
      nonMembers: figuresOf(split.nonMembers, null, referralsExist),
      memberCount: opts.memberIds.size,
    };
  }
  return {
    period: current.period,
    previousPeriod: previous.period,
    currency: h.currency,
    totals: {
      orders: current.orders,
      revenueMinor: current.revenueMinor,
      customersAtStart: current.customersAtStart,
      newCustomers: current.newCustomers,
    },
    figures: figuresOf(current, previous, referralsExist),
    members,
    ...shape,
    history: { orders: h.orders, refunds: h.refunds, customers: h.history.customerIds.length, loadMs: h.loadMs, stale: cached.stale },
  };
}

const COLUMNS_KEPT_MS = 60_000;
const knownColumns = new WeakMap<SqlClient, Map<string, { names: string[]; at: number }>>();

/**
 * A table's columns, remembered for a minute: information_schema costs 5–30 ms a query, twice per
 * view, and tables only change with a migration.
 */
async function tableColumns(db: SqlClient, table: string): Promise<string[]> {
  let tables = knownColumns.get(db);
  if (!tables) knownColumns.set(db, (tables = new Map()));
  const known = tables.get(table);
  if (known && Date.now() - known.at < COLUMNS_KEPT_MS) return known.names;
  const columns = await db.$queryRawUnsafe<{ column_name: string }[]>(
    `SELECT column_name::text AS column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`,
    table,
  );
  const names = columns.map((c) => c.column_name);
  tables.set(table, { names, at: Date.now() });
  return names;
}

/** Ids from a table another feature owns, read only if it exists (members, referrals). */
async function idsFromOptionalTable(db: SqlClient, shop: string, table: string, columnPattern: RegExp): Promise<Set<string> | null> {
  const names = await tableColumns(db, table);
  const idColumn = names.find((n) => columnPattern.test(n));
  if (!names.includes("shop") || !idColumn) return null;
  try {
    const rows = await db.$queryRawUnsafe<{ id: string | null }[]>(
      `SELECT "${idColumn}"::text AS id FROM "${table}" WHERE "shop" = $1`,
      shop,
    );
    const ids = new Set<string>();
    for (const r of rows) {
      const digits = r.id ? /(\d+)$/.exec(r.id)?.[1] : undefined;
      if (digits) ids.add(digits.replace(/^0+(?=\d)/, ""));
    }
    return ids;
  } catch {
    return null;
  }
}

export const loadMemberIds = (db: SqlClient, shop: string) => idsFromOptionalTable(db, shop, "Member", /^customerId$/i);
export const loadReferredIds = (db: SqlClient, shop: string) =>
  idsFromOptionalTable(db, shop, "Referral", /^(referred|referee|invitee)CustomerId$/i);


export interface DashboardOptions {
  today: string;
  days: PeriodDays;
  memberIds: ReadonlySet<string> | null;
  referredIds: ReadonlySet<string> | null;
  /** The shop's segment rules (SegmentRules); the defaults when absent. */
  thresholds?: SegmentThresholds;
}

/**
 * The dashboard from a summary (domain: dashboard-summary.ts) and, for the member split and the
 * referral rate, `groups`: those customers' own orders (the rest of the shop is total − members).
 */
export function dashboardFromSummary(
  summary: DashboardSummary,
  opts: DashboardOptions,
  groups: OrderHistory | null,
  info: { currency: string | null; orders: number; refunds: number; loadMs: number },
  /** `groups` holds everyone but the members (and the referred customers) instead of the members. */
  groupsAreNonMembers = false,
): Dashboard {
  const { days } = opts;
  const thresholds = opts.thresholds ?? DEFAULT_SEGMENT_THRESHOLDS;
  const referralsExist = !!opts.referredIds && opts.referredIds.size > 0;
  const indices = (ids: ReadonlySet<string> | null) => {
    const out: number[] = [];
    if (ids && groups) for (const id of ids) {
      const c = groups.customerIndex.get(id);
      if (c !== undefined) out.push(c);
    }
    return out;
  };
  const totalsFor = (ids: number[]) => (groups && ids.length > 0 ? groupTotals(groups, ids, summary.asOf, summary.periodDays) : null);
  const cur = windowOf(summary, days, "current");
  const prev = windowOf(summary, days, "previous");
  const referred = totalsFor(indices(opts.referredIds));
  const referredOrders = (w: number) => (opts.referredIds ? (referred ? totalsOf(referred, w).orders : 0) : null);
  const current = summaryReport(summary, days, "current", referredOrders(cur));
  const previous = summaryReport(summary, days, "previous", referredOrders(prev));
  let members: Dashboard["members"] = null;
  if (opts.memberIds && opts.memberIds.size > 0) {
    const memberSet = opts.memberIds;
    let m: RetentionTotals;
    if (groupsAreNonMembers) {
      // Totals add up per customer, so the members' are the shop's less everyone else's.
      const others: number[] = [];
      if (groups) for (let c = 0; c < groups.customerIds.length; c++) if (!memberSet.has(groups.customerIds[c])) others.push(c);
      const otherTotals = totalsFor(others);
      m = otherTotals ? subtractTotals(totalsOf(summary.totals, cur), totalsOf(otherTotals, cur)) : totalsOf(summary.totals, cur);
    } else {
      const memberTotals = totalsFor(indices(memberSet));
      m = memberTotals ? totalsOf(memberTotals, cur) : totalsOf(new Float64Array(summary.totals.length), cur);
    }
    const referredSet = opts.referredIds;
    const both = referredSet ? totalsFor(indices(referredSet).filter((c) => memberSet.has(groups!.customerIds[c]))) : null;
    const memberReferred = referredSet ? (both ? totalsOf(both, cur).orders : 0) : null;
    const allReferred = referredOrders(cur);
    members = {
      members: figuresOf(summaryReport(summary, days, "current", memberReferred, m), null, referralsExist),
      nonMembers: figuresOf(
        summaryReport(summary, days, "current", allReferred === null ? null : allReferred - memberReferred!, subtractTotals(totalsOf(summary.totals, cur), m)),
        null,
        referralsExist,
      ),
      memberCount: opts.memberIds.size,
    };
  }
  return {
    period: current.period,
    previousPeriod: previous.period,
    currency: info.currency,
    totals: {
      orders: current.orders,
      revenueMinor: current.revenueMinor,
      customersAtStart: current.customersAtStart,
      newCustomers: current.newCustomers,
    },
    figures: figuresOf(current, previous, referralsExist),
    members,
    cohorts: summaryCohorts(summary),
    segments: summarySegments(summary, thresholds),
    segmentRules: {
      ...summary.segmentRules,
      vipTopShare: thresholds.vipTopShare,
      vipMinSpendMinor: summaryVipMinSpend(summary, thresholds),
      vipSpendRule: thresholds.vipMinSpendMinor === undefined ? "share" : "amount",
    },
    trend: summaryTrend(summary),
    history: { orders: info.orders, refunds: info.refunds, customers: summary.customers, loadMs: info.loadMs, stale: false },
  };
}

/**
 * The shop's summary for `today`, current with the rollups: refreshes dirty customers first (which
 * moves stored summaries forward), then takes it from memory, the table, or computes it.
 */
export async function currentSummary(db: SqlClient, shop: string, today: string, thresholds: SegmentThresholds = DEFAULT_SEGMENT_THRESHOLDS) {
  const state = await rollupState(db, shop);
  const generation = state.dirty ? (await refreshRollupsAt(db, shop)).generation : state.generation;
  return { ...(await summaryAt(db, shop, today, generation, daySegmentRules(thresholds))), state };
}

/** Dashboards already computed, by everything they depend on (the newest 64). */
const dashboards = new Map<string, Dashboard>();

/**
 * Keeps every shop's summary ready so no view computes one: today's (after an import, after a restart
 * with an older stored day) and, in the last hour of the shop's day, tomorrow's — computed from today's
 * rollups and moved by every refresh until the shop's midnight, so the first view of a day finds it.
 */
export const dashboardSummaryJob: PeriodicJob = {
  name: "dashboard-summaries",
  everyMs: 10 * 60_000,
  async run(db, now) {
    const shops = await db.$queryRawUnsafe<{ shop: string }[]>(`SELECT "shop" FROM "HistoryRollupState" ORDER BY "shop"`);
    for (const { shop } of shops) {
      const zone = await shopTimeZone(db, shop);
      const today = calendarDayOf(now, zone);
      const tomorrow = addCalendarDays(today, 1);
      await currentSummary(db, shop, formatDay(today));
      if (now.getTime() >= startOfDay(tomorrow, zone).getTime() - 60 * 60_000) await currentSummary(db, shop, formatDay(tomorrow));
    }
  },
};

export function forgetDashboards() {
  dashboards.clear();
}

/** The dashboard for given member and referred customers (shopDashboard reads those from their tables). */
export async function dashboardFor(db: SqlClient, shop: string, opts: DashboardOptions): Promise<Dashboard & { source: SummarySource }> {
  const started = performance.now();
  for (let attempt = 0; ; attempt++) {
    const { summary, generation, source, state } = await currentSummary(db, shop, opts.today, opts.thresholds);
    const key = `${shop}|${opts.today}|${generation}|${opts.days}|${opts.memberIds?.size ?? -1}|${opts.referredIds?.size ?? -1}|${state.orders}|${state.refunds}|${state.currency}|${segmentThresholdsKey(opts.thresholds ?? DEFAULT_SEGMENT_THRESHOLDS)}`;
    const memo = dashboards;
    const known = memo.get(key);
    if (known) return { ...known, source };
    let groups: OrderHistory | null = null;
    // Once members are most of the shop (the import enrols every customer), read the others and take the members
    // as the shop less them: a few thousand rollups instead of every one.
    const complement = (opts.memberIds?.size ?? 0) > summary.customers / 2;
    const ids = complement ? new Set(opts.referredIds ?? []) : new Set([...(opts.memberIds ?? []), ...(opts.referredIds ?? [])]);
    if (complement || ids.size > 0) {
      const read = complement ? await nonMemberRollupHistory(db, shop, [...ids]) : await groupRollupHistory(db, shop, [...ids]);
      // Read in one snapshot with its generation: if a refresh came in between, start over so the
      // groups and the summary describe the same rollups.
      if (read.generation !== generation && attempt < 3) continue;
      groups = read.history;
    }
    const dashboard = dashboardFromSummary(summary, opts, groups, { ...state, loadMs: performance.now() - started }, complement);
    memo.set(key, dashboard);
    while (memo.size > 64) memo.delete(memo.keys().next().value as string);
    return { ...dashboard, source };
  }
}

export async function shopDashboard(
  prisma: PrismaClient,
  shop: string,
  days: PeriodDays,
  now = new Date(),
): Promise<Dashboard> {
  const today = await shopToday(prisma, shop, now);
  const [memberIds, referredIds, thresholds] = await Promise.all([loadMemberIds(prisma, shop), loadReferredIds(prisma, shop), loadSegmentThresholds(prisma, shop)]);
  const { source: _source, ...dashboard } = await dashboardFor(prisma, shop, { today, days, memberIds, referredIds, thresholds });
  return dashboard;
}

/** Every customer's lifecycle segment as of `today`, by the shop's segment rules (memoised per history version). */
export async function segmentReport(prisma: PrismaClient, shop: string, today: string) {
  const [cached, thresholds] = await Promise.all([dashboardHistory(prisma, shop), loadSegmentThresholds(prisma, shop)]);
  const report = cached.derive(`segments:${today}:${segmentThresholdsKey(thresholds)}`, () => lifecycleSegments(cached.value.history, today, thresholds));
  return { cached, report };
}

/**
 * Customers of one lifecycle segment, biggest spenders first, with their emails: from the rollups' per-customer
 * facts in SQL (nothing of the history held in this process), or, when those can't say (segment-lists.server.ts),
 * from every customer's history.
 */
export async function segmentCustomers(prisma: PrismaClient, shop: string, segment: LifecycleSegment, limit = 200, now = new Date()) {
  const today = await shopToday(prisma, shop, now);
  const stored = await segmentListFromRollups(prisma, shop, segment, today, await loadSegmentThresholds(prisma, shop), limit);
  if (stored) {
    const [emails, currency] = await Promise.all([customerEmails(prisma, shop, stored.customers.map((c) => c.customerId)), latestCurrency(prisma, shop)]);
    return { total: stored.total, currency, customers: stored.customers.map((c) => ({ ...c, email: emails.get(c.customerId) ?? null })) };
  }
  return segmentCustomersInFull(prisma, shop, segment, today, limit);
}

/** The currency of the shop's latest order, as the history's figures use it. */
async function latestCurrency(db: SqlClient, shop: string): Promise<string | null> {
  const [row] = await db.$queryRawUnsafe<{ currency: string | null }[]>(`SELECT ${LATEST_CURRENCY} AS "currency"`, shop);
  return row?.currency ?? null;
}

/** segmentCustomers from every customer's history, loaded into this process (the segments of all at once). */
export async function segmentCustomersInFull(prisma: PrismaClient, shop: string, segment: LifecycleSegment, today: string, limit = 200) {
  const { cached, report } = await segmentReport(prisma, shop, today);
  const list = report.customers
    .filter((c) => c.segment === segment)
    .sort((a, b) => b.monetaryMinor - a.monetaryMinor);
  const shown = list.slice(0, limit);
  const emails = await customerEmails(prisma, shop, shown.map((c) => c.customerId));
  return {
    total: list.length,
    currency: cached.value.currency,
    customers: shown.map((c) => ({ ...c, email: emails.get(c.customerId) ?? null })),
  };
}

export async function customerEmails(db: SqlClient, shop: string, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.$queryRawUnsafe<{ id: string; email: string | null }[]>(
    `SELECT "id"::text AS id, "email" FROM "HistoryCustomer" WHERE "shop" = $1 AND "id" = ANY($2::bigint[])`,
    shop,
    ids,
  );
  return new Map(rows.filter((r) => r.email).map((r) => [r.id, r.email!]));
}
