// A segment's customers from the rollups' per-customer facts in SQL against lifecycleSegments over every
// customer's history: the same customers, figures and order, for every segment under several rule sets, on a
// history with refunds, cancellations, zero-value orders and guests; and null (the caller computes in full)
// when an event is dated after the day asked about or a row has no facts yet. The CLV forecast's RFM summaries
// from the same facts (analytics-clv.server.ts) against buildRfmSummary over every order, in the last block.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "~/db/connection.server";
import { openTestDatabase, type OpenTestDatabase } from "../../tests/support/postgres";
import { seededRandom } from "../../tests/support/analytics-simulate";
import { lifecycleSegments, type LifecycleSegment, type SegmentThresholds } from "~/analytics/domain/lifecycle-segments";
import { bumpHistoryVersion, upsertHistoryOrders, upsertHistoryRefunds, type HistoryOrderRow, type HistoryRefundRow } from "~/history/history-store.server";
import { loadRollupHistory, refreshRollups } from "~/history/history-rollups.server";
import { segmentListFromRollups } from "./segment-lists.server";
import { segmentCustomers, segmentCustomersInFull } from "./analytics-dashboard.server";
import { computeAndStoreClv, customerClv, forecastClv, forecastFromRfm, purchasesOf, rfmFromRollups } from "./analytics-clv.server";
import { buildRfmSummary } from "~/analytics/domain/rfm";
import { loadShopHistory } from "~/history/analytics-history.server";

const SHOP = "segment-lists.myshopify.com";
const TODAY = "2026-06-30";
let db: Database;
let testDb: OpenTestDatabase;

beforeAll(async () => {
  testDb = await openTestDatabase();
  db = testDb.db;
  const random = seededRandom(7);
  const end = Date.parse(`${TODAY}T23:59:59Z`);
  const orders: HistoryOrderRow[] = [];
  const refunds: HistoryRefundRow[] = [];
  for (let i = 0; i < 1200; i++) {
    const r = random();
    const customerId = r < 0.06 ? null : String(1 + Math.floor(250 * random() ** 2));
    const createdAt = new Date(end - Math.floor(random() * 700 * 86_400_000));
    const amountMinor = random() < 0.05 ? 0 : 100 + Math.floor(random() * 20_000);
    const later = (max: number) => new Date(Math.min(end, createdAt.getTime() + Math.floor(random() * max)));
    const id = String(20_000 + i);
    orders.push({ id, customerId, createdAt, updatedAt: createdAt, amountMinor, currency: "EUR", cancelledAt: random() < 0.05 ? later(30 * 86_400_000) : null });
    const k = random();
    if (k < 0.12) refunds.push({ id: `${id}1`, orderId: id, createdAt: later(200 * 86_400_000), amountMinor: Math.floor(amountMinor / 3) });
    else if (k < 0.16) refunds.push({ id: `${id}1`, orderId: id, createdAt: later(5 * 86_400_000), amountMinor });
  }
  await upsertHistoryOrders(db.prisma, SHOP, "import", orders);
  await upsertHistoryRefunds(db.prisma, SHOP, "import", refunds);
  await bumpHistoryVersion(db.prisma, SHOP);
  await refreshRollups(db.prisma, SHOP);
});
afterAll(async () => testDb?.close());

const LIFECYCLE_SEGMENTS: LifecycleSegment[] = ["new", "active", "atRisk", "lost", "vip"];

const RULES: Partial<SegmentThresholds>[] = [
  {},
  { vipMinSpendMinor: 30_000 },
  { newWithinDays: 60, atRiskAfterDays: 30, lostAfterDays: 100, vipMinOrders: 3, vipTopShare: 0.2 },
  { vipTopShare: 1, vipMinOrders: 100 },
];

/** What lifecycleSegments over the rollup history says: a segment's customers, biggest spenders first. */
async function expected(segment: LifecycleSegment, today: string, rules: Partial<SegmentThresholds>, limit: number, offset = 0) {
  const { history } = await loadRollupHistory(db.prisma, SHOP);
  const list = lifecycleSegments(history, today, rules).customers.filter((c) => c.segment === segment);
  list.sort((a, b) => b.monetaryMinor - a.monetaryMinor || Number(BigInt(a.customerId) - BigInt(b.customerId)));
  return { total: list.length, customers: list.slice(offset, offset + limit) };
}

