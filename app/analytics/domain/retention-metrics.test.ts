import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareWithPreviousPeriod, measureRetention, previousPeriod, retentionMetrics, splitByMembership, type RetentionReport } from "./retention-metrics";
import { buildOrderHistory, type OrderEvent } from "./order-history";

const march = { from: "2024-03-01", to: "2024-03-31" };

// A hand-computed shop history around March 2024 (amounts in cents).
const history: OrderEvent[] = [
  // alice: customer before March; two orders in March; the refund of A3 comes after March
  { orderId: "A1", customerId: "alice", at: "2024-01-10T12:00:00Z", amountMinor: 10_000 },
  { orderId: "A2", customerId: "alice", at: "2024-03-05T12:00:00Z", amountMinor: 5_000 },
  { orderId: "A3", customerId: "alice", at: "2024-03-20T12:00:00Z", amountMinor: 3_000 },
  { orderId: "A3", customerId: "alice", at: "2024-04-02T12:00:00Z", amountMinor: -3_000 },
  // bob: his February order was fully refunded in February, so he is new in March
  { orderId: "B1", customerId: "bob", at: "2024-02-15T12:00:00Z", amountMinor: 8_000 },
  { orderId: "B1", customerId: "bob", at: "2024-02-20T12:00:00Z", amountMinor: -8_000 },
  { orderId: "B2", customerId: "bob", at: "2024-03-10T12:00:00Z", amountMinor: 4_000 },
  // carol: customer at start; her old order is refunded during March (revenue −60.00 in March)
  { orderId: "C1", customerId: "carol", at: "2023-12-01T12:00:00Z", amountMinor: 6_000 },
  { orderId: "C1", customerId: null, at: "2024-03-15T12:00:00Z", amountMinor: -6_000 },
  // dave: ordered on the last millisecond of March, and again the first instant of April
  { orderId: "D1", customerId: "dave", at: "2024-02-01T12:00:00Z", amountMinor: 2_000 },
  { orderId: "D2", customerId: "dave", at: "2024-03-31T23:59:59.999Z", amountMinor: 1_000 },
  { orderId: "D3", customerId: "dave", at: "2024-04-01T00:00:00Z", amountMinor: 9_900 },
  // erin: an order refunded within March and a zero-value order: neither is an order
  { orderId: "E1", customerId: "erin", at: "2024-03-02T12:00:00Z", amountMinor: 2_500 },
  { orderId: "E1", customerId: "erin", at: "2024-03-03T12:00:00Z", amountMinor: -2_500 },
  { orderId: "E2", customerId: "erin", at: "2024-03-04T12:00:00Z", amountMinor: 0 },
  // frank: customer at start who did not come back
  { orderId: "F1", customerId: "frank", at: "2024-01-01T00:00:00Z", amountMinor: 1_000 },
  // a guest order is left out of everything
  { orderId: "G1", customerId: null, at: "2024-03-10T12:00:00Z", amountMinor: 100_000 },
  // grace: only a refund of an order older than the export
  { orderId: "R1", customerId: "grace", at: "2024-03-12T12:00:00Z", amountMinor: -500 },
  // heidi: ordered the last millisecond of February and twice on 1 March
  { orderId: "H1", customerId: "heidi", at: "2024-02-29T23:59:59.999Z", amountMinor: 1_500 },
  { orderId: "H2", customerId: "heidi", at: "2024-03-01T00:00:00.000Z", amountMinor: 500 },
  { orderId: "H3", customerId: "heidi", at: new Date("2024-03-01T12:00:00Z"), amountMinor: 700 },
];

