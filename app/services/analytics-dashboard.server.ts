// The retention dashboard's figures for one shop and period, computed by the analytics domain on the
// cached order history (analytics-history.server.ts). Results are memoised per history version, so a
// page view after the first costs a version lookup.
import type { PrismaClient } from "@prisma/client";
import {
  compareWithPreviousPeriod,
  splitByMembership,
  type Figure,
  type RetentionReport,
} from "~/domain/analytics/retention-metrics";
import { cohortRetention } from "~/domain/analytics/cohort-retention";
import { lifecycleSegments, type LifecycleSegment, type SegmentThresholds } from "~/domain/analytics/lifecycle-segments";
import { segmentThresholdsKey } from "~/domain/analytics/segment-form";
import { dayNumberToIsoDate, MS_PER_DAY, utcMonthIndex, monthIndexToLabel } from "~/domain/analytics/time";
import { cachedShopHistory, type CachedHistory, type ShopHistory } from "./analytics-history.server";
import type { SqlClient } from "./history-store.server";
import { loadRollupHistory } from "./history-rollups.server";
import { loadSegmentThresholds } from "./segment-rules.server";

/** The history the dashboard reads: from the rollups, at day resolution (exact for every figure here). */
export function dashboardHistory(db: SqlClient, shop: string) {
  return cachedShopHistory(db, shop, { loader: loadRollupHistory, kind: "rollup" });
}

export const PERIOD_DAYS = [30, 90, 365] as const;
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

/** Orders, revenue and active customers per UTC month for the last `months` months, same counting rules as the figures. */
export function monthlyTrend(h: ShopHistory, today: string, months = 12): Dashboard["trend"] {
  const { history } = h;
  const last = utcMonthIndex(Date.parse(`${today}T00:00:00Z`));
  const first = last - months + 1;
  const orders = new Float64Array(months);
  const revenue = new Float64Array(months);
  const active = new Float64Array(months);
  const seen = new Int32Array(history.customerIds.length * months);
  const { orderCustomer, orderPlacedAt, orderEventStart, eventAt, eventAmount } = history;
  for (let o = 0; o < history.orderCount; o++) {
    const c = orderCustomer[o];
    if (c < 0) continue;
    for (let e = orderEventStart[o]; e < orderEventStart[o + 1]; e++) {
      const m = utcMonthIndex(eventAt[e]) - first;
      if (m >= 0 && m < months) revenue[m] += eventAmount[e];
    }
    const placed = orderPlacedAt[o];
    if (Number.isNaN(placed)) continue;
    const m = utcMonthIndex(placed) - first;
    if (m < 0 || m >= months) continue;
    // Counted as of the end of its month, like a period report of that month.
    const monthEnd = Date.UTC(1970, first + m + 1, 1);
    let net = 0;
    for (let e = orderEventStart[o]; e < orderEventStart[o + 1]; e++) if (eventAt[e] < monthEnd) net += eventAmount[e];
    if (net <= 0) continue;
    orders[m]++;
    if (seen[c * months + m] === 0) {
      seen[c * months + m] = 1;
      active[m]++;
    }
  }
  return Array.from({ length: months }, (_, i) => ({
    month: monthIndexToLabel(first + i),
    orders: orders[i],
    revenueMinor: revenue[i],
    activeCustomers: active[i],
  }));
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

/** Ids from a table another feature owns, read only if it exists (members, referrals). */
async function idsFromOptionalTable(db: SqlClient, shop: string, table: string, columnPattern: RegExp): Promise<Set<string> | null> {
  const columns = await db.$queryRawUnsafe<{ column_name: string }[]>(
    `SELECT column_name::text AS column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`,
    table,
  );
  const names = columns.map((c) => c.column_name);
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

export function todayUtc(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

export async function shopDashboard(
  prisma: PrismaClient,
  shop: string,
  days: PeriodDays,
  now = new Date(),
): Promise<Dashboard> {
  const today = todayUtc(now);
  const [cached, memberIds, referredIds, thresholds] = await Promise.all([
    dashboardHistory(prisma, shop),
    loadMemberIds(prisma, shop),
    loadReferredIds(prisma, shop),
    loadSegmentThresholds(prisma, shop),
  ]);
  const rules = segmentThresholdsKey(thresholds);
  const key = `dashboard:${today}:${days}:${memberIds?.size ?? -1}:${referredIds?.size ?? -1}:${rules}`;
  const shape = cached.derive(`shape:${today}:${rules}`, () => computeShopShape(cached.value, today, thresholds));
  return cached.derive(key, () => computeDashboard(cached, { today, days, memberIds, referredIds }, shape));
}

/** Every customer's lifecycle segment as of `today`, by the shop's segment rules (memoised per history version). */
export async function segmentReport(prisma: PrismaClient, shop: string, today: string) {
  const [cached, thresholds] = await Promise.all([dashboardHistory(prisma, shop), loadSegmentThresholds(prisma, shop)]);
  const report = cached.derive(`segments:${today}:${segmentThresholdsKey(thresholds)}`, () => lifecycleSegments(cached.value.history, today, thresholds));
  return { cached, report };
}

/** Customers of one lifecycle segment, biggest spenders first, with their emails. */
export async function segmentCustomers(prisma: PrismaClient, shop: string, segment: LifecycleSegment, limit = 200, now = new Date()) {
  const { cached, report } = await segmentReport(prisma, shop, todayUtc(now));
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
