/**
 * Retention metrics for a period, from a shop's order history.
 *
 * Definitions (product spec; decisions in docs/decisions/003-clv-models.md):
 *
 * Input is a list of order events: a sale (amount ≥ 0) and its refunds (negative amounts, same
 * orderId). Amounts are integer minor units. Times are epoch ms; the services hand them in on the shop's
 * calendar (day numbers counted in its time zone, decision 007), and "UTC" below means that calendar.
 *
 * - Period P = [from, to] in calendar days: from 00:00:00.000 UTC of `from` up to and including
 *   23:59:59.999 UTC of `to`. Days in P: d = to − from + 1.
 * - Guests: events of an order without a customer are left out of every figure (revenue included).
 *   An order's customer is the first non-empty customerId among its events.
 * - Placement: an order is placed at its earliest non-negative event. An order that has only refund
 *   events in the data (sale before the export) is never counted as an order; its refunds still count
 *   as revenue in the period in which they happen.
 * - Revenue in P = Σ amounts of every (non-guest) event dated in P: sales placed in P plus refunds
 *   dated in P, whatever period their order was placed in ("refunds count in the period they happen").
 * - An order counts as an order in P when it was placed in P and its amount net of its refunds dated
 *   up to the end of P is > 0. A refund after P does not change P's figures (reports stay stable).
 *   Zero-value orders, and orders fully refunded within P, are not orders.
 * - Customers at start S: customers with at least one counting order before `from`, where "counting"
 *   is judged as of `from` (net of refunds dated before `from`). A refund inside P does not remove
 *   a customer from S.
 * - retained = members of S with an order in P; retentionRate = retained / |S|;
 *   churnRate = 1 − retentionRate.
 * - activeCustomers = customers with ≥ 1 order in P; repeatPurchaseRate = customers with ≥ 2 orders
 *   in P / activeCustomers; purchaseFrequency = ordersPerActiveCustomer = orders in P / activeCustomers
 *   (the spec names both; they are the same number).
 * - averageOrderValue = revenue in P / orders in P (minor units, unrounded, and rounded half away
 *   from zero). It can be ≤ 0 when refunds of older orders outweigh the period's sales.
 * - customerLifetimeValue = AOV × purchasesPerYear × expectedRelationshipYears, where
 *   purchasesPerYear = purchaseFrequency × 365.25 / d, annualRetention = retentionRate^(365.25 / d),
 *   annualChurn = 1 − annualRetention, expectedRelationshipYears = 1 / annualChurn. With no churn
 *   (retention 1) the expected relationship is unbounded and CLV is null with a reason; with AOV ≤ 0
 *   it is null too (a negative lifetime value is an artefact of refunds, not a forecast).
 * - returningRevenueShare = revenue in P from customers in S / revenue in P (null unless revenue in
 *   P is > 0; refunds can push it outside [0, 1]).
 * - referralRate = orders in P by referred customers / orders in P (only when referral data given).
 *
 * Every ratio with a zero (or, where noted, non-positive) denominator is null with a reason, never
 * NaN or Infinity.
 *
 * Speed: `buildOrderHistory` interns ids once and lays orders and events out in typed arrays
 * (counting sort, no comparison sort); `orderHistoryFromColumns` does the same from integer ids
 * without interning. Each period report is then one pass over orders and their events plus one over
 * customers, so comparisons and member splits are cheap.
 */
import { buildOrderHistory, type OrderEvent, type OrderHistory } from "./order-history";
import { calendarDateToEpochMs, dayNumberToIsoDate, MS_PER_DAY, toDayNumber } from "./time";

export interface Period {
  /** First day, inclusive (`YYYY-MM-DD` or a Date whose UTC calendar day is used). */
  from: string | Date;
  /** Last day, inclusive. */
  to: string | Date;
}

export type Figure = { value: number; reason?: undefined } | { value: null; reason: string };

const known = (value: number): Figure => ({ value });
const unknown = (reason: string): Figure => ({ value: null, reason });

function ratio(numerator: number, denominator: number, reasonWhenZero: string): Figure {
  return denominator === 0 ? unknown(reasonWhenZero) : known(numerator / denominator);
}

interface ResolvedPeriod {
  from: string;
  to: string;
  fromMs: number;
  /** Exclusive end: start of the day after `to`. */
  endMs: number;
  days: number;
}