describe("retention metrics on a hand-computed history", () => {
  const report = retentionMetrics(history, march, { referredCustomerIds: new Set(["bob", "heidi"]) });

  it("counts customers at start, retained, active and new customers", () => {
    // S = alice, carol, dave, frank, heidi (bob's only earlier order was refunded before March)
    expect(report.customersAtStart).toBe(5);
    expect(report.retainedCustomers).toBe(3); // alice, dave, heidi
    expect(report.activeCustomers).toBe(4); // + bob
    expect(report.newCustomers).toBe(1);
    expect(report.repeatCustomers).toBe(2); // alice, heidi
    expect(report.orders).toBe(6); // A2, A3, B2, D2, H2, H3
    expect(report.period).toEqual({ from: "2024-03-01", to: "2024-03-31", days: 31 });
  });

  it("computes revenue with refunds in the period they happen", () => {
    // 5000 + 3000 + 4000 − 6000 + 1000 + (2500 − 2500) + 0 − 500 + 500 + 700
    expect(report.revenueMinor).toBe(7_700);
    // alice 8000, carol −6000, dave 1000, frank 0, heidi 1200
    expect(report.returningRevenueMinor).toBe(4_200);
    expect(report.returningRevenueShare.value).toBeCloseTo(4_200 / 7_700, 15);
  });

  it("computes the rates", () => {
    expect(report.retentionRate).toEqual({ value: 0.6 });
    expect(report.churnRate.value).toBeCloseTo(0.4, 15);
    expect(report.repeatPurchaseRate).toEqual({ value: 0.5 });
    expect(report.purchaseFrequency).toEqual({ value: 1.5 });
    expect(report.ordersPerActiveCustomer).toEqual({ value: 1.5 });
    expect(report.referralRate).toEqual({ value: 0.5 }); // B2, H2, H3 of 6
    expect(report.referredOrders).toBe(3);
  });

  it("computes average order value and lifetime value", () => {
    expect(report.averageOrderValueMinor.value).toBeCloseTo(7_700 / 6, 12);
    expect(report.averageOrderValueMinorRounded).toBe(1_283);
    const perYear = (1.5 * 365.25) / 31;
    const annualRetention = 0.6 ** (365.25 / 31);
    expect(report.purchasesPerYear.value).toBeCloseTo(perYear, 12);
    expect(report.annualRetentionRate.value).toBeCloseTo(annualRetention, 15);
    const clv = (7_700 / 6) * perYear * (1 / (1 - annualRetention));
    expect(report.customerLifetimeValueMinor.value).toBeCloseTo(clv, 8);
    expect(report.customerLifetimeValueMinorRounded).toBe(Math.round(clv));
    expect(Math.round(clv)).toBe(22_736);
  });

  it("judges the refund of an order placed in March that happens in April by March's end", () => {
    // A3 counts in March; in a period covering April its refund is revenue there
    const april = retentionMetrics(history, { from: "2024-04-01", to: "2024-04-30" });
    expect(april.revenueMinor).toBe(-3_000 + 9_900);
    expect(april.orders).toBe(1); // D3
  });

  it("splits members and non-members", () => {
    const h = buildOrderHistory(history);
    const { members, nonMembers } = splitByMembership(h, march, new Set(["alice", "bob", "nobody"]));
    expect(members).toMatchObject({ customersAtStart: 1, retainedCustomers: 1, activeCustomers: 2, orders: 3, revenueMinor: 12_000 });
    expect(members.retentionRate).toEqual({ value: 1 });
    expect(nonMembers).toMatchObject({ customersAtStart: 4, retainedCustomers: 2, activeCustomers: 2, orders: 3, revenueMinor: -4_300 });
    expect(nonMembers.averageOrderValueMinor.value).toBeCloseTo(-4_300 / 3, 12);
    expect(nonMembers.customerLifetimeValueMinor).toEqual({ value: null, reason: expect.stringContaining("not positive") });
    expect(nonMembers.returningRevenueShare.value).toBeNull();
  });

  it("compares with the previous period of equal length", () => {
    expect(previousPeriod(march)).toEqual({ from: "2024-01-30", to: "2024-02-29" });
    const h = buildOrderHistory(history);
    const { current, previous, change } = compareWithPreviousPeriod(h, march);
    // Jan 30 – Feb 29: S = alice, carol, frank; nobody retained; orders B1 (refunded, not counted), D1, H1
    expect(previous.customersAtStart).toBe(3);
    expect(previous.retentionRate).toEqual({ value: 0 });
    expect(previous.orders).toBe(2);
    expect(change.retentionRate.value).toBeCloseTo(current.retentionRate.value as number, 15);
    expect(change.orders).toEqual({ value: 4 });
    expect(change.referralRate.value).toBeNull();
  });
});

function allNumbers(value: unknown, out: number[] = []): number[] {
  if (typeof value === "number") out.push(value);
  else if (value && typeof value === "object") for (const v of Object.values(value)) allNumbers(v, out);
  return out;
}

