// The summary against the domain's full computations on randomised histories: every period report
// (current and previous, with referrals), the member split, cohorts, segment counts and the trend —
// built from scratch and after customers' changes applied as differences.
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../../tests/support/analytics-simulate";
import { compareWithPreviousPeriod, splitByMembership } from "./retention-metrics";
import { buildOrderHistory, type OrderEvent, type OrderHistory } from "./order-history";
import { cohortRetention } from "./cohort-retention";
import { lifecycleSegments, type SegmentThresholds } from "./lifecycle-segments";
import { monthlyTrend } from "./monthly-trend";
import {
  applyCustomerChanges,
  daySegmentRules,
  groupTotals,
  SortedValues,
  subtractTotals,
  summariseHistory,
  summaryCohorts,
  summaryPeriod,
  summaryReport,
  summarySegments,
  summaryTrend,
  totalsOf,
  windowOf,
  type DashboardSummary,
} from "./dashboard-summary";

const DAYS = [30, 90, 365];
const DAY = 86_400_000;

interface Order {
  id: string;
  customer: string | null;
  events: { at: number; amount: number }[];
}

/** Orders over ~3 years up to a little after `asOf`, with every case the rules distinguish. */
function randomOrders(seed: number, asOf: string, count: number, customers: number): Order[] {
  const random = seededRandom(seed);
  const end = Date.parse(`${asOf}T00:00:00Z`) + 3 * DAY; // a few events after asOf
  const orders: Order[] = [];
  for (let i = 0; i < count; i++) {
    const r = random();
    const customer = r < 0.05 ? null : String(1 + Math.floor(customers * random() ** 2));
    const at = end - Math.floor(random() * 1100 * DAY);
    const amount = random() < 0.05 ? 0 : 100 + Math.floor(random() * 10_000);
    const events = [{ at, amount }];
    const k = random();
    const later = (max: number) => at + Math.floor(random() * max);
    if (k < 0.1) events.push({ at: later(200 * DAY), amount: -Math.floor(amount / 3) });
    else if (k < 0.14) events.push({ at: later(400 * DAY), amount: -amount }); // fully refunded, maybe in a later period
    else if (k < 0.16) events.push({ at: later(2 * DAY), amount: -amount - 50 }); // refunds exceed the sale
    else if (k < 0.17) events.unshift({ at: at - DAY, amount: -100 }); // refund dated before the sale
    else if (k < 0.18) events[0] = { at, amount: -amount }; // refund-only: sale before the export
    if (random() < 0.05) events.push({ at: later(60 * DAY), amount: -1 });
    orders.push({ id: `o${i}`, customer, events });
  }
  return orders;
}

const historyOf = (orders: readonly Order[]): OrderHistory =>
  buildOrderHistory(orders.flatMap((o) => o.events.map((e): OrderEvent => ({ orderId: o.id, customerId: o.customer, at: e.at, amountMinor: e.amount }))));

/** What the dashboard shows, from the domain's own functions. */
function domainView(h: OrderHistory, asOf: string, members: Set<string>, referred: Set<string>) {
  return {
    periods: DAYS.map((days) => {
      const period = summaryPeriod(asOf, days, "current");
      const { current, previous } = compareWithPreviousPeriod(h, period, { referredCustomerIds: referred });
      const split = splitByMembership(h, period, members, { referredCustomerIds: referred });
      return { current, previous, members: split.members, nonMembers: split.nonMembers };
    }),
    cohorts: cohortRetention(h, asOf).rows.slice(-12).map((r) => ({ cohort: r.cohort, customers: r.customers, retention: r.retention.slice(0, 12) })),
    segments: lifecycleSegments(h, asOf).counts,
    trend: monthlyTrend(h, asOf),
    customers: h.customerIds.length,
  };
}

/** The same from a summary plus the groups' totals (as the dashboard service does). */
function summaryView(summary: DashboardSummary, h: OrderHistory, members: Set<string>, referred: Set<string>) {
  const indices = (ids: Set<string>) => [...ids].map((id) => h.customerIndex.get(id)).filter((c): c is number => c !== undefined);
  const memberTotals = groupTotals(h, indices(members), summary.asOf, DAYS);
  const referredTotals = groupTotals(h, indices(referred), summary.asOf, DAYS);
  const both = groupTotals(h, indices(new Set([...members].filter((id) => referred.has(id)))), summary.asOf, DAYS);
  return {
    periods: DAYS.map((days) => {
      const cur = windowOf(summary, days, "current");
      const prev = windowOf(summary, days, "previous");
      const all = totalsOf(summary.totals, cur);
      const m = totalsOf(memberTotals, cur);
      return {
        current: summaryReport(summary, days, "current", totalsOf(referredTotals, cur).orders),
        previous: summaryReport(summary, days, "previous", totalsOf(referredTotals, prev).orders),
        members: summaryReport(summary, days, "current", totalsOf(both, cur).orders, m),
        nonMembers: summaryReport(summary, days, "current", totalsOf(referredTotals, cur).orders - totalsOf(both, cur).orders, subtractTotals(all, m)),
      };
    }),
    cohorts: summaryCohorts(summary),
    segments: summarySegments(summary),
    trend: summaryTrend(summary),
    customers: summary.customers,
  };
}

const ids = (n: number, every: number) => new Set(Array.from({ length: n }, (_, i) => String(1 + i * every)));

