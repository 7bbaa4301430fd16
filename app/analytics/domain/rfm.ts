/**
 * RFM summary: turns a purchase history into the per-customer statistics that the BG/NBD and
 * Gamma-Gamma models take as input.
 *
 * Conventions (the ones of Fader, Hardie & Lee and of the `lifetimes` package, so published results
 * can be reproduced):
 * - Purchases of one customer on the same UTC calendar day are merged into one purchase whose value
 *   is the sum. Every merged day is a purchase whatever its value (CDNOW has $0.00 purchases and the
 *   published fits count them).
 * - frequency x = number of repeat purchases (merged days after the first one) up to and including
 *   the calibration end day.
 * - recency t_x = time from the first purchase to the last purchase; T = time from the first
 *   purchase to the calibration end day. Both are whole-day differences divided by the time unit
 *   (7 days for weeks). A customer first seen after the calibration end is not in the summary.
 * - monetary value = mean value of the repeat purchases (the first purchase is left out because it
 *   is often atypical, e.g. a welcome offer), in the unit of the input amounts. It is a statistic, so
 *   it is a plain number and not rounded to minor units. Customers without repeat purchases have
 *   no monetary value (null).
 * - holdout purchases: merged purchase days after the calibration end up to the observation end,
 *   when one is given (for validating forecasts).
 */
import { toDayNumber, toEpochMs, utcDayNumber, type Instant } from "./time";

export interface Purchase {
  customerId: string | null;
  at: Instant;
  /** Value of the purchase, in minor units (or any unit: the summary only averages it). */
  amountMinor?: number;
}

export type TimeUnit = "days" | "weeks";

export interface RfmSummaryOptions {
  /** Last day of the calibration period, inclusive (`YYYY-MM-DD`, UTC). */
  calibrationEnd: string | Date;
  /** End of the holdout period, inclusive; purchases after it are ignored. */
  observationEnd?: string | Date;
  timeUnit?: TimeUnit;
}

export interface RfmCustomer {
  customerId: string;
  /** Repeat purchases in the calibration period. */
  frequency: number;
  /** t_x, in the time unit. 0 when there is no repeat purchase. */
  recency: number;
  /** T, in the time unit. */
  age: number;
  /** Mean value of repeat purchases, null when frequency is 0. */
  monetaryValue: number | null;
  holdoutPurchases: number;
  firstPurchaseDay: number;
}

export interface RfmSummary {
  timeUnit: TimeUnit;
  calibrationEndDay: number;
  customers: RfmCustomer[];
}

const DAYS_PER_UNIT: Record<TimeUnit, number> = { days: 1, weeks: 7 };

export function buildRfmSummary(purchases: Iterable<Purchase>, options: RfmSummaryOptions): RfmSummary {
  const timeUnit = options.timeUnit ?? "weeks";
  const unit = DAYS_PER_UNIT[timeUnit];
  const calibrationEndDay = toDayNumber(options.calibrationEnd);
  if (!Number.isFinite(calibrationEndDay)) throw new RangeError(`invalid calibration end: ${String(options.calibrationEnd)}`);
  const observationEndDay =
    options.observationEnd === undefined ? Number.POSITIVE_INFINITY : toDayNumber(options.observationEnd);
  if (Number.isNaN(observationEndDay)) throw new RangeError(`invalid observation end: ${String(options.observationEnd)}`);

  // customer -> (day -> summed value). Per-customer maps keep the same-day merge exact and cheap.
  const byCustomer = new Map<string, Map<number, number>>();
  let index = 0;
  for (const p of purchases) {
    index++;
    if (p.customerId === null || p.customerId === "") continue;
    const ms = toEpochMs(p.at);
    if (Number.isNaN(ms)) throw new RangeError(`purchase ${index}: invalid date ${String(p.at)}`);
    const day = utcDayNumber(ms);
    if (day > observationEndDay) continue;
    const amount = p.amountMinor ?? 0;
    if (!Number.isFinite(amount)) throw new RangeError(`purchase ${index}: invalid amount ${String(p.amountMinor)}`);
    let days = byCustomer.get(p.customerId);
    if (!days) {
      days = new Map();
      byCustomer.set(p.customerId, days);
    }
    days.set(day, (days.get(day) ?? 0) + amount);
  }

  const customers: RfmCustomer[] = [];
  for (const [customerId, days] of byCustomer) {
    const sortedDays = [...days.keys()].sort((a, b) => a - b);
    const first = sortedDays[0];
    if (first > calibrationEndDay) continue;
    let frequency = 0;
    let last = first;
    let repeatValue = 0;
    let holdout = 0;
    for (let i = 1; i < sortedDays.length; i++) {
      const d = sortedDays[i];
      if (d <= calibrationEndDay) {
        frequency++;
        last = d;
        repeatValue += days.get(d) ?? 0;
      } else {
        holdout++;
      }
    }
    customers.push({
      customerId,
      frequency,
      recency: (last - first) / unit,
      age: (calibrationEndDay - first) / unit,
      monetaryValue: frequency > 0 ? repeatValue / frequency : null,
      holdoutPurchases: holdout,
      firstPurchaseDay: first,
    });
  }
  return { timeUnit, calibrationEndDay, customers };
}