describe("edge cases: null with a reason, never NaN", () => {
  it("an empty history", () => {
    const r = retentionMetrics([], march);
    for (const key of ["retentionRate", "churnRate", "repeatPurchaseRate", "purchaseFrequency", "averageOrderValueMinor", "customerLifetimeValueMinor", "returningRevenueShare", "referralRate"] as const) {
      expect(r[key].value).toBeNull();
      expect(r[key].reason).toEqual(expect.any(String));
    }
    expect(allNumbers(r).every(Number.isFinite)).toBe(true);
  });

  it("a period in which nobody churned has no finite lifetime value", () => {
    const r = retentionMetrics(
      [
        { orderId: "1", customerId: "a", at: "2024-01-01", amountMinor: 100 },
        { orderId: "2", customerId: "a", at: "2024-02-01", amountMinor: 300 },
      ],
      { from: "2024-02-01", to: "2024-02-29" },
    );
    expect(r.retentionRate).toEqual({ value: 1 });
    expect(r.churnRate).toEqual({ value: 0 });
    expect(r.expectedRelationshipYears.value).toBeNull();
    expect(r.customerLifetimeValueMinor).toEqual({ value: null, reason: expect.stringContaining("no customer churned") });
  });

  it("everyone churned: relationship of one year, lifetime value is a year's spend", () => {
    const r = retentionMetrics(
      [
        { orderId: "1", customerId: "a", at: "2023-01-01", amountMinor: 100 },
        { orderId: "2", customerId: "b", at: "2024-02-01", amountMinor: 300 },
      ],
      { from: "2024-01-01", to: "2024-12-31" },
    );
    expect(r.retentionRate).toEqual({ value: 0 });
    expect(r.expectedRelationshipYears).toEqual({ value: 1 });
    expect(r.customerLifetimeValueMinor.value).toBeCloseTo(300 * (365.25 / 366), 10);
  });

  it("rejects bad input with the event's position", () => {
    expect(() => retentionMetrics([{ orderId: "1", customerId: "a", at: "2024-01-01", amountMinor: 1.5 }], march)).toThrow(/event 0: amountMinor/);
    expect(() => retentionMetrics([{ orderId: "1", customerId: "a", at: "not a date", amountMinor: 1 }], march)).toThrow(/event 0: invalid time/);
    expect(() =>
      retentionMetrics(
        [
          { orderId: "1", customerId: "a", at: "2024-01-01", amountMinor: 1 },
          { orderId: "1", customerId: "b", at: "2024-01-02", amountMinor: -1 },
        ],
        march,
      ),
    ).toThrow(/event 1: order 1 has events for two customers/);
    expect(() => retentionMetrics([], { from: "2024-03-02", to: "2024-03-01" })).toThrow(/before it starts/);
    expect(() => retentionMetrics([], { from: "2024-02-30", to: "2024-03-01" })).toThrow(/invalid period start/);
  });
});

/** The definitions, implemented as plainly as possible, to check the fast version against. */
function reference(events: readonly OrderEvent[], fromDay: string, toDay: string) {
  const from = Date.parse(`${fromDay}T00:00:00Z`);
  const end = Date.parse(`${toDay}T00:00:00Z`) + 86_400_000;
  const ms = (e: OrderEvent) => new Date(e.at as string | number | Date).getTime();
  const orders = new Map<string, OrderEvent[]>();
  for (const e of events) orders.set(e.orderId, [...(orders.get(e.orderId) ?? []), e]);
  const atStart = new Set<string>();
  const ordersByCustomer = new Map<string, number>();
  let revenue = 0;
  const revenueBy = new Map<string, number>();
  for (const evs of orders.values()) {
    const customer = evs.find((e) => e.customerId)?.customerId;
    if (!customer) continue;
    const sales = evs.filter((e) => e.amountMinor >= 0).map(ms);
    const placed = sales.length ? Math.min(...sales) : Number.NaN;
    const net = (before: number) => evs.filter((e) => ms(e) < before).reduce((s, e) => s + e.amountMinor, 0);
    for (const e of evs) {
      if (ms(e) >= from && ms(e) < end) {
        revenue += e.amountMinor;
        revenueBy.set(customer, (revenueBy.get(customer) ?? 0) + e.amountMinor);
      }
    }
    if (placed < from && net(from) > 0) atStart.add(customer);
    if (placed >= from && placed < end && net(end) > 0) ordersByCustomer.set(customer, (ordersByCustomer.get(customer) ?? 0) + 1);
  }
  const retained = [...atStart].filter((c) => ordersByCustomer.has(c)).length;
  return {
    customersAtStart: atStart.size,
    retainedCustomers: retained,
    activeCustomers: ordersByCustomer.size,
    repeatCustomers: [...ordersByCustomer.values()].filter((k) => k >= 2).length,
    orders: [...ordersByCustomer.values()].reduce((s, k) => s + k, 0),
    revenueMinor: revenue,
    returningRevenueMinor: [...atStart].reduce((s, c) => s + (revenueBy.get(c) ?? 0), 0),
  };
}

