import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { line, orderSnapshot, T0 } from "../../../tests/support/points-builders";
import { pointsWorthForOrder, type EarningContext } from "./earning";
import type { LedgerEntry } from "./ledger";
import { compareSnapshots, type OrderSnapshot } from "./order-snapshot";
import { DEFAULT_PROGRAM, type LoyaltyProgram } from "./program";
import { reconcileOrder, type OrderPointsState } from "./reconcile";

const ctx: EarningContext = { tierMultiplierPercent: 100, campaigns: [] };
const seconds = (s: number) => new Date(T0.getTime() + s * 1000);

function deliver(snapshots: readonly OrderSnapshot[], rules: LoyaltyProgram = DEFAULT_PROGRAM, context: EarningContext = ctx) {
  let state: OrderPointsState | null = null;
  const entries: LedgerEntry[] = [];
  for (const s of snapshots) {
    const r = reconcileOrder(state, s, rules, context);
    state = r.state;
    if (r.entry) entries.push(r.entry);
  }
  return { state: state!, entries, total: entries.reduce((sum, e) => sum + e.points, 0) };
}

const placed = orderSnapshot({ currentSubtotalMinor: 5790, lines: [line({ lineId: "1", currentQuantity: 2, unitPriceMinor: 2000 }), line({ lineId: "2", productId: "200", unitPriceMinor: 1790 })] });
const partlyRefunded = { ...placed, updatedAt: seconds(60), refundCount: 1, currentSubtotalMinor: 3790, lines: [{ ...placed.lines[0], currentQuantity: 1 }, placed.lines[1]] };
const fullyRefunded = { ...placed, updatedAt: seconds(120), refundCount: 2, currentSubtotalMinor: 0, lines: placed.lines.map((l) => ({ ...l, currentQuantity: 0 })) };
const cancelled = { ...placed, updatedAt: seconds(90), cancelled: true, lines: placed.lines.map((l) => ({ ...l, currentQuantity: 0 })) };

