/**
 * Cohort retention: customers grouped by the UTC month of their first order, and for each later
 * month the share of the cohort that ordered in that month.
 *
 * Same order rules as retention-metrics.ts, judged as of the end of `asOf`: guests are left out, an
 * order counts if its amount net of refunds dated up to `asOf` is > 0, and a customer's first order
 * is their first counting order. Month 0 (the cohort month itself) is 100 % by construction and is
 * not listed; column k is "k months after the first order". The column for the month containing
 * `asOf` is partial unless `asOf` is the last day of a month.
 */
import type { OrderHistory } from "./order-history";
import { endOfDayExclusive } from "./retention-metrics";
import { monthIndexToLabel, utcMonthIndex } from "./time";

export interface CohortRow {
  /** `YYYY-MM` of the first order. */
  cohort: string;
  customers: number;
  /** returningCustomers[k − 1]: cohort customers with an order k months after their first. */
  returningCustomers: number[];
  /** retention[k − 1] = returningCustomers[k − 1] / customers; null for an empty cohort. */
  retention: (number | null)[];
}

export interface CohortTable {
  asOf: string;
  rows: CohortRow[];
}

/** Counting orders of customer c as of `endMs`, as (placedAt) values; shared with the segments. */
export function countingOrderTimes(history: OrderHistory, c: number, endMs: number, out: number[]): number[] {
  out.length = 0;
  const { customerOrderStart, customerOrders, orderPlacedAt, orderEventStart, eventAt, eventAmount } = history;
  for (let i = customerOrderStart[c]; i < customerOrderStart[c + 1]; i++) {
    const o = customerOrders[i];
    const placed = orderPlacedAt[o];
    if (!(placed < endMs)) continue;
    let net = 0;
    for (let e = orderEventStart[o]; e < orderEventStart[o + 1]; e++) if (eventAt[e] < endMs) net += eventAmount[e];
    if (net > 0) out.push(placed);
  }
  return out;
}

export function cohortRetention(history: OrderHistory, asOf: string | Date): CohortTable {
  const endMs = endOfDayExclusive(asOf);
  const lastMonth = utcMonthIndex(endMs - 1);
  const customers = history.customerIds.length;
  const firstMonth = new Int32Array(customers);
  const times: number[] = [];
  const months: Int32Array[] = new Array(customers);
  let earliest = lastMonth;
  let anyCustomer = false;
  for (let c = 0; c < customers; c++) {
    countingOrderTimes(history, c, endMs, times);
    if (times.length === 0) continue;
    const ms = new Int32Array(times.length);
    for (let i = 0; i < times.length; i++) ms[i] = utcMonthIndex(times[i]);
    let first = ms[0];
    for (const m of ms) if (m < first) first = m;
    firstMonth[c] = first;
    months[c] = ms;
    anyCustomer = true;
    if (first < earliest) earliest = first;
  }

  const asOfLabel = typeof asOf === "string" ? asOf : asOf.toISOString().slice(0, 10);
  if (!anyCustomer) return { asOf: asOfLabel, rows: [] };
  const width = lastMonth - earliest + 1;
  const size = new Float64Array(width);
  const returning: Float64Array[] = Array.from({ length: width }, (_, i) => new Float64Array(width - 1 - i));
  // One flag per month offset, cleared after each customer, to count each offset once per customer.
  const seen = new Uint8Array(width);
  const touched: number[] = [];
  for (let c = 0; c < customers; c++) {
    const ms = months[c];
    if (ms === undefined) continue;
    const row = firstMonth[c] - earliest;
    size[row]++;
    for (const m of ms) {
      const k = m - firstMonth[c];
      if (k > 0 && seen[k] === 0) {
        seen[k] = 1;
        touched.push(k);
        returning[row][k - 1]++;
      }
    }
    for (const k of touched) seen[k] = 0;
    touched.length = 0;
  }

  const rows: CohortRow[] = [];
  for (let i = 0; i < width; i++) {
    const n = size[i];
    const back = Array.from(returning[i]);
    rows.push({
      cohort: monthIndexToLabel(earliest + i),
      customers: n,
      returningCustomers: back,
      retention: back.map((k) => (n === 0 ? null : k / n)),
    });
  }
  return { asOf: asOfLabel, rows };
}
