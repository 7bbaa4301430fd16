/**
 * Retention metrics for a period, from a shop's order history.
 *
 * Definitions (product spec; decisions in docs/decisions/003-clv-models.md):
 *
 * Input is a list of order events: a sale (amount ≥ 0) and its refunds (negative amounts, same
 * orderId). Amounts are integer minor units. Times are UTC.
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
import { calendarDateToEpochMs, dayNumberToIsoDate, MS_PER_DAY, toDayNumber, toEpochMs, type Instant } from "./time";

export interface OrderEvent {
  orderId: string;
  customerId: string | null;
  at: Instant;
  /** Integer minor units; negative for a refund. */
  amountMinor: number;
}

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

export interface OrderHistory {
  /** Customer index → id. */
  readonly customerIds: readonly string[];
  readonly customerIndex: ReadonlyMap<string, number>;
  readonly orderCount: number;
  /** Order → customer index, −1 for guest orders. */
  readonly orderCustomer: Int32Array;
  /** Order → placement time (epoch ms), NaN when only refunds of the order are known. */
  readonly orderPlacedAt: Float64Array;
  /** Events of order o are eventAt/eventAmount[orderEventStart[o] .. orderEventStart[o+1]). */
  readonly orderEventStart: Int32Array;
  readonly eventAt: Float64Array;
  readonly eventAmount: Float64Array;
  /** Orders of customer c are customerOrders[customerOrderStart[c] .. customerOrderStart[c+1]). */
  readonly customerOrderStart: Int32Array;
  readonly customerOrders: Int32Array;
}

export class OrderHistoryError extends Error {
  constructor(
    readonly eventIndex: number,
    problem: string,
  ) {
    super(`order event ${eventIndex}: ${problem}`);
    this.name = "OrderHistoryError";
  }
}

/**
 * Order events already reduced to dense integer ids, e.g. straight from a database query. This is
 * the fast way in: no string interning, just two counting sorts.
 */
export interface OrderEventColumns {
  /** Event → dense order index in [0, orderCount). */
  orderIndex: Int32Array;
  /** Event → dense customer index in [0, customerIds.length), −1 for a guest. */
  customerIndex: Int32Array;
  /** Event → epoch milliseconds (UTC). */
  at: Float64Array;
  /** Event → integer minor units. */
  amountMinor: Float64Array;
  orderCount: number;
  customerIds: readonly string[];
  /** Optional order ids, only used in error messages. */
  orderIds?: readonly string[];
}

/**
 * Interns the string ids and hands over to `orderHistoryFromColumns`. Interning a million distinct
 * order ids is most of the cost of this function (hash-map inserts); callers that already have
 * integer ids should build the columns themselves.
 */
export function buildOrderHistory(events: readonly OrderEvent[]): OrderHistory {
  const n = events.length;
  const orderIndexById = new Map<string, number>();
  const customerIndexById = new Map<string, number>();
  const customerIds: string[] = [];
  const orderIds: string[] = [];
  const orderIndex = new Int32Array(n);
  const customerIndex = new Int32Array(n);
  const at = new Float64Array(n);
  const amountMinor = new Float64Array(n);
  let lastOrderId = "";
  let lastOrder = -1;
  for (let i = 0; i < n; i++) {
    const e = events[i];
    const orderId = e.orderId;
    if (typeof orderId !== "string" || orderId === "") throw new OrderHistoryError(i, "orderId is missing");
    const ms = toEpochMs(e.at);
    if (Number.isNaN(ms)) throw new OrderHistoryError(i, `invalid time ${String(e.at)}`);
    const amt = e.amountMinor;
    if (!Number.isSafeInteger(amt)) throw new OrderHistoryError(i, `amountMinor must be an integer (minor units), got ${amt}`);
    // Exports usually list an order's rows together; skip the hash lookup for those.
    let o = orderId === lastOrderId ? lastOrder : orderIndexById.get(orderId);
    if (o === undefined) {
      o = orderIds.length;
      orderIds.push(orderId);
      orderIndexById.set(orderId, o);
    }
    lastOrderId = orderId;
    lastOrder = o;
    const id = e.customerId;
    let c = -1;
    if (id !== null && id !== undefined && id !== "") {
      const known = customerIndexById.get(id);
      if (known === undefined) {
        c = customerIds.length;
        customerIds.push(id);
        customerIndexById.set(id, c);
      } else {
        c = known;
      }
    }
    orderIndex[i] = o;
    customerIndex[i] = c;
    at[i] = ms;
    amountMinor[i] = amt;
  }
  return orderHistoryFromColumns(
    { orderIndex, customerIndex, at, amountMinor, orderCount: orderIds.length, customerIds, orderIds },
    customerIndexById,
  );
}