describe("reconcileOrder", () => {
  it("earns once for a new order", () => {
    const { entries, state } = deliver([placed]);
    expect(entries).toEqual([
      { key: "order:o1:v1", kind: "earn", customerId: "c1", points: 57, at: T0, availableAt: T0, orderId: "o1", orderCreatedAt: T0 },
    ]);
    expect(state).toMatchObject({ awarded: 57, postings: 1 });
  });

  it("posts only the difference on a partial refund, and reverses exactly what was awarded on a full refund", () => {
    const { entries, state } = deliver([placed, partlyRefunded, fullyRefunded]);
    expect(entries.map((e) => [e.key, e.kind, e.points])).toEqual([
      ["order:o1:v1", "earn", 57],
      ["order:o1:v2", "adjust-order", -20],
      ["order:o1:v3", "adjust-order", -37],
    ]);
    expect(state.awarded).toBe(0);
  });

  it("takes everything back on cancellation", () => {
    expect(deliver([placed, cancelled]).total).toBe(0);
    expect(deliver([placed, partlyRefunded, cancelled]).entries.at(-1)?.points).toBe(-37);
  });

  it("ignores duplicates and snapshots older than the one it has", () => {
    const { entries } = deliver([placed, partlyRefunded, placed, partlyRefunded, placed]);
    expect(entries.map((e) => e.points)).toEqual([57, -20]);
  });

  it("prices a late-arriving first snapshot at the newest state: nothing to reverse later", () => {
    const { entries } = deliver([partlyRefunded, placed]);
    expect(entries.map((e) => [e.kind, e.points])).toEqual([["earn", 37]]);
    expect(deliver([cancelled, placed, partlyRefunded]).entries).toEqual([]);
  });

  it("keeps the terms of the first award: a later program change does not re-price the order", () => {
    const first = reconcileOrder(null, placed, DEFAULT_PROGRAM, { tierMultiplierPercent: 200, campaigns: [] });
    expect(first.entry?.points).toBe(115);
    const generous: LoyaltyProgram = { ...DEFAULT_PROGRAM, earnRate: { points: 10, perCurrencyUnits: 1 } };
    const refund = reconcileOrder(first.state, partlyRefunded, generous, ctx);
    expect(refund.entry?.points).toBe(75 - 115);
  });

  it("starts the pending period at the order's creation for every posting", () => {
    const rules = { ...DEFAULT_PROGRAM, pendingDays: 14 };
    const { entries } = deliver([placed, partlyRefunded], rules);
    const fourteenDays = new Date(T0.getTime() + 14 * 86_400_000);
    expect(entries.map((e) => e.availableAt)).toEqual([fourteenDays, fourteenDays]);
  });

  it("an order placed unpaid earns when it is paid, in the pending period counted from its payment; voided, never", () => {
    const pending = { ...placed, financialStatus: "pending", totalMinor: 6285, outstandingMinor: 6285 };
    const paid = { ...pending, updatedAt: seconds(3600), financialStatus: "paid", outstandingMinor: 0 };
    const voided = { ...pending, updatedAt: seconds(7200), cancelled: true, financialStatus: "voided", lines: placed.lines.map((l) => ({ ...l, currentQuantity: 0 })) };
    const rules = { ...DEFAULT_PROGRAM, pendingDays: 14 };

    const waiting = deliver([pending], rules);
    expect(waiting.entries).toEqual([]);
    expect(waiting.state.worth.breakdown.nothingEarnedBecause).toBe("awaiting-payment");

    const { entries, state } = deliver([pending, paid], rules);
    expect(entries).toEqual([
      { key: "order:o1:v1", kind: "earn", customerId: "c1", points: 57, at: seconds(3600), availableAt: new Date(seconds(3600).getTime() + 14 * 86_400_000), orderId: "o1", orderCreatedAt: T0 },
    ]);
    // A later refund shares that period, and the payment time is kept with the order's terms.
    expect(state.terms.paidAt).toEqual(seconds(3600));
    const refunded = { ...paid, updatedAt: seconds(7200), refundCount: 1, currentSubtotalMinor: 3790, lines: [{ ...paid.lines[0], currentQuantity: 1 }, paid.lines[1]] };
    expect(deliver([pending, paid, refunded], rules).entries.map((e) => e.availableAt)).toEqual([entries[0].availableAt, entries[0].availableAt]);
    // Reordered: the paid snapshot first. Nothing says the order waited for its payment, so the period counts
    // from its creation, as for an order paid at checkout; the older pending snapshot after it changes nothing.
    expect(deliver([paid, pending], rules).entries).toEqual([{ ...entries[0], availableAt: new Date(T0.getTime() + 14 * 86_400_000) }]);
    // Paid in the same second it was placed (Shopify sends orders/create and orders/updated): paid wins either way.
    const paidAtOnce = { ...paid, updatedAt: T0 };
    expect(deliver([pending, paidAtOnce]).total).toBe(57);
    expect(deliver([paidAtOnce, pending]).total).toBe(57);

    expect(deliver([pending, voided]).entries).toEqual([]);
    expect(deliver([voided, pending]).entries).toEqual([]);
  });

  it("test orders earn nothing", () => {
    expect(deliver([{ ...placed, test: true }]).entries).toEqual([]);
  });

  it("a guest order earns when a customer is attached, and the points stay with the first customer", () => {
    const guest = { ...placed, customerId: null };
    const { entries } = deliver([guest, { ...partlyRefunded, customerId: "c9" }, { ...fullyRefunded, customerId: "c10" }]);
    expect(entries.map((e) => [e.customerId, e.points])).toEqual([
      ["c9", 37],
      ["c9", -37],
    ]);
  });

  it("replaying a delivery from the same state gives the same entry with the same key", () => {
    const first = reconcileOrder(null, placed, DEFAULT_PROGRAM, ctx);
    const again = reconcileOrder(null, placed, DEFAULT_PROGRAM, ctx);
    expect(again.entry).toEqual(first.entry);
    const raced = reconcileOrder(null, partlyRefunded, DEFAULT_PROGRAM, ctx);
    expect(raced.entry?.key).toBe(first.entry?.key); // same key, different points: the ledger refuses the second
  });

  it("flags a same-second tie it cannot decide from the payload, so the caller can re-read the order", () => {
    const edited = { ...placed, currentSubtotalMinor: 7790, lines: [...placed.lines, line({ lineId: "3", productId: "300", unitPriceMinor: 2000 })] };
    const first = reconcileOrder(null, placed, DEFAULT_PROGRAM, ctx);
    expect(first.ambiguousTie).toBe(false);
    expect(reconcileOrder(first.state, edited, DEFAULT_PROGRAM, ctx).ambiguousTie).toBe(true);
    expect(reconcileOrder(first.state, { ...placed }, DEFAULT_PROGRAM, ctx).ambiguousTie).toBe(false);
    expect(reconcileOrder(first.state, { ...edited, refundCount: 1 }, DEFAULT_PROGRAM, ctx).ambiguousTie).toBe(false);
    // The re-read order, stamped a millisecond later, settles it.
    const settled = reconcileOrder(first.state, { ...edited, updatedAt: new Date(T0.getTime() + 1) }, DEFAULT_PROGRAM, ctx);
    expect(settled.entry?.points).toBe(20);
  });

  it("refuses a snapshot of another order", () => {
    const { state } = deliver([placed]);
    expect(() => reconcileOrder(state, { ...placed, orderId: "o2" }, DEFAULT_PROGRAM, ctx)).toThrow(/order o2/);
  });
});

// ---------------------------------------------------------------------------------------------------------

const arbLine = (id: string) =>
  fc.record({
    lineId: fc.constant(id),
    productId: fc.constantFrom("100", "200", null),
    variantId: fc.constant(null),
    currentQuantity: fc.integer({ min: 0, max: 3 }),
    unitPriceMinor: fc.integer({ min: 0, max: 10_000 }),
    giftCard: fc.boolean(),
  });

