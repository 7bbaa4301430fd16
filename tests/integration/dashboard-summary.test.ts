// Dashboard summaries under real concurrency (PostgreSQL server, a pool of connections): writers
// adding orders and refunds while views refresh the rollups and move the stored summary, some views
// as a fresh process would (nothing in memory). Afterwards the served dashboard equals the full scan.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseTarget, openDatabase, type Database } from "~/db/connection.server";
import { seededRandom } from "../support/analytics-simulate";
import { bumpHistoryVersion, upsertHistoryOrders, upsertHistoryRefunds, type HistoryOrderRow } from "~/history/history-store.server";
import { loadShopHistory } from "~/history/analytics-history.server";
import { computeDashboard, dashboardFor, dashboardSummaryJob, forgetDashboards, loadMemberIds, PERIOD_DAYS, shopDashboard } from "~/analytics/analytics-dashboard.server";
import { encodeGroupSplit, groupsStamp } from "~/analytics/dashboard-groups.server";
import { refreshRollups } from "~/history/history-rollups.server";
import { forgetDashboardSummaries } from "~/analytics/dashboard-summary.server";
import { createTestDatabase, type TestDatabase } from "../support/postgres";

const SHOP = "concurrent.myshopify.com";
const TODAY = "2026-06-30";
const members = new Set(["1", "4", "9", "16", "25"]);
const referred = new Set(["2", "9"]);
let testDb: TestDatabase;
let db: Database;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = await openDatabase(databaseTarget(testDb.url));
});
afterAll(async () => {
  await db?.close();
  await testDb?.drop();
});

const order = (id: string, customerId: string, at: Date, amountMinor: number): HistoryOrderRow => ({
  id,
  customerId,
  createdAt: at,
  updatedAt: at,
  amountMinor,
  currency: "EUR",
  cancelledAt: null,
});

