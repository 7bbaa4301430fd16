// The dashboard's rollups against the full scan: on a generated history with refunds in later periods,
// guests, zero-value orders, cancellations and CSV customers, every dashboard figure read from the
// rollups equals the one computed from the full exact-time history — before and after incremental
// changes (new order, refund, cancellation, a customer moved), which refresh only touched customers.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "~/db/connection.server";
import { openTestDatabase, type OpenTestDatabase } from "../../tests/support/postgres";
import { seededRandom } from "../../tests/support/analytics-simulate";
import { lifecycleSegments } from "~/analytics/domain/lifecycle-segments";
import {
  bumpHistoryVersion,
  eraseShopHistory,
  upsertHistoryOrders,
  upsertHistoryRefunds,
  type HistoryOrderRow,
  type HistoryRefundRow,
} from "./history-store.server";
import { forgetShopHistory, loadShopHistory, type ShopHistory } from "./analytics-history.server";
import { dirtyRollupCount, loadRollupHistory, refreshRollups, scanRollupText } from "./history-rollups.server";
import { computeDashboard, dashboardFor, dashboardHistory, dashboardSummaryJob, PERIOD_DAYS } from "~/analytics/analytics-dashboard.server";
import { forgetDashboardSummaries } from "~/analytics/dashboard-summary.server";
import { offsetAt } from "~/shops/domain/zoned";
import { updateShopSettings } from "~/shops/settings.server";

const SHOP = "rollups.myshopify.com";
const TODAY = "2026-06-30";
let db: Database;
let testDb: OpenTestDatabase;

beforeAll(async () => {
  testDb = await openTestDatabase();
  db = testDb.db;
});
afterAll(async () => {
  await testDb?.close();
});

function generate(seed: number) {
  const random = seededRandom(seed);
  const end = Date.parse(`${TODAY}T23:59:59Z`);
  const span = 800 * 86_400_000;
  const orders: HistoryOrderRow[] = [];
  const refunds: HistoryRefundRow[] = [];
  for (let i = 0; i < 1500; i++) {
    const r = random();
    // 6 % guests, 4 % CSV customers (negative ids), the rest skewed so some customers buy often.
    const customerId = r < 0.06 ? null : r < 0.1 ? String(-1000 - Math.floor(random() * 40)) : String(1 + Math.floor(300 * random() ** 2));
    const createdAt = new Date(end - Math.floor(random() * span));
    const amountMinor = random() < 0.05 ? 0 : 100 + Math.floor(random() * 20_000);
    const later = (max: number) => new Date(Math.min(end, createdAt.getTime() + Math.floor(random() * max)));
    const cancelledAt = random() < 0.04 ? later(60 * 86_400_000) : null;
    const id = String(10_000 + i);
    orders.push({ id, customerId, createdAt, updatedAt: createdAt, amountMinor, currency: "EUR", cancelledAt });
    const k = random();
    if (k < 0.15) {
      // partial refunds, some months later (another period), one of them sometimes the whole rest
      refunds.push({ id: `${id}1`, orderId: id, createdAt: later(200 * 86_400_000), amountMinor: Math.floor(amountMinor / 3) });
      if (k < 0.05) refunds.push({ id: `${id}2`, orderId: id, createdAt: later(400 * 86_400_000), amountMinor: amountMinor - Math.floor(amountMinor / 3) });
    } else if (k < 0.17) refunds.push({ id: `${id}1`, orderId: id, createdAt: later(3 * 86_400_000), amountMinor });
    else if (k < 0.175) refunds.push({ id: `${id}1`, orderId: id, createdAt: later(86_400_000), amountMinor: 0 });
  }
  // A refund of an order the history does not hold (skipped by both paths).
  refunds.push({ id: "999991", orderId: "777777", createdAt: new Date(end - 86_400_000), amountMinor: 500 });
  return { orders, refunds };
}

const members = new Set(Array.from({ length: 60 }, (_, i) => String(i * 5 + 1)));

const referred = new Set(["2", "3", "6"]);