/** Arbitrary, not necessarily coherent, snapshots of order o1: few distinct seconds so ties are common. */
const arbSnapshot: fc.Arbitrary<OrderSnapshot> = fc
  .record({
    second: fc.integer({ min: 0, max: 4 }),
    cancelled: fc.boolean(),
    refundCount: fc.integer({ min: 0, max: 3 }),
    subtotal: fc.integer({ min: 0, max: 50_000 }),
    lines: fc.tuple(arbLine("1"), arbLine("2")),
  })
  .map((r) => orderSnapshot({ updatedAt: seconds(r.second), cancelled: r.cancelled, refundCount: r.refundCount, currentSubtotalMinor: r.subtotal, lines: [...r.lines] }));

/** Each snapshot delivered 1–5 times, in a random order. */
function arbDeliveries(snapshots: OrderSnapshot[]): fc.Arbitrary<OrderSnapshot[]> {
  return fc
    .tuple(...snapshots.map(() => fc.integer({ min: 1, max: 5 })))
    .chain((copies) => {
      const all = snapshots.flatMap((s, i) => Array.from({ length: copies[i] }, () => s));
      return fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: all.length, maxLength: all.length }).map((keys) =>
        all.map((s, i) => [keys[i], s] as const).sort((a, b) => a[0] - b[0]).map(([, s]) => s),
      );
    });
}

const rules: LoyaltyProgram = { ...DEFAULT_PROGRAM, pointsPerOrder: 3, minimumOrderMinor: 1000, productBonuses: [{ target: "product", targetId: "100", pointsPerUnit: 4 }] };
const newest = (snapshots: OrderSnapshot[]) => snapshots.reduce((a, b) => (compareSnapshots(b, a) > 0 ? b : a));

describe("reconcileOrder properties", () => {
  it("any permutation and duplication of the same snapshots ends with the worth of the newest", () => {
    fc.assert(
      fc.property(
        fc.array(arbSnapshot, { minLength: 1, maxLength: 6 }).chain((snapshots) => fc.tuple(fc.constant(snapshots), arbDeliveries(snapshots), arbDeliveries(snapshots))),
        ([snapshots, deliveriesA, deliveriesB]) => {
          const expected = pointsWorthForOrder(newest(snapshots), rules, ctx).points;
          const onlyNewest = deliver([newest(snapshots)], rules).total;
          const a = deliver(deliveriesA, rules);
          const b = deliver(deliveriesB, rules);
          expect(onlyNewest).toBe(expected);
          expect(a.total).toBe(expected);
          expect(b.total).toBe(expected);
          expect(a.state.awarded).toBe(expected);
          expect(a.entries.map((e) => e.key)).toEqual(a.entries.map((_, i) => `order:o1:v${i + 1}`));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("a fully refunded order ends at zero points, whatever arrived in between", () => {
    const arbHistory = fc
      .record({
        quantities: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }),
        prices: fc.array(fc.integer({ min: 1, max: 20_000 }), { minLength: 4, maxLength: 4 }),
        refunds: fc.integer({ min: 0, max: 4 }),
        gaps: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 6, maxLength: 6 }),
      })
      .map(({ quantities, prices, refunds, gaps }) => {
        let lines = quantities.map((q, i) => line({ lineId: String(i + 1), productId: i % 2 ? "100" : "300", currentQuantity: q, unitPriceMinor: prices[i] }));
        const subtotal = (ls: typeof lines) => ls.reduce((s, l) => s + l.currentQuantity * l.unitPriceMinor, 0);
        let second = 0;
        const history = [orderSnapshot({ lines, currentSubtotalMinor: subtotal(lines) })];
        for (let r = 1; r <= refunds; r++) {
          lines = lines.map((l) => ({ ...l, currentQuantity: Math.max(0, l.currentQuantity - 1) }));
          second += gaps[r];
          history.push(orderSnapshot({ updatedAt: seconds(second), refundCount: r, lines, currentSubtotalMinor: subtotal(lines) }));
        }
        lines = lines.map((l) => ({ ...l, currentQuantity: 0 }));
        second += gaps[5];
        history.push(orderSnapshot({ updatedAt: seconds(second), refundCount: refunds + 1, lines, currentSubtotalMinor: 0 }));
        return history;
      });
    fc.assert(
      fc.property(
        arbHistory.chain((h) => fc.tuple(fc.constant(h), arbDeliveries(h))),
        ([history, deliveries]) => {
          // Delivered in order, every refund is a reversal of what the order had earned.
          const inOrder = deliver(history, rules);
          expect(inOrder.total).toBe(0);
          expect(inOrder.entries.slice(1).every((e) => e.points < 0)).toBe(true);
          expect(deliver(deliveries, rules).total).toBe(0);
        },
      ),
    );
  });
});
