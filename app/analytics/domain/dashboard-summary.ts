/**
 * The retention dashboard of one day as sums over customers, so it can be kept current without
 * recomputing: every figure the dashboard shows (period reports and their previous periods, cohorts,
 * lifecycle segment counts, the monthly trend) is a sum of per-customer contributions, except the VIP
 * spend threshold, an order statistic kept exactly with sorted multisets of spends. When a customer's
 * orders change, `applyCustomerChanges` subtracts their old contribution and adds the new one; the
 * result is the summary of the new history, exactly (all sums are integers).
 *
 * The rules are those of retention-metrics.ts (periods), cohort-retention.ts, lifecycle-segments.ts
 * (the shop's thresholds: the day thresholds are built in, the VIP spend rule is applied when read) and
 * monthly-trend.ts; dashboard-summary.test.ts checks on randomised histories
 * that the summary gives what those modules give.
 */
import { DEFAULT_SEGMENT_THRESHOLDS, type LifecycleSegment, type SegmentThresholds } from "./lifecycle-segments";
import type { TrendMonth } from "./monthly-trend";
import { NET_BEFORE_START, NET_IN_PERIOD, NET_THROUGH_END, orderNetsInto, previousPeriod, retentionReport, type RetentionReport, type RetentionTotals } from "./retention-metrics";
import { type OrderHistory } from "./order-history";
import { calendarDateToEpochMs, dayNumberToIsoDate, monthIndexToLabel, MS_PER_DAY, utcMonthIndex } from "./time";

export const TREND_MONTHS = 12;
/** Cohort rows (first-order months) and month columns the dashboard shows. */
export const COHORT_ROWS = 12;
export const COHORT_COLUMNS = 12;

/** Order of the seven sums per period window in `DashboardSummary.totals`. */
const AT_START = 0;
const RETAINED = 1;
const ACTIVE = 2;
const REPEAT = 3;
const ORDERS = 4;
const REVENUE = 5;
const RETURNING = 6;
const FIELDS = 7;

/** A sorted multiset of numbers with exact insert/remove and rank queries (binary search + one copy). */
export class SortedValues {
  private values: Float64Array;
  size: number;

  constructor(sorted: Float64Array = new Float64Array(16), size = 0) {
    this.values = sorted;
    this.size = size;
  }

  /** From unsorted values (sorted once: building 250 k values one by one would be quadratic). */
  static of(values: ArrayLike<number>): SortedValues {
    const a = Float64Array.from(values);
    a.sort();
    return new SortedValues(a, a.length);
  }