export function orderHistoryFromColumns(
  columns: OrderEventColumns,
  customerIndexById?: ReadonlyMap<string, number>,
): OrderHistory {
  const { orderIndex, customerIndex, at, amountMinor, orderCount: orders, customerIds } = columns;
  const n = orderIndex.length;
  if (customerIndex.length !== n || at.length !== n || amountMinor.length !== n) {
    throw new RangeError("orderHistoryFromColumns: all event columns must have the same length");
  }
  const orderCustomer = new Int32Array(orders).fill(-1);
  const orderPlacedAt = new Float64Array(orders).fill(Number.NaN);
  const orderEventStart = new Int32Array(orders + 1);
  const customers = customerIds.length;
  for (let i = 0; i < n; i++) {
    const o = orderIndex[i];
    if (!(o >= 0 && o < orders)) throw new OrderHistoryError(i, `order index ${o} is out of range`);
    const c = customerIndex[i];
    if (!(c >= -1 && c < customers)) throw new OrderHistoryError(i, `customer index ${c} is out of range`);
    if (Number.isNaN(at[i])) throw new OrderHistoryError(i, "invalid time");
    if (!Number.isSafeInteger(amountMinor[i])) throw new OrderHistoryError(i, `amountMinor must be an integer, got ${amountMinor[i]}`);
    if (c >= 0) {
      const current = orderCustomer[o];
      if (current === -1) orderCustomer[o] = c;
      else if (current !== c) {
        const name = columns.orderIds?.[o] ?? `#${o}`;
        throw new OrderHistoryError(i, `order ${name} has events for two customers (${customerIds[current]} and ${customerIds[c]})`);
      }
    }
    if (amountMinor[i] >= 0 && !(orderPlacedAt[o] <= at[i])) orderPlacedAt[o] = at[i]; // NaN-safe min
    orderEventStart[o + 1]++;
  }

  // Group events by order with a counting sort: stable and linear.
  for (let o = 0; o < orders; o++) orderEventStart[o + 1] += orderEventStart[o];
  const cursor = orderEventStart.slice(0, orders);
  const eventAt = new Float64Array(n);
  const eventAmount = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const slot = cursor[orderIndex[i]]++;
    eventAt[slot] = at[i];
    eventAmount[slot] = amountMinor[i];
  }

  const customerOrderStart = new Int32Array(customers + 1);
  for (let o = 0; o < orders; o++) if (orderCustomer[o] >= 0) customerOrderStart[orderCustomer[o] + 1]++;
  for (let c = 0; c < customers; c++) customerOrderStart[c + 1] += customerOrderStart[c];
  const customerOrders = new Int32Array(customerOrderStart[customers]);
  const ccursor = customerOrderStart.slice(0, customers);
  for (let o = 0; o < orders; o++) {
    const c = orderCustomer[o];
    if (c >= 0) customerOrders[ccursor[c]++] = o;
  }

  // Built on first use only: interning 250 k ids costs more than the rest of this function, and
  // only the member/referral helpers need it.
  let index = customerIndexById;
  return {
    customerIds,
    get customerIndex(): ReadonlyMap<string, number> {
      if (index === undefined) {
        const m = new Map<string, number>();
        customerIds.forEach((id, i) => m.set(id, i));
        index = m;
      }
      return index;
    },
    orderCount: orders,
    orderCustomer,
    orderPlacedAt,
    orderEventStart,
    eventAt,
    eventAmount,
    customerOrderStart,
    customerOrders,
  };
}

/**
 * Events already grouped by customer and order (a customer's orders are contiguous, an order's events
 * are contiguous), e.g. from per-customer rollups. Builds the same history as `orderHistoryFromColumns`
 * would from those events, without sorting. Guests are not part of such input.
 */
export interface GroupedOrderEvents {
  customerIds: readonly string[];
  /** Orders of customer c are [customerOrderStart[c], customerOrderStart[c + 1]). */
  customerOrderStart: Int32Array;
  /** Events of order o are [orderEventStart[o], orderEventStart[o + 1]). */
  orderEventStart: Int32Array;
  eventAt: Float64Array;
  eventAmount: Float64Array;
}

export function orderHistoryFromGroupedEvents(g: GroupedOrderEvents): OrderHistory {
  const customers = g.customerIds.length;
  const orders = g.orderEventStart.length - 1;
  if (g.customerOrderStart.length !== customers + 1 || g.customerOrderStart[customers] !== orders) {
    throw new RangeError("orderHistoryFromGroupedEvents: customerOrderStart does not cover the orders");
  }
  if (g.eventAt.length !== g.eventAmount.length || g.orderEventStart[orders] !== g.eventAt.length) {
    throw new RangeError("orderHistoryFromGroupedEvents: orderEventStart does not cover the events");
  }
  const orderCustomer = new Int32Array(orders);
  const orderPlacedAt = new Float64Array(orders).fill(Number.NaN);
  for (let c = 0; c < customers; c++) {
    for (let o = g.customerOrderStart[c]; o < g.customerOrderStart[c + 1]; o++) {
      orderCustomer[o] = c;
      for (let e = g.orderEventStart[o]; e < g.orderEventStart[o + 1]; e++) {
        const amt = g.eventAmount[e];
        if (!Number.isSafeInteger(amt)) throw new OrderHistoryError(e, `amountMinor must be an integer, got ${amt}`);
        if (Number.isNaN(g.eventAt[e])) throw new OrderHistoryError(e, "invalid time");
        if (amt >= 0 && !(orderPlacedAt[o] <= g.eventAt[e])) orderPlacedAt[o] = g.eventAt[e];
      }
    }
  }
  const customerOrders = new Int32Array(orders);
  for (let o = 0; o < orders; o++) customerOrders[o] = o;
  let index: Map<string, number> | undefined;
  return {
    customerIds: g.customerIds,
    get customerIndex(): ReadonlyMap<string, number> {
      if (index === undefined) {
        index = new Map();
        g.customerIds.forEach((id, i) => index!.set(id, i));
      }
      return index;
    },
    orderCount: orders,
    orderCustomer,
    orderPlacedAt,
    orderEventStart: g.orderEventStart,
    eventAt: g.eventAt,
    eventAmount: g.eventAmount,
    customerOrderStart: g.customerOrderStart,
    customerOrders,
  };
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
