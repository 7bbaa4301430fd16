/**
 * Lifecycle segments from recency, frequency and monetary value (RFM), as of the end of a day.
 *
 * Per customer (same order rules as retention-metrics.ts, judged as of `asOf`: guests left out, an
 * order counts if its net of refunds dated up to `asOf` is > 0):
 *   recencyDays   = calendar days (UTC) from the last counting order to `asOf` (0 = ordered that day)
 *   frequency     = number of counting orders
 *   monetaryMinor = Σ net amounts of the counting orders
 *   tenureDays    = calendar days (UTC) from the first counting order to `asOf`
 *
 * Segments, first match wins (recency comes first so a lapsing VIP shows up where someone can act):
 *   lost     recencyDays > lostAfterDays                        (default 180)
 *   atRisk   recencyDays > atRiskAfterDays                      (default 90)
 *   vip      frequency ≥ vipMinOrders (default 5) or monetaryMinor ≥ vipMinSpendMinor
 *            (default: the spend reached by the top vipTopShare = 5 % of customers with orders;
 *            a currency-free default, because an absolute amount means different things per shop)
 *   new      tenureDays ≤ newWithinDays                          (default 30)
 *   active   everyone else
 * Customers without a counting order up to `asOf` are not segmented.
 */
import { countingOrderTimes } from "./cohort-retention";
import type { OrderHistory } from "./order-history";
import { endOfDayExclusive } from "./retention-metrics";
import { MS_PER_DAY } from "./time";

export type LifecycleSegment = "new" | "active" | "atRisk" | "lost" | "vip";

export interface SegmentThresholds {
  newWithinDays: number;
  atRiskAfterDays: number;
  lostAfterDays: number;
  vipMinOrders: number;
  /** Absolute VIP spend in minor units; when absent the top-share rule below is used. */
  vipMinSpendMinor?: number;
  vipTopShare: number;
}

export const DEFAULT_SEGMENT_THRESHOLDS: SegmentThresholds = {
  newWithinDays: 30,
  atRiskAfterDays: 90,
  lostAfterDays: 180,
  vipMinOrders: 5,
  vipTopShare: 0.05,
};

export interface CustomerRfm {
  customerId: string;
  recencyDays: number;
  frequency: number;
  monetaryMinor: number;
  tenureDays: number;
  segment: LifecycleSegment;
}

export interface SegmentReport {
  asOf: string;
  thresholds: SegmentThresholds & { vipMinSpendMinor: number };
  counts: Record<LifecycleSegment, number>;
  customers: CustomerRfm[];
}

function checkThresholds(t: SegmentThresholds): void {
  if (!(t.atRiskAfterDays <= t.lostAfterDays)) throw new RangeError("atRiskAfterDays must not exceed lostAfterDays");
  if (!(t.vipTopShare > 0 && t.vipTopShare <= 1)) throw new RangeError("vipTopShare must be in (0, 1]");
  for (const k of ["newWithinDays", "atRiskAfterDays", "lostAfterDays", "vipMinOrders"] as const) {
    if (!(t[k] >= 0)) throw new RangeError(`${k} must be ≥ 0`);
  }
}

export function lifecycleSegments(
  history: OrderHistory,
  asOf: string | Date,
  thresholds: Partial<SegmentThresholds> = {},
): SegmentReport {
  const t: SegmentThresholds = { ...DEFAULT_SEGMENT_THRESHOLDS, ...thresholds };
  checkThresholds(t);
  const endMs = endOfDayExclusive(asOf);
  const asOfDay = endMs / MS_PER_DAY - 1;
  const n = history.customerIds.length;
  const recency = new Float64Array(n);
  const tenure = new Float64Array(n);
  const frequency = new Int32Array(n);
  const monetary = new Float64Array(n);
  const { customerOrderStart, customerOrders, orderPlacedAt, orderEventStart, eventAt, eventAmount } = history;
  const times: number[] = [];
  let withOrders = 0;
  for (let c = 0; c < n; c++) {
    countingOrderTimes(history, c, endMs, times);
    if (times.length === 0) continue;
    withOrders++;
    let first = times[0];
    let last = times[0];
    for (const x of times) {
      if (x < first) first = x;
      if (x > last) last = x;
    }
    frequency[c] = times.length;
    recency[c] = asOfDay - Math.floor(last / MS_PER_DAY);
    tenure[c] = asOfDay - Math.floor(first / MS_PER_DAY);
    let spend = 0;
    for (let i = customerOrderStart[c]; i < customerOrderStart[c + 1]; i++) {
      const o = customerOrders[i];
      if (!(orderPlacedAt[o] < endMs)) continue;
      let net = 0;
      for (let e = orderEventStart[o]; e < orderEventStart[o + 1]; e++) if (eventAt[e] < endMs) net += eventAmount[e];
      if (net > 0) spend += net;
    }
    monetary[c] = spend;
  }

  let vipMinSpendMinor = t.vipMinSpendMinor;
  if (vipMinSpendMinor === undefined) {
    const spends = new Float64Array(withOrders);
    let j = 0;
    for (let c = 0; c < n; c++) if (frequency[c] > 0) spends[j++] = monetary[c];
    spends.sort();
    const top = Math.ceil(t.vipTopShare * withOrders);
    vipMinSpendMinor = withOrders === 0 ? Number.POSITIVE_INFINITY : spends[Math.max(0, withOrders - top)];
  }

  const counts: Record<LifecycleSegment, number> = { new: 0, active: 0, atRisk: 0, lost: 0, vip: 0 };
  const customers: CustomerRfm[] = [];
  for (let c = 0; c < n; c++) {
    if (frequency[c] === 0) continue;
    let segment: LifecycleSegment;
    if (recency[c] > t.lostAfterDays) segment = "lost";
    else if (recency[c] > t.atRiskAfterDays) segment = "atRisk";
    else if (frequency[c] >= t.vipMinOrders || monetary[c] >= vipMinSpendMinor) segment = "vip";
    else if (tenure[c] <= t.newWithinDays) segment = "new";
    else segment = "active";
    counts[segment]++;
    customers.push({
      customerId: history.customerIds[c],
      recencyDays: recency[c],
      frequency: frequency[c],
      monetaryMinor: monetary[c],
      tenureDays: tenure[c],
      segment,
    });
  }
  return {
    asOf: typeof asOf === "string" ? asOf : asOf.toISOString().slice(0, 10),
    thresholds: { ...t, vipMinSpendMinor },
    counts,
    customers,
  };
}