describe("dashboard summary", () => {
  it.each([
    [1, "2026-06-30", 3000, 400],
    [2, "2025-12-31", 2000, 150],
    [3, "2026-03-01", 800, 600],
    [4, "2024-02-29", 50, 30],
  ])("gives the domain's figures (seed %i, as of %s)", (seed, asOf, count, customers) => {
    const h = historyOf(randomOrders(seed, asOf, count, customers));
    const members = ids(40, 3);
    const referred = ids(15, 7);
    const expected = domainView(h, asOf, members, referred);
    expect(summaryView(summariseHistory(h, asOf, DAYS), h, members, referred)).toEqual(expected);
    // The histories exercise what they should: refunds, segments of every kind, several cohorts.
    if (count >= 3000) {
      expect(Object.values(expected.segments).every((n) => n > 0)).toBe(true);
      expect(expected.periods[2].current.retainedCustomers).toBeGreaterThan(0);
      expect(expected.cohorts.length).toBe(12);
    }
  });

  it("gives the domain's figures for an empty history", () => {
    const h = historyOf([]);
    expect(summaryView(summariseHistory(h, "2026-01-15", DAYS), h, new Set(), new Set())).toEqual(domainView(h, "2026-01-15", new Set(), new Set()));
  });

  it.each([5, 6, 7, 8, 9])("stays exact when customers' orders change (seed %i)", (seed) => {
    const asOf = "2026-06-30";
    const random = seededRandom(seed * 101);
    const before = randomOrders(seed, asOf, 2500, 300);
    const after = before.map((o) => ({ ...o, events: o.events.map((e) => ({ ...e })) }));
    const changed = new Set<string>();
    const touch = (o: Order) => o.customer !== null && changed.add(o.customer);
    const now = Date.parse(`${asOf}T10:00:00Z`);
    for (let i = 0; i < 25; i++) {
      const o = after[Math.floor(random() * after.length)];
      const kind = random();
      touch(o);
      if (kind < 0.25) after.push({ id: `new${i}`, customer: o.customer ?? "1", events: [{ at: now - Math.floor(random() * 400 * DAY), amount: 500 }] });
      else if (kind < 0.45) o.events.push({ at: now, amount: -Math.max(1, Math.floor(o.events[0].amount / 2)) }); // late refund
      else if (kind < 0.6) o.events.push({ at: now, amount: -o.events.reduce((s, e) => s + e.amount, 0) }); // cancellation
      else if (kind < 0.8) o.customer = String(1 + Math.floor(random() * 320)); // moved, maybe to a new customer
      else {
        for (const x of after) if (x.customer === o.customer) x.events = [];
      }
      touch(o);
      if (kind >= 0.25 && kind < 0.8 && o.customer === null) o.customer = "2";
      touch(o);
    }
    if (!changed.has("1")) changed.add("1");
    if (!changed.has("2")) changed.add("2");
    const kept = after.filter((o) => o.events.length > 0);
    const h1 = historyOf(before);
    const h2 = historyOf(kept);
    const summary = summariseHistory(h1, asOf, DAYS);
    const of = (orders: Order[]) => historyOf(orders.filter((o) => o.customer !== null && changed.has(o.customer)));
    applyCustomerChanges(summary, of(before), of(kept));
    const members = ids(40, 3);
    const referred = ids(15, 7);
    const expected = domainView(h2, asOf, members, referred);
    expect(summaryView(summary, h2, members, referred)).toEqual(expected);
    // Something moved: the summary of the old history gives other figures.
    expect(summaryView(summariseHistory(h1, asOf, DAYS), h2, members, referred)).not.toEqual(expected);
  });
});

describe("the merchant's segment rules", () => {
  it("gives the segment counts lifecycleSegments gives with the same rules, built and after changes", () => {
    const asOf = "2026-06-30";
    const random = seededRandom(314);
    for (let round = 0; round < 12; round++) {
      const atRisk = 10 + Math.floor(random() * 200);
      const rules: SegmentThresholds = {
        newWithinDays: 1 + Math.floor(random() * 120),
        atRiskAfterDays: atRisk,
        lostAfterDays: atRisk + 1 + Math.floor(random() * 400),
        vipMinOrders: 1 + Math.floor(random() * 6),
        vipTopShare: (1 + Math.floor(random() * 20)) / 100,
        ...(random() < 0.4 ? { vipMinSpendMinor: 1000 + Math.floor(random() * 30_000) } : {}),
      };
      const before = randomOrders(1000 + round, asOf, 900, 250);
      const h1 = historyOf(before);
      const summary = summariseHistory(h1, asOf, DAYS, daySegmentRules(rules));
      expect(summarySegments(summary, rules)).toEqual(lifecycleSegments(h1, asOf, rules).counts);
      // Customers 1–5 lose their orders: old contribution out, new in, under the same rules.
      const changed = new Set(["1", "2", "3", "4", "5"]);
      const after = before.filter((o) => o.customer === null || !changed.has(o.customer));
      const of = (orders: Order[]) => historyOf(orders.filter((o) => o.customer !== null && changed.has(o.customer)));
      applyCustomerChanges(summary, of(before), of(after));
      expect(summarySegments(summary, rules)).toEqual(lifecycleSegments(historyOf(after), asOf, rules).counts);
    }
  });
});

describe("SortedValues", () => {
  it("keeps duplicates, counts ranks and refuses to remove what it does not hold", () => {
    const s = SortedValues.of([5, 1, 3, 3]);
    s.add(4);
    s.add(3);
    s.remove(1);
    expect(Array.from(s.toArray())).toEqual([3, 3, 3, 4, 5]);
    expect(s.countAtLeast(3)).toBe(5);
    expect(s.countAtLeast(3.5)).toBe(2);
    expect(s.countAtLeast(6)).toBe(0);
    expect(() => s.remove(2)).toThrow(/not in the set/);
    for (let i = 0; i < 40; i++) s.add(i % 7);
    expect(s.size).toBe(45);
    expect(Array.from(s.toArray())).toEqual([...s.toArray()].sort((a, b) => a - b));
  });
});