/** Everything the dashboard shows, except how long the load took. */
function figures(h: ShopHistory, today = TODAY) {
  return PERIOD_DAYS.map((days) => {
    const d = computeDashboard({ value: h, stale: false }, { today, days, memberIds: members, referredIds: referred });
    return { ...d, history: { ...d.history, loadMs: 0 } };
  });
}

/** The same from the stored summary (what a page view serves), and how the summary was obtained. */
async function summaryFigures(today = TODAY) {
  const sources = new Set<string>();
  const out = [];
  for (const days of PERIOD_DAYS) {
    const { source, ...d } = await dashboardFor(db.prisma, SHOP, { today, days, memberIds: members, referredIds: referred });
    sources.add(source);
    out.push({ ...d, history: { ...d.history, loadMs: 0 } });
  }
  return { figures: out, sources: [...sources] };
}

function segmentsById(h: ShopHistory) {
  const report = lifecycleSegments(h.history, TODAY);
  return { counts: report.counts, vip: report.thresholds.vipMinSpendMinor, byId: Object.fromEntries(report.customers.map((c) => [c.customerId, c])) };
}

async function expectSameFigures() {
  const full = await loadShopHistory(db.prisma, SHOP);
  const rolled = await loadRollupHistory(db.prisma, SHOP);
  expect(rolled.history.customerIds.length).toBe(full.history.customerIds.length);
  expect(rolled.orders).toBe(full.orders);
  expect(rolled.refunds).toBe(full.refunds);
  expect(figures(rolled)).toEqual(figures(full));
  expect(figures(rolled, "2025-12-31")).toEqual(figures(full, "2025-12-31"));
  expect(segmentsById(rolled)).toEqual(segmentsById(full));
  // The summaries a page view serves, for two days (both are kept and moved by refreshes).
  const summary = await summaryFigures();
  expect(summary.figures).toEqual(figures(full));
  expect((await summaryFigures("2025-12-31")).figures).toEqual(figures(full, "2025-12-31"));
  return { full, rolled, sources: summary.sources };
}

