// The retention dashboard's figures for one shop and period. A page view reads the day's summary
// (dashboard-summary.server.ts: sums over customers, moved forward by every rollup refresh) and the
// member split and referral totals stored beside it (dashboard-groups.server.ts: computed from those
// customers' own rollups when the members or referrals changed); results are memoised per rollup
// generation, so a view with nothing new costs a few small queries. `computeDashboard` computes the same
// dashboard from a whole history with the domain's functions (the benchmark's baseline, the tests'
// reference); the segment pages read that history (analytics-history.server.ts) for their lists.
import type { PrismaClient } from "@prisma/client";
import type { PeriodicJob } from "~/jobs/periodic-jobs.server";
import {
  compareWithPreviousPeriod,
  splitByMembership,
  type Figure,
  type RetentionReport,
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
import { groupsStamp, groupsStampAndCount, storedGroupSplit, storeGroupSplit } from "./dashboard-groups.server";
import { sqlOf } from "~/db/connection.server";
import {
  groupSplit,
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
  type GroupSplit,
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

/** Every member's customer id. */
export async function loadMemberIds(db: SqlClient, shop: string): Promise<Set<string>> {
  const rows = await sqlOf(db).query<{ id: string }>(`SELECT "customerId" AS id FROM "Member" WHERE "shop" = $1`, [shop]);
  return new Set(rows.map((r) => r.id));
}

/** Every customer who came through a referral (a friend's order with a code, unless a fraud rule blocked it). */
export async function loadReferredIds(db: SqlClient, shop: string): Promise<Set<string>> {
  const rows = await db.$queryRawUnsafe<{ id: string }[]>(
    `SELECT DISTINCT "friendCustomerId" AS id FROM "Referral" WHERE "shop" = $1 AND "friendCustomerId" IS NOT NULL AND "status" <> 'blocked'`,
    shop,
  );
  return new Set(rows.map((r) => r.id));
}


export interface DashboardOptions {
  today: string;
  days: PeriodDays;
  memberIds: ReadonlySet<string> | null;
  referredIds: ReadonlySet<string> | null;
  /** The shop's segment rules (SegmentRules); the defaults when absent. */
  thresholds?: SegmentThresholds;
}

/** The dashboard from a summary (domain: dashboard-summary.ts) and the member split and referral totals beside it. */
export function dashboardFromSummary(
  summary: DashboardSummary,
  opts: Pick<DashboardOptions, "days" | "thresholds">,
  split: GroupSplit,
  info: { currency: string | null; orders: number; refunds: number; loadMs: number },
): Dashboard {
  const { days } = opts;
  const thresholds = opts.thresholds ?? DEFAULT_SEGMENT_THRESHOLDS;
  const referralsExist = (split.referredCount ?? 0) > 0;
  const cur = windowOf(summary, days, "current");
  const prev = windowOf(summary, days, "previous");
  const referredOrders = (w: number) => (split.referredCount === null ? null : totalsOf(split.referred, w).orders);
  const current = summaryReport(summary, days, "current", referredOrders(cur));
  const previous = summaryReport(summary, days, "previous", referredOrders(prev));
  let members: Dashboard["members"] = null;
  // An empty members table splits nothing; the page then says there are no members yet.
  if (split.memberCount) {
    const m = totalsOf(split.members, cur);
    const memberReferred = split.referredCount === null ? null : totalsOf(split.memberReferred, cur).orders;
    const allReferred = referredOrders(cur);
    members = {
      members: figuresOf(summaryReport(summary, days, "current", memberReferred, m), null, referralsExist),
      nonMembers: figuresOf(
        summaryReport(summary, days, "current", allReferred === null ? null : allReferred - memberReferred!, subtractTotals(totalsOf(summary.totals, cur), m)),
        null,
        referralsExist,
      ),
      memberCount: split.memberCount,
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
      // Today's summary and member split, with the shop's segment rules, as a view would ask for them.
      await shopDashboard(db, shop, PERIOD_DAYS[0], now);
      if (now.getTime() >= startOfDay(tomorrow, zone).getTime() - 60 * 60_000) {
        await currentSummary(db, shop, formatDay(tomorrow), await loadSegmentThresholds(db, shop));
      }
    }
  },
};

export function forgetDashboards() {
  dashboards.clear();
}

/** Where a dashboard's members and referred customers come from. */
interface GroupSource {
  /** Identifies the groups for the memo (and, with `stored`, for the stored split). */
  key: string;
  /** The split may be read from and written to DashboardGroupSplit (the groups are the shop's tables). */
  stored: boolean;
  load(): Promise<{ memberIds: ReadonlySet<string> | null; referredIds: ReadonlySet<string> | null }>;
  /**
   * The groups without every member's id (the shop's tables): how many members there are, the referred customers,
   * and which of some customers are members. Used once members are most of the shop.
   */
  tables?: {
    counts(): Promise<{ memberCount: number; referredIds: ReadonlySet<string> }>;
    membersAmong(customerIds: readonly string[]): Promise<Set<string>>;
  };
}

/** The dashboard for given member and referred customers (shopDashboard reads those from their tables). */
export function dashboardFor(db: SqlClient, shop: string, opts: DashboardOptions): Promise<Dashboard & { source: SummarySource }> {
  const { memberIds, referredIds } = opts;
  return dashboardWith(db, shop, opts, {
    key: `sets:${memberIds?.size ?? -1}:${referredIds?.size ?? -1}`,
    stored: false,
    load: async () => ({ memberIds, referredIds }),
  });
}

async function dashboardWith(
  db: SqlClient,
  shop: string,
  opts: Pick<DashboardOptions, "today" | "days" | "thresholds">,
  groups: GroupSource,
): Promise<Dashboard & { source: SummarySource }> {
  const started = performance.now();
  for (let attempt = 0; ; attempt++) {
    const { summary, generation, source, state } = await currentSummary(db, shop, opts.today, opts.thresholds);
    const key = `${shop}|${opts.today}|${generation}|${opts.days}|${groups.key}|${state.orders}|${state.refunds}|${state.currency}|${segmentThresholdsKey(opts.thresholds ?? DEFAULT_SEGMENT_THRESHOLDS)}`;
    const memo = dashboards;
    const known = memo.get(key);
    if (known) return { ...known, source };
    const split = await splitAt(db, shop, summary, generation, groups);
    // Read in another snapshot than the summary: if a refresh came in between, start over so the split and
    // the summary describe the same rollups.
    if (!split && attempt < 3) continue;
    const dashboard = dashboardFromSummary(summary, opts, split ?? groupSplit(summary, null, null, null), { ...state, loadMs: performance.now() - started });
    memo.set(key, dashboard);
    while (memo.size > 64) memo.delete(memo.keys().next().value as string);
    return { ...dashboard, source };
  }
}

/** The member split at `generation`: stored, or computed from the groups' rollups (and stored); null when the rollups moved on meanwhile. */
async function splitAt(db: SqlClient, shop: string, summary: DashboardSummary, generation: number, groups: GroupSource): Promise<GroupSplit | null> {
  const windows = summary.totals.length;
  if (groups.stored) {
    const known = await storedGroupSplit(db, shop, summary.asOf, generation, groups.key, windows);
    if (known) return known;
  }
  // Once members are most of the shop (the import enrols every customer), read the others and take the members
  // as the shop less them: a few thousand rollups instead of every one. From the shop's tables, of the members
  // only their number (the groups' stamp counted them) and which of those few are members (every member's id,
  // 234 k of them, took 277-305 ms at 1 M orders).
  const counted = groups.tables ? await groups.tables.counts() : null;
  let split: GroupSplit;
  if (counted && groups.tables && counted.memberCount > summary.customers / 2) {
    const read = await nonMemberRollupHistory(db, shop, [...counted.referredIds]);
    if (read.generation !== generation) return null;
    const members = await groups.tables.membersAmong(read.history.customerIds);
    split = groupSplit(summary, read.history, members, counted.referredIds, true, counted.memberCount);
  } else {
    const { memberIds, referredIds } = await groups.load();
    const complement = (memberIds?.size ?? 0) > summary.customers / 2;
    const ids = complement ? new Set(referredIds ?? []) : new Set([...(memberIds ?? []), ...(referredIds ?? [])]);
    let history: OrderHistory | null = null;
    if (complement || ids.size > 0) {
      const read = complement ? await nonMemberRollupHistory(db, shop, [...ids]) : await groupRollupHistory(db, shop, [...ids]);
      if (read.generation !== generation) return null;
      history = read.history;
    }
    split = groupSplit(summary, history, memberIds, referredIds, complement);
  }
  // Stored only if the groups did not change while they were read (a member enrolled meanwhile).
  if (groups.stored && (await groupsStamp(db, shop)) === groups.key) await storeGroupSplit(db, shop, summary.asOf, generation, groups.key, split);
  return split;
}

/** The members and referred customers from their tables, stamped so a stored split can stand for them. */
async function shopGroups(db: SqlClient, shop: string): Promise<GroupSource> {
  const { stamp, memberCount } = await groupsStampAndCount(db, shop);
  // Read once, by whichever of counts() and load() asks first (splitAt may ask both).
  let referred: Promise<ReadonlySet<string>> | undefined;
  const referredIds = () => (referred ??= loadReferredIds(db, shop));
  return {
    key: stamp,
    stored: true,
    load: async () => {
      const [memberIds, referredSet] = await Promise.all([loadMemberIds(db, shop), referredIds()]);
      return { memberIds, referredIds: referredSet };
    },
    tables: {
      // The members as the key counted them: a split stored under the key counts the same members.
      counts: async () => ({ memberCount, referredIds: await referredIds() }),
      membersAmong: async (customerIds) => {
        const rows = await sqlOf(db).query<{ id: string }>(`SELECT "customerId" AS id FROM "Member" WHERE "shop" = $1 AND "customerId" = ANY($2::text[])`, [shop, customerIds]);
        return new Set(rows.map((r) => r.id));
      },
    },
  };
}

export async function shopDashboard(db: SqlClient, shop: string, days: PeriodDays, now = new Date()): Promise<Dashboard> {
  const [today, thresholds, groups] = await Promise.all([shopToday(db, shop, now), loadSegmentThresholds(db, shop), shopGroups(db, shop)]);
  const { source: _source, ...dashboard } = await dashboardWith(db, shop, { today, days, thresholds }, groups);
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
export async function segmentCustomers(prisma: PrismaClient, shop: string, segment: LifecycleSegment, limit = 200, now = new Date(), offset = 0) {
  const today = await shopToday(prisma, shop, now);
  const stored = await segmentListFromRollups(prisma, shop, segment, today, await loadSegmentThresholds(prisma, shop), limit, offset);
  if (stored) {
    const [emails, currency] = await Promise.all([customerEmails(prisma, shop, stored.customers.map((c) => c.customerId)), latestCurrency(prisma, shop)]);
    return { total: stored.total, currency, customers: stored.customers.map((c) => ({ ...c, email: emails.get(c.customerId) ?? null })) };
  }
  return segmentCustomersInFull(prisma, shop, segment, today, limit, offset);
}

/** The currency of the shop's latest order, as the history's figures use it. */
async function latestCurrency(db: SqlClient, shop: string): Promise<string | null> {
  const [row] = await db.$queryRawUnsafe<{ currency: string | null }[]>(`SELECT ${LATEST_CURRENCY} AS "currency"`, shop);
  return row?.currency ?? null;
}

/** segmentCustomers from every customer's history, loaded into this process (the segments of all at once). */
export async function segmentCustomersInFull(prisma: PrismaClient, shop: string, segment: LifecycleSegment, today: string, limit = 200, offset = 0) {
  const { cached, report } = await segmentReport(prisma, shop, today);
  const list = report.customers
    .filter((c) => c.segment === segment)
    .sort((a, b) => b.monetaryMinor - a.monetaryMinor);
  const shown = list.slice(offset, offset + limit);
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