function resolvePeriod(period: Period): ResolvedPeriod {
  const fromDay = toDayNumber(period.from);
  const toDay = toDayNumber(period.to);
  if (!Number.isFinite(fromDay)) throw new RangeError(`invalid period start ${String(period.from)}`);
  if (!Number.isFinite(toDay)) throw new RangeError(`invalid period end ${String(period.to)}`);
  if (toDay < fromDay) throw new RangeError(`period ends (${String(period.to)}) before it starts (${String(period.from)})`);
  return {
    from: dayNumberToIsoDate(fromDay),
    to: dayNumberToIsoDate(toDay),
    fromMs: fromDay * MS_PER_DAY,
    endMs: (toDay + 1) * MS_PER_DAY,
    days: toDay - fromDay + 1,
  };
}

/** The period of equal length ending the day before `period` starts. */
export function previousPeriod(period: Period): { from: string; to: string } {
  const p = resolvePeriod(period);
  const fromDay = p.fromMs / MS_PER_DAY;
  return { from: dayNumberToIsoDate(fromDay - p.days), to: dayNumberToIsoDate(fromDay - 1) };
}

export interface RetentionOptions {
  /** Customers who joined through a referral; enables referralRate. */
  referredCustomerIds?: ReadonlySet<string>;
}

export interface RetentionReport {
  period: { from: string; to: string; days: number };
  customersAtStart: number;
  retainedCustomers: number;
  activeCustomers: number;
  /** Active in P without being a customer at start. */
  newCustomers: number;
  repeatCustomers: number;
  orders: number;
  revenueMinor: number;
  returningRevenueMinor: number;
  referredOrders: number | null;

  retentionRate: Figure;
  churnRate: Figure;
  repeatPurchaseRate: Figure;
  purchaseFrequency: Figure;
  ordersPerActiveCustomer: Figure;
  averageOrderValueMinor: Figure;
  averageOrderValueMinorRounded: number | null;
  purchasesPerYear: Figure;
  annualRetentionRate: Figure;
  expectedRelationshipYears: Figure;
  customerLifetimeValueMinor: Figure;
  customerLifetimeValueMinorRounded: number | null;
  returningRevenueShare: Figure;
  referralRate: Figure;
}