describe("dashboard summaries under concurrent writes and views", () => {
  it("end equal to the full scan, moved rather than rebuilt", async () => {
    const random = seededRandom(77);
    const end = Date.parse(`${TODAY}T20:00:00Z`);
    const seed = Array.from({ length: 1200 }, (_, i) =>
      order(String(10_000 + i), String(1 + Math.floor(60 * random() ** 2)), new Date(end - Math.floor(random() * 700) * 86_400_000), 100 + Math.floor(random() * 9000)),
    );
    await upsertHistoryOrders(db.prisma, SHOP, "import", seed);
    await refreshRollups(db.prisma, SHOP);
    for (const days of PERIOD_DAYS) await dashboardFor(db.prisma, SHOP, { today: TODAY, days, memberIds: members, referredIds: referred });

    const failures: unknown[] = [];
    // Each write waits for a view after it (up to a second), so refreshes interleave with the writes however
    // busy the machine is: a view that lags behind every write would see them all in one refresh.
    let views = 0;
    const viewAfter = async (seen: number) => {
      for (const deadline = Date.now() + 1000; views <= seen && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 2));
    };
    const writer = async (w: number) => {
      for (let i = 0; i < 12; i++) {
        const id = String(90_000 + w * 100 + i);
        const customer = String(1 + Math.floor(random() * 70));
        await upsertHistoryOrders(db.prisma, SHOP, "webhook", [order(id, customer, new Date(end - Math.floor(random() * 200) * 86_400_000), 500 + i)]);
        if (i % 3 === 0) {
          const old = seed[Math.floor(random() * seed.length)];
          await upsertHistoryRefunds(db.prisma, SHOP, "webhook", [{ id: `${id}9`, orderId: old.id, createdAt: new Date(end), amountMinor: 50 }]);
        }
        const seen = views;
        await bumpHistoryVersion(db.prisma, SHOP);
        await viewAfter(seen);
      }
    };
    // Viewers keep viewing until the writers are done (at least 10 views each), so views and writes interleave
    // however fast either side runs on the machine at hand.
    let writing = 3;
    const viewer = async (v: number) => {
      for (let i = 0; i < 10 || writing > 0; i++) {
        if (v === 0) {
          // As a freshly started process: nothing in memory.
          forgetDashboardSummaries();
          forgetDashboards();
        }
        const days = PERIOD_DAYS[i % PERIOD_DAYS.length];
        await dashboardFor(db.prisma, SHOP, { today: TODAY, days, memberIds: members, referredIds: referred });
        views++;
      }
    };
    await Promise.all(
      [0, 1, 2]
        .map((w) => writer(w).catch((e) => failures.push(e)).finally(() => writing--))
        .concat([0, 1].map((v) => viewer(v).catch((e) => failures.push(e)))),
    );
    expect(failures).toEqual([]);

    // Writers and views are done; the last changes are refreshed by the next view. No customer is marked by
    // hand: a write that raced a refresh must have left its own mark (decision 007), or the figures differ.
    const full = await loadShopHistory(db.prisma, SHOP);
    for (const days of PERIOD_DAYS) {
      const { source, ...served } = await dashboardFor(db.prisma, SHOP, { today: TODAY, days, memberIds: members, referredIds: referred });
      const expected = computeDashboard({ value: full, stale: false }, { today: TODAY, days, memberIds: members, referredIds: referred });
      expect({ ...served, history: { ...served.history, loadMs: 0 } }).toEqual({ ...expected, history: { ...expected.history, loadMs: 0 } });
      expect(source).not.toBe("computed");
    }
    const [state] = await db.prisma.$queryRawUnsafe<{ generation: string; stored: string }[]>(
      `SELECT (SELECT "generation"::text FROM "HistoryRollupState" WHERE "shop" = $1) AS generation,
              (SELECT "generation"::text FROM "DashboardSummary" WHERE "shop" = $1 AND "asOf" = $2) AS stored`,
      SHOP,
      TODAY,
    );
    expect(state.stored).toBe(state.generation);
    expect(Number(state.generation)).toBeGreaterThan(3);
  });

  it("split members from the rest when members are most of the shop (read as the shop less everyone else), equal to the full scan", async () => {
    const full = await loadShopHistory(db.prisma, SHOP);
    const ids = full.history.customerIds.filter((id) => /^\d+$/.test(id));
    const most = new Set(ids.filter((_, i) => i % 7 !== 3));
    expect(most.size).toBeGreaterThan(full.history.customerIds.length / 2);
    // The members the history import enrols: rows in the members table, which the read of the others excludes.
    await db.prisma.member.createMany({ data: [...most].map((customerId) => ({ shop: SHOP, customerId })) });
    for (const days of PERIOD_DAYS) {
      const { source: _source, ...served } = await dashboardFor(db.prisma, SHOP, { today: TODAY, days, memberIds: most, referredIds: referred });
      const expected = computeDashboard({ value: full, stale: false }, { today: TODAY, days, memberIds: most, referredIds: referred });
      expect(served.members?.memberCount).toBe(most.size);
      expect({ ...served, history: { ...served.history, loadMs: 0 } }).toEqual({ ...expected, history: { ...expected.history, loadMs: 0 } });
    }
  });

  it("reads the member split stored beside the summary, until a member or a referral changes", async () => {
    const now = new Date(`${TODAY}T12:00:00Z`);
    const referral = (orderId: string, friend: string, status: string) => ({
      shop: SHOP, orderId, code: "FRIEND", advocateCustomerId: "1", friendCustomerId: friend, status, orderPlacedAt: now, orderUpdatedAt: now,
    });
    await db.prisma.referral.createMany({ data: [referral("r1", "2", "credited"), referral("r2", "9", "pending"), referral("r3", "16", "blocked")] });
    const full = await loadShopHistory(db.prisma, SHOP);
    const expectedWith = (memberIds: ReadonlySet<string>, referredIds: ReadonlySet<string>, days: (typeof PERIOD_DAYS)[number]) => {
      const d = computeDashboard({ value: full, stale: false }, { today: TODAY, days, memberIds, referredIds });
      return { ...d, history: { ...d.history, loadMs: 0 } };
    };
    const served = async (days: (typeof PERIOD_DAYS)[number]) => {
      // As a freshly started process: nothing in memory.
      forgetDashboardSummaries();
      forgetDashboards();
      const d = await shopDashboard(db.prisma, SHOP, days, now);
      return { ...d, history: { ...d.history, loadMs: 0 } };
    };
    const members = await loadMemberIds(db.prisma, SHOP);
    await db.prisma.$executeRawUnsafe(`DELETE FROM "DashboardGroupSplit"`);
    await dashboardSummaryJob.run(db.prisma, now);
    const [row] = await db.prisma.$queryRawUnsafe<{ stamp: string }[]>(`SELECT "stamp" FROM "DashboardGroupSplit" WHERE "shop" = $1 AND "asOf" = $2`, SHOP, TODAY);
    expect(row?.stamp).toBe(await groupsStamp(db.prisma, SHOP));
    // The blocked referral's friend is not a referred customer; the others are, and the referral figure shows.
    for (const days of PERIOD_DAYS) expect(await served(days)).toEqual(expectedWith(members, new Set(["2", "9"]), days));
    expect((await served(30)).figures.find((f) => f.key === "referralRate")?.current.reason).toBeNull();

    // A fresh view takes the stored row as it is (here one made up): nothing is recomputed.
    const made = { memberCount: 12_345, referredCount: 0, members: new Float64Array(6 * 7), referred: new Float64Array(6 * 7), memberReferred: new Float64Array(6 * 7) };
    await db.prisma.$executeRawUnsafe(`UPDATE "DashboardGroupSplit" SET "state" = $2 WHERE "shop" = $1`, SHOP, encodeGroupSplit(made));
    expect((await served(30)).members?.memberCount).toBe(12_345);

    // A member enrolled without an order, then a referral blocked later: the stamp moves, the split is computed again.
    await db.prisma.member.create({ data: { shop: SHOP, customerId: "999999" } });
    const more = new Set([...members, "999999"]);
    expect(await served(90)).toEqual(expectedWith(more, new Set(["2", "9"]), 90));
    await db.prisma.referral.update({ where: { shop_orderId: { shop: SHOP, orderId: "r2" } }, data: { status: "blocked" } });
    for (const days of PERIOD_DAYS) expect(await served(days)).toEqual(expectedWith(more, new Set(["2"]), days));
  });
});
