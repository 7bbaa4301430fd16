/**
 * Orders, revenue and active customers per UTC month for the last `months` months up to `asOf`, with
 * the period figures' counting rules (retention-metrics.ts): guests left out, revenue is every event
 * dated in the month, an order counts in the month it was placed if its net of refunds dated before the
 * month's end is > 0 (as a period report of that month would count it).
 */
import type { OrderHistory } from "./order-history";
import { monthIndexToLabel, utcMonthIndex } from "./time";

export interface TrendMonth {
  /** `YYYY-MM`. */
  month: string;
  orders: number;
  revenueMinor: number;
  activeCustomers: number;
}

export function monthlyTrend(history: OrderHistory, asOf: string, months = 12): TrendMonth[] {
  const last = utcMonthIndex(Date.parse(`${asOf}T00:00:00Z`));
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