const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);

/** Random histories: a fixed customer (or guest) per order, sales and refunds over 120 days. */
const histories = fc
  .array(
    fc.record({
      order: fc.integer({ min: 0, max: 40 }),
      offsetMs: fc.integer({ min: 0, max: 120 * DAY - 1 }),
      amountMinor: fc.oneof(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: -10_000, max: -1 })),
      customerOfOrder: fc.array(fc.option(fc.integer({ min: 0, max: 12 }), { nil: null }), { minLength: 41, maxLength: 41 }),
    }),
    { maxLength: 80 },
  )
  .map((rows) => {
    const owners = rows[0]?.customerOfOrder ?? [];
    return rows.map(
      (r): OrderEvent => ({
        orderId: `o${r.order}`,
        customerId: owners[r.order] === null ? null : `c${owners[r.order]}`,
        at: new Date(START + r.offsetMs).toISOString(),
        amountMinor: r.amountMinor,
      }),
    );
  });

const periods = fc
  .tuple(fc.integer({ min: 0, max: 119 }), fc.integer({ min: 0, max: 60 }))
  .map(([start, length]) => ({
    from: new Date(START + start * DAY).toISOString().slice(0, 10),
    to: new Date(START + (start + length) * DAY).toISOString().slice(0, 10),
  }));

describe("properties", () => {
  it("agrees with a plain implementation of the definitions", () => {
    fc.assert(
      fc.property(histories, periods, (events, period) => {
        const r = retentionMetrics(events, period);
        expect(r).toMatchObject(reference(events, period.from, period.to));
      }),
      { numRuns: 300 },
    );
  });

  it("keeps rates in [0, 1], churn = 1 − retention, and never produces NaN", () => {
    fc.assert(
      fc.property(histories, periods, fc.array(fc.integer({ min: 0, max: 12 })), (events, period, referred) => {
        const r = retentionMetrics(events, period, { referredCustomerIds: new Set(referred.map((c) => `c${c}`)) });
        for (const rate of [r.retentionRate, r.churnRate, r.repeatPurchaseRate, r.referralRate, r.annualRetentionRate]) {
          if (rate.value !== null) {
            expect(rate.value).toBeGreaterThanOrEqual(0);
            expect(rate.value).toBeLessThanOrEqual(1);
          } else {
            expect(rate.reason.length).toBeGreaterThan(0);
          }
        }
        if (r.retentionRate.value === null) expect(r.churnRate.value).toBeNull();
        else expect(r.churnRate.value).toBe(1 - r.retentionRate.value);
        expect(allNumbers(r).every(Number.isFinite)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("does not depend on the order of the events", () => {
    fc.assert(
      fc.property(
        histories.chain((events) => fc.tuple(fc.constant(events), fc.shuffledSubarray(events, { minLength: events.length }))),
        periods,
        ([events, shuffled], period) => {
          expect(retentionMetrics(shuffled, period)).toEqual(retentionMetrics(events, period));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("members and non-members add up to the whole shop", () => {
    fc.assert(
      fc.property(histories, periods, fc.array(fc.integer({ min: 0, max: 12 })), (events, period, memberList) => {
        const h = buildOrderHistory(events);
        const all = measureRetention(h, period);
        const { members, nonMembers } = splitByMembership(h, period, new Set(memberList.map((c) => `c${c}`)));
        const sum = (k: keyof RetentionReport) => (members[k] as number) + (nonMembers[k] as number);
        for (const k of ["customersAtStart", "retainedCustomers", "activeCustomers", "orders", "revenueMinor"] as const) {
          expect(sum(k)).toBe(all[k]);
        }
      }),
      { numRuns: 200 },
    );
  });
});