function roundHalfAwayFromZero(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

function maskFromIds(history: OrderHistory, ids: ReadonlySet<string> | undefined): Uint8Array | null {
  if (!ids) return null;
  const mask = new Uint8Array(history.customerIds.length);
  for (const id of ids) {
    const c = history.customerIndex.get(id);
    if (c !== undefined) mask[c] = 1;
  }
  return mask;
}

export const NET_BEFORE_START = 0;
export const NET_THROUGH_END = 1;
export const NET_IN_PERIOD = 2;

/**
 * One order's net amounts (sale and refunds) as a period [fromMs, endMs) sees them, into `out`: before the
 * period starts (does it make its customer one "at start"?), through its end (does it count?), and dated
 * inside it (revenue of the period). Written into a reused array: it runs once per order and period.
 */
export function orderNetsInto(
  out: Float64Array,
  eventAt: Float64Array,
  eventAmount: Float64Array,
  firstEvent: number,
  endEvent: number,
  fromMs: number,
  endMs: number,
): void {
  let netBeforeStart = 0;
  let netThroughEnd = 0;
  let inPeriod = 0;
  for (let e = firstEvent; e < endEvent; e++) {
    const t = eventAt[e];
    const amt = eventAmount[e];
    if (t < fromMs) netBeforeStart += amt;
    if (t < endMs) {
      netThroughEnd += amt;
      if (t >= fromMs) inPeriod += amt;
    }
  }
  out[NET_BEFORE_START] = netBeforeStart;
  out[NET_THROUGH_END] = netThroughEnd;
  out[NET_IN_PERIOD] = inPeriod;
}

/**
 * Figures for one period. `customerMask` (customer index → 1 to include) restricts every figure to a
 * group of customers; used by the member split.
 */
export function measureRetention(
  history: OrderHistory,
  period: Period,
  options: RetentionOptions = {},
  customerMask: Uint8Array | null = null,
): RetentionReport {
  const p = resolvePeriod(period);
  const { fromMs, endMs } = p;
  const customers = history.customerIds.length;
  const ordersInPeriod = new Int32Array(customers);
  const atStart = new Uint8Array(customers);
  const revenueByCustomer = new Float64Array(customers);
  const referred = maskFromIds(history, options.referredCustomerIds);

  const { orderCustomer, orderPlacedAt, orderEventStart, eventAt, eventAmount } = history;
  let revenue = 0;
  let orders = 0;
  let referredOrders = 0;
  const nets = new Float64Array(3);
  for (let o = 0; o < history.orderCount; o++) {
    const c = orderCustomer[o];
    if (c < 0 || (customerMask !== null && customerMask[c] === 0)) continue;
    orderNetsInto(nets, eventAt, eventAmount, orderEventStart[o], orderEventStart[o + 1], fromMs, endMs);
    const netBeforeStart = nets[NET_BEFORE_START];
    const netThroughEnd = nets[NET_THROUGH_END];
    const inPeriod = nets[NET_IN_PERIOD];
    revenueByCustomer[c] += inPeriod;
    revenue += inPeriod;
    const placed = orderPlacedAt[o]; // NaN fails both tests: refund-only orders never count
    if (placed < fromMs) {
      if (netBeforeStart > 0) atStart[c] = 1;
    } else if (placed < endMs && netThroughEnd > 0) {
      ordersInPeriod[c]++;
      orders++;
      if (referred !== null && referred[c] === 1) referredOrders++;
    }
  }

  let customersAtStart = 0;
  let retained = 0;
  let active = 0;
  let repeat = 0;
  let returningRevenue = 0;
  for (let c = 0; c < customers; c++) {
    const k = ordersInPeriod[c];
    if (k > 0) {
      active++;
      if (k >= 2) repeat++;
    }
    if (atStart[c] === 1) {
      customersAtStart++;
      returningRevenue += revenueByCustomer[c];
      if (k > 0) retained++;
    }
  }

  return retentionReport(
    p,
    { customersAtStart, retainedCustomers: retained, activeCustomers: active, repeatCustomers: repeat, orders, revenueMinor: revenue, returningRevenueMinor: returningRevenue },
    referred === null ? null : referredOrders,
  );
}

/**
 * The sums a period report is made of. Each is a sum over customers, so the totals of disjoint groups
 * of customers add up (members + everyone else = all), and a customer's change can be applied as the
 * difference of their old and new contribution (dashboard-summary.ts).
 */
export interface RetentionTotals {
  customersAtStart: number;
  retainedCustomers: number;
  activeCustomers: number;
  repeatCustomers: number;
  orders: number;
  revenueMinor: number;
  returningRevenueMinor: number;
}

/** The report of a period from its totals: every rate, ratio and reason, by the definitions above. */
export function retentionReport(period: Period, totals: RetentionTotals, referredOrders: number | null): RetentionReport {
  const p = resolvePeriod(period);
  const { customersAtStart, orders } = totals;
  const retained = totals.retainedCustomers;
  const active = totals.activeCustomers;
  const repeat = totals.repeatCustomers;
  const revenue = totals.revenueMinor;
  const returningRevenue = totals.returningRevenueMinor;
  const retentionRate = ratio(retained, customersAtStart, "no customers had ordered before the period started");
  const churnRate: Figure = retentionRate.value === null ? retentionRate : known(1 - retentionRate.value);
  const noActive = "no customer ordered in the period";
  const purchaseFrequency = ratio(orders, active, noActive);
  const averageOrderValue = ratio(revenue, orders, "no orders in the period");

  const yearFactor = 365.25 / p.days;
  const purchasesPerYear: Figure =
    purchaseFrequency.value === null ? purchaseFrequency : known(purchaseFrequency.value * yearFactor);
  const annualRetention: Figure =
    retentionRate.value === null ? retentionRate : known(Math.pow(retentionRate.value, yearFactor));
  const relationshipYears: Figure =
    annualRetention.value === null
      ? annualRetention
      : annualRetention.value >= 1
        ? unknown("no customer churned in the period, so the expected relationship length is unbounded")
        : known(1 / (1 - annualRetention.value));
  let lifetimeValue: Figure;
  if (averageOrderValue.value === null) lifetimeValue = averageOrderValue;
  else if (averageOrderValue.value <= 0) lifetimeValue = unknown("average order value is not positive (refunds exceed sales)");
  else if (purchasesPerYear.value === null) lifetimeValue = purchasesPerYear;
  else if (relationshipYears.value === null) lifetimeValue = relationshipYears;
  else lifetimeValue = known(averageOrderValue.value * purchasesPerYear.value * relationshipYears.value);

  return {
    period: { from: p.from, to: p.to, days: p.days },
    customersAtStart,
    retainedCustomers: retained,
    activeCustomers: active,
    newCustomers: active - retained,
    repeatCustomers: repeat,
    orders,
    revenueMinor: revenue,
    returningRevenueMinor: returningRevenue,
    referredOrders,
    retentionRate,
    churnRate,
    repeatPurchaseRate: ratio(repeat, active, noActive),
    purchaseFrequency,
    ordersPerActiveCustomer: purchaseFrequency,
    averageOrderValueMinor: averageOrderValue,
    averageOrderValueMinorRounded: averageOrderValue.value === null ? null : roundHalfAwayFromZero(averageOrderValue.value),
    purchasesPerYear,
    annualRetentionRate: annualRetention,
    expectedRelationshipYears: relationshipYears,
    customerLifetimeValueMinor: lifetimeValue,
    customerLifetimeValueMinorRounded: lifetimeValue.value === null ? null : roundHalfAwayFromZero(lifetimeValue.value),
    returningRevenueShare:
      revenue > 0 ? known(returningRevenue / revenue) : unknown("no positive revenue in the period"),
    referralRate:
      referredOrders === null
        ? unknown("no referral data was given")
        : ratio(referredOrders, orders, "no orders in the period"),
  };
}

/** Convenience for one-off use; build the history once when computing several reports. */
export function retentionMetrics(events: readonly OrderEvent[], period: Period, options: RetentionOptions = {}): RetentionReport {
  return measureRetention(buildOrderHistory(events), period, options);
}

const COMPARED = [
  "retentionRate",
  "churnRate",
  "repeatPurchaseRate",
  "purchaseFrequency",
  "averageOrderValueMinor",
  "customerLifetimeValueMinor",
  "returningRevenueShare",
  "referralRate",
] as const;

export type ComparedFigure = (typeof COMPARED)[number];

export interface PeriodComparison {
  current: RetentionReport;
  previous: RetentionReport;
  /** current − previous (rates in fraction points, money in minor units). */
  change: Record<ComparedFigure | "activeCustomers" | "orders" | "revenueMinor", Figure>;
}

export function compareWithPreviousPeriod(
  history: OrderHistory,
  period: Period,
  options: RetentionOptions = {},
): PeriodComparison {
  const current = measureRetention(history, period, options);
  const previous = measureRetention(history, previousPeriod(period), options);
  const change = {} as PeriodComparison["change"];
  for (const key of COMPARED) {
    const a = current[key];
    const b = previous[key];
    change[key] =
      a.value === null
        ? unknown(`current period: ${a.reason}`)
        : b.value === null
          ? unknown(`previous period: ${b.reason}`)
          : known(a.value - b.value);
  }
  change.activeCustomers = known(current.activeCustomers - previous.activeCustomers);
  change.orders = known(current.orders - previous.orders);
  change.revenueMinor = known(current.revenueMinor - previous.revenueMinor);
  return { current, previous, change };
}

/** The same report for loyalty-programme members and for everyone else. */
export function splitByMembership(
  history: OrderHistory,
  period: Period,
  memberIds: ReadonlySet<string>,
  options: RetentionOptions = {},
): { members: RetentionReport; nonMembers: RetentionReport } {
  const members = maskFromIds(history, memberIds) ?? new Uint8Array(history.customerIds.length);
  const nonMembers = new Uint8Array(members.length);
  for (let c = 0; c < members.length; c++) nonMembers[c] = members[c] === 1 ? 0 : 1;
  return {
    members: measureRetention(history, period, options, members),
    nonMembers: measureRetention(history, period, options, nonMembers),
  };
}

/** End of a calendar day (exclusive, epoch ms) for "as of" dates. */
export function endOfDayExclusive(day: string | Date): number {
  const ms = typeof day === "string" ? calendarDateToEpochMs(day) : toDayNumber(day) * MS_PER_DAY;
  if (Number.isNaN(ms)) throw new RangeError(`invalid date ${String(day)}`);
  return ms + MS_PER_DAY;
}