describe("dashboard rollups", () => {
  it("give the full scan's figures on a realistic history", async () => {
    const { orders, refunds } = generate(11);
    // Refunds first for some orders: their customers are marked when the order arrives.
    await upsertHistoryRefunds(db.prisma, SHOP, "import", refunds.slice(0, 50));
    for (let i = 0; i < orders.length; i += 400) await upsertHistoryOrders(db.prisma, SHOP, "import", orders.slice(i, i + 400));
    await upsertHistoryRefunds(db.prisma, SHOP, "import", refunds.slice(50));
    await bumpHistoryVersion(db.prisma, SHOP);
    const { full, sources } = await expectSameFigures();
    expect(sources).toEqual(["computed", "memory"]);
    // A cold process reads the stored summary.
    forgetDashboardSummaries();
    const cold = await summaryFigures();
    expect(cold.sources).toEqual(["stored", "memory"]);
    expect(cold.figures).toEqual(figures(full));
    // The history is the kind the test means: refunds, guests, zero-value and cancelled orders counted.
    expect(full.refunds).toBeGreaterThan(150);
    expect(orders.filter((o) => o.customerId === null).length).toBeGreaterThan(50);
    expect(orders.filter((o) => o.amountMinor === 0).length).toBeGreaterThan(30);
    expect(orders.filter((o) => o.cancelledAt).length).toBeGreaterThan(30);
    const d = figures(full)[2];
    expect(d.totals.orders).toBeGreaterThan(300);
    expect(d.members?.members.find((f) => f.key === "activeCustomers")?.current.value).toBeGreaterThan(0);
    expect(await dirtyRollupCount(db.prisma, SHOP)).toBe(0);
  });

  it("are prepared by the periodic job for today and, late in the day, for tomorrow", async () => {
    await db.prisma.$executeRawUnsafe(`DELETE FROM "DashboardSummary" WHERE "shop" = $1`, SHOP);
    forgetDashboardSummaries();
    await dashboardSummaryJob.run(db.prisma, new Date(`${TODAY}T12:00:00Z`));
    const days = async () =>
      (await db.prisma.$queryRawUnsafe<{ asOf: string }[]>(`SELECT "asOf" FROM "DashboardSummary" WHERE "shop" = $1 ORDER BY "asOf"`, SHOP)).map((r) => r.asOf);
    expect(await days()).toEqual([TODAY]);
    await dashboardSummaryJob.run(db.prisma, new Date(`${TODAY}T23:30:00Z`));
    expect(await days()).toEqual([TODAY, "2026-07-01"]);
    // The view finds it ready.
    expect((await summaryFigures()).sources).toEqual(["memory"]);
  });

  it("are built for today when the segments' history loads (the import's last step)", async () => {
    const today = new Date().toISOString().slice(0, 10);
    await db.prisma.$executeRawUnsafe(`DELETE FROM "DashboardSummary" WHERE "shop" = $1`, SHOP);
    forgetDashboardSummaries();
    forgetShopHistory();
    await dashboardHistory(db.prisma, SHOP);
    const rows = await db.prisma.$queryRawUnsafe<{ asOf: string }[]>(`SELECT "asOf" FROM "DashboardSummary" WHERE "shop" = $1`, SHOP);
    expect(rows.map((r) => r.asOf)).toEqual([today]);
    const { source } = await dashboardFor(db.prisma, SHOP, { today, days: 30, memberIds: null, referredIds: null });
    expect(source).toBe("memory");
    await summaryFigures(); // TODAY's summary again, for the next test to move
  });

  it("stay equal after a new order, a refund, a cancellation and a customer change, refreshing only those customers", async () => {
    const at = new Date(`${TODAY}T09:00:00Z`);
    await upsertHistoryOrders(db.prisma, SHOP, "webhook", [
      { id: "50001", customerId: "7", createdAt: at, updatedAt: at, amountMinor: 4200, currency: "EUR", cancelledAt: null },
    ]);
    // A refund in the current period of an order from long ago.
    await upsertHistoryRefunds(db.prisma, SHOP, "webhook", [{ id: "50002", orderId: "10003", createdAt: at, amountMinor: 50 }]);
    // A cancellation of an earlier order (newer updatedAt).
    const [row] = await db.prisma.$queryRawUnsafe<{ customerId: string; createdAt: Date; amountMinor: string }[]>(
      `SELECT "customerId"::text AS "customerId", "createdAt", "amountMinor"::text AS "amountMinor" FROM "HistoryOrder" WHERE "shop" = $1 AND "id" = 10010`,
      SHOP,
    );
    await upsertHistoryOrders(db.prisma, SHOP, "webhook", [
      { id: "10010", customerId: row.customerId, createdAt: row.createdAt, updatedAt: at, amountMinor: Number(row.amountMinor), currency: "EUR", cancelledAt: at },
    ]);
    // An order moved to another customer (both must be refreshed).
    await upsertHistoryOrders(db.prisma, SHOP, "webhook", [
      { id: "10020", customerId: "299", createdAt: new Date("2026-05-01T10:00:00Z"), updatedAt: new Date(at.getTime() + 1000), amountMinor: 999, currency: "EUR", cancelledAt: null },
    ]);
    await bumpHistoryVersion(db.prisma, SHOP);
    const dirty = await dirtyRollupCount(db.prisma, SHOP);
    expect(dirty).toBeGreaterThanOrEqual(3);
    expect(dirty).toBeLessThanOrEqual(5);
    const before = figures(await loadShopHistory(db.prisma, SHOP));
    const [{ generation }] = await db.prisma.$queryRawUnsafe<{ generation: string }[]>(
      `SELECT "generation"::text AS generation FROM "DashboardSummary" WHERE "shop" = $1 AND "asOf" = $2`,
      SHOP,
      TODAY,
    );
    const { full, sources } = await expectSameFigures();
    // The refresh moved the stored summary by the changed customers; nothing was recomputed.
    expect(sources).toEqual(["memory"]);
    const [moved] = await db.prisma.$queryRawUnsafe<{ generation: string }[]>(
      `SELECT "generation"::text AS generation FROM "DashboardSummary" WHERE "shop" = $1 AND "asOf" = $2`,
      SHOP,
      TODAY,
    );
    expect(Number(moved.generation)).toBe(Number(generation) + 1);
    forgetDashboardSummaries();
    const cold = await summaryFigures();
    expect(cold.sources).toEqual(["stored", "memory"]);
    expect(cold.figures).toEqual(figures(full));
    expect(await refreshRollups(db.prisma, SHOP)).toBe(0);
    // The changes did move the figures, so the comparison above compared something new.
    expect(before[0].totals.orders).toBeGreaterThan(0);
  });

  it("rebuild a summary that cannot be moved instead of failing the refresh", async () => {
    await db.prisma.$executeRawUnsafe(`UPDATE "DashboardSummary" SET "state" = 'not a summary' WHERE "shop" = $1`, SHOP);
    forgetDashboardSummaries();
    const at = new Date(`${TODAY}T15:00:00Z`);
    await upsertHistoryOrders(db.prisma, SHOP, "webhook", [
      { id: "50003", customerId: "11", createdAt: at, updatedAt: at, amountMinor: 700, currency: "EUR", cancelledAt: null },
    ]);
    const errors: unknown[] = [];
    const spy = vi.spyOn(console, "error").mockImplementation((...args) => void errors.push(args));
    try {
      const { figures: served, sources } = await summaryFigures();
      expect(sources[0]).toBe("computed");
      expect(served).toEqual(figures(await loadShopHistory(db.prisma, SHOP)));
      expect(errors.length).toBeGreaterThan(0);
      expect(await dirtyRollupCount(db.prisma, SHOP)).toBe(0);
    } finally {
      spy.mockRestore();
    }
  });

  it("drop a customer's row when their last order goes, and everything on shop/redact", async () => {
    await eraseShopHistory(db.prisma, SHOP);
    const [left] = await db.prisma.$queryRawUnsafe<{ n: string }[]>(
      `SELECT ((SELECT count(*) FROM "HistoryCustomerRollup" WHERE "shop" = $1) + (SELECT count(*) FROM "HistoryRollupDirty" WHERE "shop" = $1)
             + (SELECT count(*) FROM "HistoryRollupCount" WHERE "shop" = $1)
             + (SELECT count(*) FROM "DashboardSummary" WHERE "shop" = $1))::text AS n`,
      SHOP,
    );
    expect(left.n).toBe("0");
    const empty = await loadRollupHistory(db.prisma, SHOP);
    expect(empty.history.orderCount).toBe(0);
    const { figures: summary, sources } = await summaryFigures();
    expect(sources[0]).toBe("computed");
    expect(summary).toEqual(figures(await loadShopHistory(db.prisma, SHOP)));
  });
});