  /** Index of the first value ≥ x. */
  lowerBound(x: number): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.values[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  at(i: number): number {
    return this.values[i];
  }

  countAtLeast(x: number): number {
    return this.size - this.lowerBound(x);
  }

  add(x: number): void {
    if (this.size === this.values.length) {
      const grown = new Float64Array(Math.max(16, this.values.length * 2));
      grown.set(this.values.subarray(0, this.size));
      this.values = grown;
    }
    const i = this.lowerBound(x);
    this.values.copyWithin(i + 1, i, this.size);
    this.values[i] = x;
    this.size++;
  }

  remove(x: number): void {
    const i = this.lowerBound(x);
    if (i >= this.size || this.values[i] !== x) throw new Error(`SortedValues: ${x} is not in the set`);
    this.values.copyWithin(i, i + 1, this.size);
    this.size--;
  }

  toArray(): Float64Array {
    return this.values.slice(0, this.size);
  }
}

/** The segment thresholds a summary is built with (the VIP spend rule is applied when it is read). */
export type DaySegmentRules = Pick<SegmentThresholds, "newWithinDays" | "atRiskAfterDays" | "lostAfterDays" | "vipMinOrders">;
export type VipSpendRule = Pick<SegmentThresholds, "vipTopShare" | "vipMinSpendMinor">;

export const DEFAULT_DAY_RULES: DaySegmentRules = daySegmentRules(DEFAULT_SEGMENT_THRESHOLDS);

export function daySegmentRules(t: SegmentThresholds): DaySegmentRules {
  return { newWithinDays: t.newWithinDays, atRiskAfterDays: t.atRiskAfterDays, lostAfterDays: t.lostAfterDays, vipMinOrders: t.vipMinOrders };
}

export function sameDayRules(a: DaySegmentRules, b: DaySegmentRules): boolean {
  return a.newWithinDays === b.newWithinDays && a.atRiskAfterDays === b.atRiskAfterDays && a.lostAfterDays === b.lostAfterDays && a.vipMinOrders === b.vipMinOrders;
}

export interface DashboardSummary {
  /** The day the dashboard is for (`YYYY-MM-DD`); periods end with it. */
  asOf: string;
  segmentRules: DaySegmentRules;
  periodDays: number[];
  /** Window w = 2i (period of periodDays[i] ending asOf) or 2i + 1 (the one before it): FIELDS sums each. */
  totals: Float64Array;
  /** Customers in the history (with or without counting orders). */
  customers: number;
  /** First-order month index → customers (every month with customers). */
  cohortCustomers: Map<number, number>;
  /** Row r = month (asOf's month − COHORT_ROWS + 1 + r), column k − 1: customers with an order k months later. */
  cohortReturning: Float64Array;
  segments: {
    lost: number;
    atRisk: number;
    /** Ordered recently enough for neither and often enough for VIP. */
    recentFrequent: number;
    /** Spends of every customer with a counting order (for the top-share VIP threshold). */
    spends: SortedValues;
    /** Spends of recent, less frequent customers whose first order is within `newWithinDays`, and the others. */
    recentNewSpends: SortedValues;
    recentOtherSpends: SortedValues;
  };
  trendOrders: Float64Array;
  trendRevenue: Float64Array;
  trendActive: Float64Array;
}

interface Windows {
  from: Float64Array;
  end: Float64Array;
  /** End of asOf (exclusive) and its day number. */
  asOfEnd: number;
  asOfDay: number;
  lastMonth: number;
  trendFirst: number;
  trendMonthEnd: Float64Array;
}

function windowsOf(asOf: string, periodDays: readonly number[]): Windows {
  const start = calendarDateToEpochMs(asOf);
  if (Number.isNaN(start)) throw new RangeError(`invalid date ${asOf}`);
  const day = start / MS_PER_DAY;
  const from = new Float64Array(periodDays.length * 2);
  const end = new Float64Array(periodDays.length * 2);
  periodDays.forEach((d, i) => {
    from[2 * i] = (day - d + 1) * MS_PER_DAY;
    end[2 * i] = (day + 1) * MS_PER_DAY;
    from[2 * i + 1] = (day - 2 * d + 1) * MS_PER_DAY;
    end[2 * i + 1] = (day - d + 1) * MS_PER_DAY;
  });
  const asOfEnd = (day + 1) * MS_PER_DAY;
  const lastMonth = utcMonthIndex(asOfEnd - 1);
  const trendFirst = lastMonth - TREND_MONTHS + 1;
  const trendMonthEnd = Float64Array.from({ length: TREND_MONTHS }, (_, m) => Date.UTC(1970, trendFirst + m + 1, 1));
  return { from, end, asOfEnd, asOfDay: day, lastMonth, trendFirst, trendMonthEnd };
}

export function emptySummary(asOf: string, periodDays: readonly number[], segmentRules: DaySegmentRules = DEFAULT_DAY_RULES): DashboardSummary {
  return {
    asOf,
    segmentRules: { ...segmentRules },
    periodDays: [...periodDays],
    totals: new Float64Array(periodDays.length * 2 * FIELDS),
    customers: 0,
    cohortCustomers: new Map(),
    cohortReturning: new Float64Array(COHORT_ROWS * COHORT_COLUMNS),
    segments: {
      lost: 0,
      atRisk: 0,
      recentFrequent: 0,
      spends: new SortedValues(),
      recentNewSpends: new SortedValues(),
      recentOtherSpends: new SortedValues(),
    },
    trendOrders: new Float64Array(TREND_MONTHS),
    trendRevenue: new Float64Array(TREND_MONTHS),
    trendActive: new Float64Array(TREND_MONTHS),
  };
}

/** Scratch space reused across customers. */
class Scratch {
  k: Int32Array;
  atStart: Uint8Array;
  revenue: Float64Array;
  nets = new Float64Array(3);
  months: number[] = [];
  trendOrders = new Float64Array(TREND_MONTHS);
  trendRevenue = new Float64Array(TREND_MONTHS);
  trendActive = new Uint8Array(TREND_MONTHS);
  constructor(windows: number) {
    this.k = new Int32Array(windows);
    this.atStart = new Uint8Array(windows);
    this.revenue = new Float64Array(windows);
  }
}

/** Period sums of customer c for every window, into scratch (k, atStart, revenue). */
function periodFacts(h: OrderHistory, c: number, w: Windows, s: Scratch): void {
  const { customerOrderStart, customerOrders, orderPlacedAt, orderEventStart, eventAt, eventAmount } = h;
  const n = w.from.length;
  s.k.fill(0);
  s.atStart.fill(0);
  s.revenue.fill(0);
  for (let i = customerOrderStart[c]; i < customerOrderStart[c + 1]; i++) {
    const o = customerOrders[i];
    const placed = orderPlacedAt[o];
    const e0 = orderEventStart[o];
    const e1 = orderEventStart[o + 1];
    for (let x = 0; x < n; x++) {
      const fromMs = w.from[x];
      const endMs = w.end[x];
      orderNetsInto(s.nets, eventAt, eventAmount, e0, e1, fromMs, endMs);
      s.revenue[x] += s.nets[NET_IN_PERIOD];
      if (placed < fromMs) {
        if (s.nets[NET_BEFORE_START] > 0) s.atStart[x] = 1;
      } else if (placed < endMs && s.nets[NET_THROUGH_END] > 0) s.k[x]++;
    }
  }
}

function addPeriodTotals(totals: Float64Array, s: Scratch, sign: number): void {
  for (let x = 0; x < s.k.length; x++) {
    const k = s.k[x];
    const base = x * FIELDS;
    totals[base + ORDERS] += sign * k;
    totals[base + REVENUE] += sign * s.revenue[x];
    if (k > 0) totals[base + ACTIVE] += sign;
    if (k >= 2) totals[base + REPEAT] += sign;
    if (s.atStart[x] === 1) {
      totals[base + AT_START] += sign;
      totals[base + RETURNING] += sign * s.revenue[x];
      if (k > 0) totals[base + RETAINED] += sign;
    }
  }
}

/** Multisets are filled as plain arrays while building (sorted once at the end), then kept sorted. */
interface SpendSink {
  spends(sign: number, value: number): void;
  recentNew(sign: number, value: number): void;
  recentOther(sign: number, value: number): void;
}

function sortedSink(summary: DashboardSummary): SpendSink {
  const apply = (set: SortedValues, sign: number, value: number) => (sign > 0 ? set.add(value) : set.remove(value));
  return {
    spends: (sign, v) => apply(summary.segments.spends, sign, v),
    recentNew: (sign, v) => apply(summary.segments.recentNewSpends, sign, v),
    recentOther: (sign, v) => apply(summary.segments.recentOtherSpends, sign, v),
  };
}

/** Adds (sign 1) or subtracts (sign −1) customer c's contribution to every part of the summary. */
function addCustomer(summary: DashboardSummary, h: OrderHistory, c: number, sign: number, w: Windows, s: Scratch, sink: SpendSink): void {
  summary.customers += sign;
  periodFacts(h, c, w, s);
  addPeriodTotals(summary.totals, s, sign);

  const { customerOrderStart, customerOrders, orderPlacedAt, orderEventStart, eventAt, eventAmount } = h;
  const { asOfEnd, trendFirst, trendMonthEnd } = w;
  let frequency = 0;
  let spend = 0;
  let first = Infinity;
  let last = -Infinity;
  s.months.length = 0;
  s.trendOrders.fill(0);
  s.trendRevenue.fill(0);
  s.trendActive.fill(0);
  for (let i = customerOrderStart[c]; i < customerOrderStart[c + 1]; i++) {
    const o = customerOrders[i];
    const placed = orderPlacedAt[o];
    const e0 = orderEventStart[o];
    const e1 = orderEventStart[o + 1];
    // Counting as of the end of asOf: cohorts and segments.
    if (placed < asOfEnd) {
      let net = 0;
      for (let e = e0; e < e1; e++) if (eventAt[e] < asOfEnd) net += eventAmount[e];
      if (net > 0) {
        frequency++;
        spend += net;
        if (placed < first) first = placed;
        if (placed > last) last = placed;
        s.months.push(utcMonthIndex(placed));
      }
    }
    // Trend: every event's amount in its month; an order in its month, net as of that month's end.
    for (let e = e0; e < e1; e++) {
      const m = utcMonthIndex(eventAt[e]) - trendFirst;
      if (m >= 0 && m < TREND_MONTHS) s.trendRevenue[m] += eventAmount[e];
    }
    if (!Number.isNaN(placed)) {
      const m = utcMonthIndex(placed) - trendFirst;
      if (m >= 0 && m < TREND_MONTHS) {
        let net = 0;
        for (let e = e0; e < e1; e++) if (eventAt[e] < trendMonthEnd[m]) net += eventAmount[e];
        if (net > 0) {
          s.trendOrders[m]++;
          s.trendActive[m] = 1;
        }
      }
    }
  }
  for (let m = 0; m < TREND_MONTHS; m++) {
    summary.trendOrders[m] += sign * s.trendOrders[m];
    summary.trendRevenue[m] += sign * s.trendRevenue[m];
    summary.trendActive[m] += sign * s.trendActive[m];
  }
  if (frequency === 0) return;

  const firstMonth = utcMonthIndex(first);
  const cohortSize = (summary.cohortCustomers.get(firstMonth) ?? 0) + sign;
  if (cohortSize === 0) summary.cohortCustomers.delete(firstMonth);
  else summary.cohortCustomers.set(firstMonth, cohortSize);
  const row = firstMonth - (w.lastMonth - COHORT_ROWS + 1);
  if (row >= 0) {
    let seen = 0; // bit k: an order k months after the first (k < COHORT_ROWS, since months ≤ asOf's)
    for (const m of s.months) {
      const k = m - firstMonth;
      if (k > 0 && k <= COHORT_COLUMNS && (seen & (1 << k)) === 0) {
        seen |= 1 << k;
        summary.cohortReturning[row * COHORT_COLUMNS + k - 1] += sign;
      }
    }
  }

  const t = summary.segmentRules;
  const recency = w.asOfDay - Math.floor(last / MS_PER_DAY);
  const tenure = w.asOfDay - Math.floor(first / MS_PER_DAY);
  const seg = summary.segments;
  sink.spends(sign, spend);
  if (recency > t.lostAfterDays) seg.lost += sign;
  else if (recency > t.atRiskAfterDays) seg.atRisk += sign;
  else if (frequency >= t.vipMinOrders) seg.recentFrequent += sign;
  else if (tenure <= t.newWithinDays) sink.recentNew(sign, spend);
  else sink.recentOther(sign, spend);
}

/** The summary of a whole history as of `asOf` (end of that UTC day) for the given period lengths. */
export function summariseHistory(h: OrderHistory, asOf: string, periodDays: readonly number[], segmentRules: DaySegmentRules = DEFAULT_DAY_RULES): DashboardSummary {
  const summary = emptySummary(asOf, periodDays, segmentRules);
  const w = windowsOf(asOf, periodDays);
  const s = new Scratch(periodDays.length * 2);
  const spends: number[] = [];
  const recentNew: number[] = [];
  const recentOther: number[] = [];
  const sink: SpendSink = {
    spends: (_, v) => spends.push(v),
    recentNew: (_, v) => recentNew.push(v),
    recentOther: (_, v) => recentOther.push(v),
  };
  for (let c = 0; c < h.customerIds.length; c++) addCustomer(summary, h, c, 1, w, s, sink);
  summary.segments.spends = SortedValues.of(spends);
  summary.segments.recentNewSpends = SortedValues.of(recentNew);
  summary.segments.recentOtherSpends = SortedValues.of(recentOther);
  return summary;
}

/**
 * Moves the summary from one history to the next: `before` holds the changed customers' orders in the
 * old history, `after` the same customers' orders in the new one (a customer absent from one side had
 * no orders there). Customers in neither are unchanged. Mutates and returns `summary`.
 */
export function applyCustomerChanges(summary: DashboardSummary, before: OrderHistory, after: OrderHistory): DashboardSummary {
  const w = windowsOf(summary.asOf, summary.periodDays);
  const s = new Scratch(summary.periodDays.length * 2);
  const sink = sortedSink(summary);
  for (let c = 0; c < before.customerIds.length; c++) addCustomer(summary, before, c, -1, w, s, sink);
  for (let c = 0; c < after.customerIds.length; c++) addCustomer(summary, after, c, 1, w, s, sink);
  return summary;
}

/**
 * Period totals of a group of customers (indices into `h`), e.g. the loyalty members, for every window
 * of the summary's periods: window 2i is periodDays[i] ending asOf, 2i + 1 the period before it.
 */
export function groupTotals(h: OrderHistory, customers: Iterable<number>, asOf: string, periodDays: readonly number[]): Float64Array {
  const w = windowsOf(asOf, periodDays);
  const s = new Scratch(periodDays.length * 2);
  const totals = new Float64Array(periodDays.length * 2 * FIELDS);
  for (const c of customers) {
    periodFacts(h, c, w, s);
    addPeriodTotals(totals, s, 1);
  }
  return totals;
}

/**
 * The dashboard's groups as period totals (every window, as groupTotals): the loyalty members, the referred
 * customers, and those who are both. A view needs only these and the summary, so they can be stored beside it.
 */
export interface GroupSplit {
  /** How many members there are; null when the caller knows of none to ask about (no member split shown). */
  memberCount: number | null;
  /** How many referred customers; null when the caller knows of no referrals (no referral figures). */
  referredCount: number | null;
  members: Float64Array;
  referred: Float64Array;
  memberReferred: Float64Array;
}

/**
 * The split from `groups`, the rollups of the members and the referred customers — or, when `groupsAreNonMembers`,
 * of everyone but the members plus the referred: totals add up per customer, so the members' are then the shop's
 * (`summary.totals`) less everyone else's.
 */
export function groupSplit(
  summary: Pick<DashboardSummary, "asOf" | "periodDays" | "totals">,
  groups: OrderHistory | null,
  memberIds: ReadonlySet<string> | null,
  referredIds: ReadonlySet<string> | null,
  groupsAreNonMembers = false,
  /** The shop's members, when `memberIds` holds only those among `groups` (with groupsAreNonMembers). */
  memberCount: number | null = memberIds ? memberIds.size : null,
): GroupSplit {
  const empty = () => new Float64Array(summary.totals.length);
  const totalsFor = (customers: number[]) => (groups && customers.length > 0 ? groupTotals(groups, customers, summary.asOf, summary.periodDays) : empty());
  const isMember = (c: number) => !!memberIds && memberIds.has(groups!.customerIds[c]);
  const referred: number[] = [];
  if (groups && referredIds) for (const id of referredIds) {
    const c = groups.customerIndex.get(id);
    if (c !== undefined) referred.push(c);
  }
  let members: Float64Array;
  if (groupsAreNonMembers) {
    const others: number[] = [];
    if (groups) for (let c = 0; c < groups.customerIds.length; c++) if (!isMember(c)) others.push(c);
    const otherTotals = totalsFor(others);
    members = Float64Array.from(summary.totals, (v, i) => v - otherTotals[i]);
  } else {
    const inGroups: number[] = [];
    if (groups && memberIds) for (const id of memberIds) {
      const c = groups.customerIndex.get(id);
      if (c !== undefined) inGroups.push(c);
    }
    members = totalsFor(inGroups);
  }
  return {
    memberCount,
    referredCount: referredIds ? referredIds.size : null,
    members,
    referred: totalsFor(referred),
    memberReferred: totalsFor(referred.filter(isMember)),
  };
}

export function totalsOf(totals: Float64Array, window: number): RetentionTotals {
  const b = window * FIELDS;
  return {
    customersAtStart: totals[b + AT_START],
    retainedCustomers: totals[b + RETAINED],
    activeCustomers: totals[b + ACTIVE],
    repeatCustomers: totals[b + REPEAT],
    orders: totals[b + ORDERS],
    revenueMinor: totals[b + REVENUE],
    returningRevenueMinor: totals[b + RETURNING],
  };
}

export function subtractTotals(a: RetentionTotals, b: RetentionTotals): RetentionTotals {
  return {
    customersAtStart: a.customersAtStart - b.customersAtStart,
    retainedCustomers: a.retainedCustomers - b.retainedCustomers,
    activeCustomers: a.activeCustomers - b.activeCustomers,
    repeatCustomers: a.repeatCustomers - b.repeatCustomers,
    orders: a.orders - b.orders,
    revenueMinor: a.revenueMinor - b.revenueMinor,
    returningRevenueMinor: a.returningRevenueMinor - b.returningRevenueMinor,
  };
}

/** Window index of a period length and which of its two periods. */
export function windowOf(summary: Pick<DashboardSummary, "periodDays">, days: number, which: "current" | "previous"): number {
  const i = summary.periodDays.indexOf(days);
  if (i < 0) throw new RangeError(`the summary has no ${days}-day period`);
  return 2 * i + (which === "current" ? 0 : 1);
}

/** The period of `days` days ending asOf, or the one before it. */
export function summaryPeriod(asOf: string, days: number, which: "current" | "previous"): { from: string; to: string } {
  const day = calendarDateToEpochMs(asOf) / MS_PER_DAY;
  const current = { from: dayNumberToIsoDate(day - days + 1), to: asOf };
  return which === "current" ? current : previousPeriod(current);
}

/** The same report measureRetention gives for that period. */
export function summaryReport(
  summary: DashboardSummary,
  days: number,
  which: "current" | "previous",
  referredOrders: number | null,
  totals: RetentionTotals = totalsOf(summary.totals, windowOf(summary, days, which)),
): RetentionReport {
  return retentionReport(summaryPeriod(summary.asOf, days, which), totals, referredOrders);
}

/** The last COHORT_ROWS rows of cohortRetention(asOf), each with its first COHORT_COLUMNS months. */
export function summaryCohorts(summary: DashboardSummary): { cohort: string; customers: number; retention: (number | null)[] }[] {
  if (summary.cohortCustomers.size === 0) return [];
  const lastMonth = utcMonthIndex(calendarDateToEpochMs(summary.asOf));
  let earliest = lastMonth;
  for (const m of summary.cohortCustomers.keys()) if (m < earliest) earliest = m;
  const firstRow = lastMonth - COHORT_ROWS + 1;
  const rows = [];
  for (let m = Math.max(earliest, firstRow); m <= lastMonth; m++) {
    const n = summary.cohortCustomers.get(m) ?? 0;
    const width = Math.min(COHORT_COLUMNS, lastMonth - m);
    const retention: (number | null)[] = [];
    for (let k = 1; k <= width; k++) retention.push(n === 0 ? null : summary.cohortReturning[(m - firstRow) * COHORT_COLUMNS + k - 1] / n);
    rows.push({ cohort: monthIndexToLabel(m), customers: n, retention });
  }
  return rows;
}

/** The VIP spend threshold lifecycleSegments resolves: the shop's amount, or the spend of the top share. */
export function summaryVipMinSpend(summary: DashboardSummary, vip: VipSpendRule = DEFAULT_SEGMENT_THRESHOLDS): number {
  if (vip.vipMinSpendMinor !== undefined) return vip.vipMinSpendMinor;
  const withOrders = summary.segments.spends.size;
  const top = Math.ceil(vip.vipTopShare * withOrders);
  return withOrders === 0 ? Number.POSITIVE_INFINITY : summary.segments.spends.at(Math.max(0, withOrders - top));
}

/** Segment counts as lifecycleSegments(asOf) gives them with the summary's day rules and this VIP spend rule. */
export function summarySegments(summary: DashboardSummary, vip: VipSpendRule = DEFAULT_SEGMENT_THRESHOLDS): Record<LifecycleSegment, number> {
  const seg = summary.segments;
  const vipMinSpend = summaryVipMinSpend(summary, vip);
  const newVip = seg.recentNewSpends.countAtLeast(vipMinSpend);
  const otherVip = seg.recentOtherSpends.countAtLeast(vipMinSpend);
  return {
    new: seg.recentNewSpends.size - newVip,
    active: seg.recentOtherSpends.size - otherVip,
    atRisk: seg.atRisk,
    lost: seg.lost,
    vip: seg.recentFrequent + newVip + otherVip,
  };
}

export function summaryTrend(summary: DashboardSummary): TrendMonth[] {
  const lastMonth = utcMonthIndex(calendarDateToEpochMs(summary.asOf));
  const first = lastMonth - TREND_MONTHS + 1;
  return Array.from({ length: TREND_MONTHS }, (_, i) => ({
    month: monthIndexToLabel(first + i),
    orders: summary.trendOrders[i],
    revenueMinor: summary.trendRevenue[i],
    activeCustomers: summary.trendActive[i],
  }));
}

/** A copy that shares nothing with the original (summaries are moved forward in place). */
export function cloneSummary(s: DashboardSummary): DashboardSummary {
  const copy = (v: SortedValues) => new SortedValues(v.toArray(), v.size);
  return {
    ...s,
    segmentRules: { ...s.segmentRules },
    periodDays: [...s.periodDays],
    totals: s.totals.slice(),
    cohortCustomers: new Map(s.cohortCustomers),
    cohortReturning: s.cohortReturning.slice(),
    segments: {
      ...s.segments,
      spends: copy(s.segments.spends),
      recentNewSpends: copy(s.segments.recentNewSpends),
      recentOtherSpends: copy(s.segments.recentOtherSpends),
    },
    trendOrders: s.trendOrders.slice(),
    trendRevenue: s.trendRevenue.slice(),
    trendActive: s.trendActive.slice(),
  };
}