describe("segment lists from the rollups' facts", () => {
  it("equal lifecycleSegments over every customer's history, for every segment and rule set", async () => {
    const seen = new Set<string>();
    for (const rules of RULES) {
      for (const segment of LIFECYCLE_SEGMENTS) {
        for (const limit of [200, 7]) {
          const got = await segmentListFromRollups(db.prisma, SHOP, segment, TODAY, rules, limit);
          expect(got, `${segment} ${JSON.stringify(rules)}`).toEqual(await expected(segment, TODAY, rules, limit));
          if (got!.total > 0) seen.add(segment);
        }
        // Pages: the second page of 7, and one past the end (no rows, the total still told).
        for (const offset of [7, 5000]) {
          const page = await segmentListFromRollups(db.prisma, SHOP, segment, TODAY, rules, 7, offset);
          expect(page, `${segment} ${JSON.stringify(rules)} from ${offset}`).toEqual(await expected(segment, TODAY, rules, 7, offset));
        }
      }
    }
    // Every segment met someone, so each rule was exercised.
    expect([...seen].sort()).toEqual([...LIFECYCLE_SEGMENTS].sort());
  });

  it("follow a new order and a refund after the next refresh, which they run themselves", async () => {
    const at = new Date(`${TODAY}T10:00:00Z`);
    await upsertHistoryOrders(db.prisma, SHOP, "webhook", [{ id: "99000", customerId: "900001", createdAt: at, updatedAt: at, amountMinor: 9_999_900, currency: "EUR", cancelledAt: null }]);
    const top = await segmentListFromRollups(db.prisma, SHOP, "vip", TODAY, {}, 1);
    expect(top!.customers[0]).toMatchObject({ customerId: "900001", frequency: 1, monetaryMinor: 9_999_900, recencyDays: 0, tenureDays: 0 });
    await upsertHistoryRefunds(db.prisma, SHOP, "webhook", [{ id: "990001", orderId: "99000", createdAt: at, amountMinor: 9_999_900 }]);
    for (const segment of LIFECYCLE_SEGMENTS) expect(await segmentListFromRollups(db.prisma, SHOP, segment, TODAY, {}, 200)).toEqual(await expected(segment, TODAY, {}, 200));
  });

  it("give the CLV forecast the RFM summaries buildRfmSummary makes from every order, and so the same forecast", async () => {
    const full = await loadShopHistory(db.prisma, SHOP);
    const expectedRfm = buildRfmSummary(purchasesOf(full, TODAY), { calibrationEnd: TODAY, timeUnit: "weeks" }).customers;
    const fromRollups = await rfmFromRollups(db.prisma, SHOP, TODAY);
    const byId = <T extends { customerId: string }>(xs: readonly T[]) => [...xs].sort((a, b) => Number(BigInt(a.customerId) - BigInt(b.customerId)));
    expect(fromRollups!.length).toBeGreaterThan(150);
    expect(fromRollups!.some((c) => c.frequency > 1 && c.monetaryValue! > 0)).toBe(true);
    for (const [a, b] of byId(fromRollups!).map((c, i) => [c, byId(expectedRfm)[i]] as const)) {
      expect(a).toEqual({ ...b, monetaryValue: b.monetaryValue === null ? null : expect.closeTo(b.monetaryValue, 9) });
    }
    expect(fromRollups!.length).toBe(expectedRfm.length);
    // The same customers in the same order give the same fit and ranking.
    const viaRollups = forecastFromRfm(fromRollups!, TODAY);
    const viaOrders = forecastFromRfm(byId(expectedRfm), TODAY);
    expect(viaRollups.status).toBe("ok");
    expect(viaRollups).toEqual(viaOrders);
    // And the same ranking as the forecast from the whole history (whose customers come in another order).
    const ranked = (f: ReturnType<typeof forecastClv>) => (f.status === "ok" ? f.top.map((t) => t.customerId) : []);
    expect(ranked(viaRollups)).toHaveLength(20);
    expect(ranked(viaRollups)).toEqual(ranked(forecastClv(full, TODAY)));
    expect(await rfmFromRollups(db.prisma, SHOP, "2026-03-31")).toBeNull();
  });

  it("store every customer's CLV, expected purchases and chance of being active; the next day's job replaces them all", async () => {
    const customers = (await rfmFromRollups(db.prisma, SHOP, TODAY))!;
    const forecast = forecastFromRfm(customers, TODAY);
    if (forecast.status !== "ok" || !forecast.scores) throw new Error(`no forecast: ${JSON.stringify(forecast)}`);
    const stored = await computeAndStoreClv(db.prisma, SHOP, TODAY);
    const rows = async () =>
      db.sql.query<{ customerId: string; day: string; clvMinor: string; expectedPurchases: number; probabilityAlive: number }>(
        `SELECT "customerId"::text AS "customerId", "day", "clvMinor"::text AS "clvMinor", "expectedPurchases", "probabilityAlive" FROM "HistoryCustomerClv" WHERE "shop" = $1`,
        [SHOP],
      );
    const byCustomer = new Map((await rows()).map((r) => [r.customerId, r]));
    expect(byCustomer.size).toBe(customers.length);
    customers.forEach((c, i) => {
      expect(byCustomer.get(c.customerId), c.customerId).toEqual({
        customerId: c.customerId,
        day: TODAY,
        clvMinor: String(Math.round(forecast.scores!.clvMinor[i])),
        expectedPurchases: forecast.scores!.expectedPurchases[i],
        probabilityAlive: forecast.scores!.probabilityAlive[i],
      });
    });
    // The stored top 20 are the customers with the highest stored CLV, with the same figures.
    if (stored.status !== "ok") throw new Error("the job stored no forecast");
    const highest = [...byCustomer.values()].sort((a, b) => Number(b.clvMinor) - Number(a.clvMinor)).slice(0, 20);
    expect(stored.top.map((t) => t.clvMinor)).toEqual(highest.map((r) => Number(r.clvMinor)));
    expect(stored.top.some((t) => t.probabilityAlive < 1)).toBe(true);
    expect(await customerClv(db.prisma, SHOP, stored.top[0].customerId)).toEqual({
      day: TODAY,
      horizonWeeks: stored.horizonWeeks,
      clvMinor: stored.top[0].clvMinor,
      expectedPurchases: stored.top[0].expectedPurchases,
      probabilityAlive: stored.top[0].probabilityAlive,
      currency: "EUR",
    });

    // A customer whose only order is refunded in full has no counting order the next day: no row; every other row is the new day's.
    const single = customers.find((c) => c.frequency === 0)!;
    const [order] = await db.sql.query<{ id: string; amount: string }>(
      `SELECT o."id"::text AS id, (o."amountMinor" - COALESCE((SELECT sum(r."amountMinor") FROM "HistoryRefund" r WHERE r."shop" = o."shop" AND r."orderId" = o."id"), 0))::text AS amount
         FROM "HistoryOrder" o WHERE o."shop" = $1 AND o."customerId" = $2::bigint AND o."cancelledAt" IS NULL AND o."amountMinor" > 0
        ORDER BY 2 DESC LIMIT 1`,
      [SHOP, single.customerId],
    );
    const at = new Date(`${TODAY}T12:00:00Z`);
    await upsertHistoryRefunds(db.prisma, SHOP, "webhook", [{ id: `${order.id}9`, orderId: order.id, createdAt: at, amountMinor: Number(order.amount) }]);
    await computeAndStoreClv(db.prisma, SHOP, "2026-07-01");
    const next = await rows();
    expect(next.length).toBe(customers.length - 1);
    expect(next.find((r) => r.customerId === single.customerId)).toBeUndefined();
    expect(new Set(next.map((r) => r.day))).toEqual(new Set(["2026-07-01"]));
    expect(await customerClv(db.prisma, SHOP, single.customerId)).toBeNull();
  });

  it("say nothing when an event is dated after the day asked about, or a row has no facts yet; the page then computes in full", async () => {
    const earlier = "2026-03-31";
    expect(await segmentListFromRollups(db.prisma, SHOP, "active", earlier, {}, 200)).toBeNull();
    const page = await segmentCustomers(db.prisma, SHOP, "active", 200, new Date(`${earlier}T12:00:00Z`));
    const full = await segmentCustomersInFull(db.prisma, SHOP, "active", earlier, 200);
    expect(page.total).toBe(full.total);
    expect(page.customers.map((c) => c.customerId).sort()).toEqual(full.customers.map((c) => c.customerId).sort());

    await db.prisma.$executeRawUnsafe(`UPDATE "HistoryCustomerRollup" SET "countingOrders" = NULL, "lastEventDay" = NULL WHERE "shop" = $1 AND "customerId" = 1`, SHOP);
    expect(await segmentListFromRollups(db.prisma, SHOP, "active", TODAY, {}, 200)).toBeNull();
  });
});