describe("dashboard rollups in the shop's time zone", () => {
  const ZONED = "zoned.myshopify.com";

  /** The exact-time history with every instant read on the zone's wall clock: what the shop's days count. */
  function onWallClock(h: ShopHistory, zone: string): ShopHistory {
    const shift = (times: Float64Array) => times.map((t) => (Number.isNaN(t) ? t : t + offsetAt(new Date(t), zone)));
    return { ...h, history: { ...h.history, orderPlacedAt: shift(h.history.orderPlacedAt), eventAt: shift(h.history.eventAt) } };
  }

  async function rolledFigures() {
    forgetShopHistory();
    forgetDashboardSummaries();
    return figures(await loadRollupHistory(db.prisma, ZONED));
  }

  it("count an order on the shop's calendar day, and move every figure when the shop changes its zone", async () => {
    await db.prisma.shop.create({ data: { domain: ZONED, timezone: "Pacific/Auckland", settingsAt: new Date("2026-01-01T00:00:00Z") } });
    const { orders, refunds } = generate(12);
    // Orders and refunds near midnight UTC, the hours whose Auckland day is the next one.
    for (const o of orders) o.createdAt = new Date(Math.floor(o.createdAt.getTime() / 86_400_000) * 86_400_000 + 14 * 3_600_000);
    for (const r of refunds) r.createdAt = new Date(Math.floor(r.createdAt.getTime() / 86_400_000) * 86_400_000 + 13 * 3_600_000);
    for (let i = 0; i < orders.length; i += 500) await upsertHistoryOrders(db.prisma, ZONED, "import", orders.slice(i, i + 500));
    await upsertHistoryRefunds(db.prisma, ZONED, "import", refunds);
    await bumpHistoryVersion(db.prisma, ZONED);
    const full = await loadShopHistory(db.prisma, ZONED);
    const auckland = await rolledFigures();
    expect(auckland).toEqual(figures(onWallClock(full, "Pacific/Auckland")));
    // The zone moved something: the same history counted in UTC gives other figures.
    expect(auckland).not.toEqual(figures(full));

    // shop/update with another zone: every customer is rebuilt on the new calendar.
    const customers = (await db.prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM "HistoryCustomerRollup" WHERE "shop" = $1`, ZONED))[0].n;
    await updateShopSettings(db.prisma, { shop: ZONED, payload: { updated_at: "2026-07-01T10:00:00+02:00", iana_timezone: "America/Los_Angeles" } });
    expect(await dirtyRollupCount(db.prisma, ZONED)).toBe(customers);
    const angeles = await rolledFigures();
    expect(angeles).toEqual(figures(onWallClock(full, "America/Los_Angeles")));
    expect(angeles).not.toEqual(auckland);
    // The same zone again (a replay, or a change of name only) rebuilds nothing.
    await updateShopSettings(db.prisma, { shop: ZONED, payload: { updated_at: "2026-07-01T11:00:00+02:00", name: "Zoned" } });
    expect(await dirtyRollupCount(db.prisma, ZONED)).toBe(0);
  });

  it("prepare today's summary on the shop's day and tomorrow's in its last hour", async () => {
    await updateShopSettings(db.prisma, { shop: ZONED, payload: { updated_at: "2026-07-02T10:00:00+02:00", iana_timezone: "Pacific/Auckland" } });
    await refreshRollups(db.prisma, ZONED);
    await db.prisma.$executeRawUnsafe(`DELETE FROM "DashboardSummary"`);
    forgetDashboardSummaries();
    const days = async () =>
      (await db.prisma.$queryRawUnsafe<{ asOf: string }[]>(`SELECT "asOf" FROM "DashboardSummary" WHERE "shop" = $1 ORDER BY "asOf"`, ZONED)).map((r) => r.asOf);
    // 10:00 UTC on 30 June is 22:00 in Auckland (NZST, +12): the shop's 30 June, not yet its last hour.
    await dashboardSummaryJob.run(db.prisma, new Date("2026-06-30T10:00:00Z"));
    expect(await days()).toEqual(["2026-06-30"]);
    await dashboardSummaryJob.run(db.prisma, new Date("2026-06-30T11:30:00Z"));
    expect(await days()).toEqual(["2026-06-30", "2026-07-01"]);
    // 12:30 UTC is already 1 July in Auckland, though still 30 June in UTC.
    await db.prisma.$executeRawUnsafe(`DELETE FROM "DashboardSummary"`);
    forgetDashboardSummaries();
    await dashboardSummaryJob.run(db.prisma, new Date("2026-06-30T12:30:00Z"));
    expect(await days()).toEqual(["2026-07-01"]);
  });
});

describe("scanRollupText", () => {
  it("reads customers, orders and signed events", () => {
    const cols = scanRollupText("5=100:2500:120:-500 101:0|-7=90:100", 2, 3);
    expect(Array.from(cols.customerNumbers)).toEqual([5, -7]);
    expect(Array.from(cols.customerOrderStart)).toEqual([0, 2, 3]);
    expect(Array.from(cols.orderEventStart)).toEqual([0, 2, 3, 4]);
    expect(Array.from(cols.eventAmount)).toEqual([2500, -500, 0, 100]);
    expect(cols.eventDay[1]).toBe(120 * 86_400_000);
  });

  it("refuses malformed text", () => {
    expect(() => scanRollupText("5=100", 1, 1)).toThrow(/malformed/);
    expect(() => scanRollupText("5=1:2|6=1:2", 1, 2)).toThrow(/more customers/);
  });
});
