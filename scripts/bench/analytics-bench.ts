// Benchmark of the retention analytics on a big shop: backfill of N generated orders from a bulk
// export JSONL file (rate, peak RSS), the rollup rebuild after it, then the dashboard's server time on
// that history: the full-scan and rollup baselines, then the stored summary cold, after a change and cached,
// next to the 0.5 s target. Prints one line per figure and a JSON summary.
//
//   npx tsx scripts/bench/analytics-bench.ts [--orders 1000000] [--customers 250000]
// Uses a throw-away database on the benchmarks' PostgreSQL (TEST_POSTGRES_URL's, the one `npm run bench` started,
// or else one from npm that it starts itself).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { databaseTarget, openDatabase } from "../../app/db/connection.server";
import { migrate } from "../../app/db/migrate.server";
import { createTestDatabase, startTestPostgres } from "../../tests/support/postgres";
import { seededRandom } from "../../tests/support/analytics-simulate";
import { loadExport } from "../../app/history/history-import.server";
import { historyTotals } from "../../app/history/history-store.server";
import { forgetShopHistory, loadShopHistory } from "../../app/history/analytics-history.server";
import { shopDashboard, computeDashboard, forgetDashboards, loadMemberIds, loadReferredIds } from "../../app/analytics/analytics-dashboard.server";
import { loadRollupHistory, markAllRollupsDirty, refreshRollups } from "../../app/history/history-rollups.server";
import { computeSummary, forgetDashboardSummaries } from "../../app/analytics/dashboard-summary.server";
import { bumpHistoryVersion, upsertHistoryOrders } from "../../app/history/history-store.server";

const TARGET_MS = 500;

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const ORDERS = arg("orders", 1_000_000);
const CUSTOMERS = arg("customers", 250_000);
const SHOP = "bench.myshopify.com";

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function writeExport(file: string) {
  const rnd = seededRandom(42); // deterministic: every run measures the same shop
  const out = fs.createWriteStream(file);
  const end = Date.UTC(2026, 10, 22);
  const span = 3 * 365 * 86_400_000;
  let refunds = 0;
  for (let i = 0; i < ORDERS; i++) {
    const id = 5_000_000_000_000 + i;
    // A skewed customer mix: some buy often, most rarely; 5 % guests.
    const guest = rnd() < 0.05;
    const customer = guest ? null : 7_000_000_000_000 + Math.floor(CUSTOMERS * rnd() ** 2);
    const created = new Date(end - Math.floor(rnd() * span)).toISOString().slice(0, 19) + "Z";
    const amount = (500 + Math.floor(rnd() * 15000)) / 100;
    const refund = rnd() < 0.08;
    if (refund) refunds++;
    const line = {
      id: `gid://shopify/Order/${id}`,
      createdAt: created,
      updatedAt: created,
      cancelledAt: null,
      customer: customer === null ? null : { id: `gid://shopify/Customer/${customer}`, createdAt: created, updatedAt: created },
      subtotalPriceSet: { shopMoney: { amount: amount.toFixed(2), currencyCode: "EUR" } },
      refunds: refund
        ? [{ id: `gid://shopify/Refund/${id}`, createdAt: created, refundLineItems: { edges: [{ node: { subtotalSet: { shopMoney: { amount: (amount / 2).toFixed(2), currencyCode: "EUR" } } } }] } }]
        : [],
    };
    if (!out.write(JSON.stringify(line) + "\n")) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  return refunds;
}

async function main() {
  const file = path.join(os.tmpdir(), `treue-bench-orders-${ORDERS}.jsonl`);
  let t0 = performance.now();
  const refunds = await writeExport(file);
  console.log(`generated ${ORDERS.toLocaleString("en")} orders (${refunds.toLocaleString("en")} refunds), ${mb(fs.statSync(file).size)} JSONL in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const stopPostgres = await startTestPostgres({ durable: true });
  const target = await createTestDatabase("template1");
  const db = await openDatabase(databaseTarget(target.url));
  try {
    await db.session((sql) => migrate(sql));
    const rssBefore = process.memoryUsage().rss;
    peakRss = rssBefore;
    t0 = performance.now();
    const counts = await loadExport(db.prisma, SHOP, null, "orders", "file://bench", {
      download: async () => new Response(Readable.toWeb(fs.createReadStream(file)) as ReadableStream),
    });
    const backfillS = (performance.now() - t0) / 1000;
    const backfillPeakRss = peakRss; // the later baselines load the whole history and would count here too
    console.log(`backfill: ${counts.orders.toLocaleString("en")} orders + ${counts.refunds.toLocaleString("en")} refunds in ${backfillS.toFixed(1)} s = ${Math.round(counts.orders / backfillS).toLocaleString("en")} orders/s; RSS ${mb(rssBefore)} before, peak ${mb(peakRss)}`);
    const totals = await historyTotals(db.prisma, SHOP);
    console.log(`in the database: ${totals.orders.toLocaleString("en")} orders, ${totals.customers.toLocaleString("en")} customers, ${totals.refunds.toLocaleString("en")} refunds`);
    await db.prisma.shop.create({ data: { domain: SHOP, name: "Bench", currency: "EUR" } });

    // The import's last step: build the rollups of every customer it touched.
    t0 = performance.now();
    const rebuilt = await refreshRollups(db.prisma, SHOP);
    const rollupS = (performance.now() - t0) / 1000;
    console.log(`rollups: ${rebuilt.toLocaleString("en")} customers rebuilt after the backfill in ${rollupS.toFixed(1)} s`);

    const now = new Date("2026-11-22T12:00:00Z");
    const today = "2026-11-22";
    // The import enrols every customer as a member, so the dashboard splits members from the rest: the full scan
    // gets the same members (and referred customers) as the served view.
    const options = { today, days: 365 as const, memberIds: await loadMemberIds(db.prisma, SHOP), referredIds: await loadReferredIds(db.prisma, SHOP) };
    /** What a freshly started process holds: nothing. */
    const forgetAll = () => {
      forgetShopHistory();
      forgetDashboardSummaries();
      forgetDashboards();
    };
    const timed = async (fn: () => Promise<unknown>) => {
      const started = performance.now();
      await fn();
      return performance.now() - started;
    };

    // Baseline 1: the full scan (what the dashboard did before rollups; the CLV fit still does).
    t0 = performance.now();
    const h = await loadShopHistory(db.prisma, SHOP);
    const loadMs = performance.now() - t0;
    t0 = performance.now();
    const fullDashboard = computeDashboard({ value: h, stale: false }, options);
    const computeMs = performance.now() - t0;
    console.log(`baseline, full scan: history load ${loadMs.toFixed(0)} ms, computation ${computeMs.toFixed(0)} ms`);
    // Baseline 2: the rollup history loaded and computed per request (the previous dashboard path).
    t0 = performance.now();
    const rolled = await loadRollupHistory(db.prisma, SHOP);
    const rollupLoadMs = performance.now() - t0;
    t0 = performance.now();
    computeDashboard({ value: rolled, stale: false }, options);
    const rollupComputeMs = performance.now() - t0;
    console.log(`baseline, rollup history per request: load ${rollupLoadMs.toFixed(0)} ms, computation ${rollupComputeMs.toFixed(0)} ms`);

    // The summary built from the rollups (after an import, by the periodic job, or by the first view of a day).
    forgetAll();
    const buildMs = await timed(() => computeSummary(db.prisma, SHOP, today));
    // A view served from the summary equals the full scan's dashboard.
    const served = await shopDashboard(db.prisma, SHOP, 365, now);
    const strip = (d: typeof served) => JSON.stringify({ ...d, history: { ...d.history, loadMs: 0, stale: false } });
    if (strip(served) !== strip(fullDashboard)) throw new Error("the summary's dashboard differs from the full scan's");

    forgetAll();
    const coldMs = await timed(() => shopDashboard(db.prisma, SHOP, 365, now));
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) warm.push(await timed(() => shopDashboard(db.prisma, SHOP, 365, now)));
    warm.sort((a, b) => a - b);
    const otherPeriodMs = await timed(() => shopDashboard(db.prisma, SHOP, 90, now));

    // A webhook's change: one new order, then the next view (refreshes one customer, moves the summary).
    const newOrder = async (id: string, customerId: string, minute: number) => {
      const at = new Date(Date.UTC(2026, 10, 22, 11, minute));
      await upsertHistoryOrders(db.prisma, SHOP, "webhook", [
        { id, customerId, createdAt: at, updatedAt: at, amountMinor: 1234, currency: "EUR", cancelledAt: null },
      ]);
      await bumpHistoryVersion(db.prisma, SHOP);
    };
    await newOrder("9000000000000", "7000000000001", 0);
    const afterChangeWarmMs = await timed(() => shopDashboard(db.prisma, SHOP, 365, now));
    await newOrder("9000000000001", "7000000000002", 1);
    forgetAll();
    const afterChangeColdMs = await timed(() => shopDashboard(db.prisma, SHOP, 365, now));
    // Still exact after the moves.
    const check = computeDashboard({ value: await loadShopHistory(db.prisma, SHOP), stale: false }, options);
    if (strip(await shopDashboard(db.prisma, SHOP, 365, now)) !== strip(check)) throw new Error("the moved summary differs from the full scan's");

    // The same rebuild on a shop calendar other than UTC's (a shop in Berlin changing its zone): the day of
    // every order is then read through the zone's rules, not a division.
    await db.prisma.shop.update({ where: { domain: SHOP }, data: { timezone: "Europe/Berlin" } });
    await markAllRollupsDirty(db.prisma, SHOP);
    t0 = performance.now();
    await refreshRollups(db.prisma, SHOP);
    const zonedRollupS = (performance.now() - t0) / 1000;
    console.log(`rollups: every customer rebuilt on Europe/Berlin's calendar in ${zonedRollupS.toFixed(1)} s (UTC's: ${rollupS.toFixed(1)} s)`);

    const verdict = (ms: number) => (ms < TARGET_MS ? "met" : "NOT met");
    const baselineMs = loadMs + computeMs;
    const rollupBaselineMs = rollupLoadMs + rollupComputeMs;
    console.log(`dashboard server time at ${counts.orders.toLocaleString("en")} orders (target < ${TARGET_MS} ms; load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}):`);
    console.log(`  baseline: full scan, load + compute              ${baselineMs.toFixed(0)} ms — ${verdict(baselineMs)}`);
    console.log(`  baseline: rollup history, load + compute         ${rollupBaselineMs.toFixed(0)} ms — ${verdict(rollupBaselineMs)}`);
    console.log(`  summary built from the rollups (once a day/import) ${buildMs.toFixed(0)} ms (background)`);
    console.log(`  cold (process start, stored summary)              ${coldMs.toFixed(0)} ms — ${verdict(coldMs)}`);
    console.log(`  after one new order, cold (process start)         ${afterChangeColdMs.toFixed(0)} ms — ${verdict(afterChangeColdMs)}`);
    console.log(`  after one new order, warm (summary in memory)     ${afterChangeWarmMs.toFixed(0)} ms — ${verdict(afterChangeWarmMs)}`);
    console.log(`  warm (cached, median of 5)                        ${warm[2].toFixed(1)} ms — ${verdict(warm[2])}`);
    console.log(`  another period                                    ${otherPeriodMs.toFixed(1)} ms`);
    const figures = {
        orders: counts.orders,
        customers: totals.customers,
        refunds: counts.refunds,
        loadAverage: os.loadavg().map((l) => +l.toFixed(2)),
        backfillSeconds: +backfillS.toFixed(1),
        backfillOrdersPerSecond: Math.round(counts.orders / backfillS),
        peakRssMb: Math.round(peakRss / 1024 / 1024),
        historyLoadMs: Math.round(loadMs),
        dashboardComputeMs: Math.round(computeMs),
        rollupRebuildSeconds: +rollupS.toFixed(1),
        rollupRebuildZonedSeconds: +zonedRollupS.toFixed(1),
        rollupHistoryLoadMs: Math.round(rollupLoadMs),
        rollupHistoryComputeMs: Math.round(rollupComputeMs),
        summaryBuildMs: Math.round(buildMs),
        dashboardColdMs: Math.round(coldMs),
        dashboardColdAfterChangeMs: Math.round(afterChangeColdMs),
        dashboardWarmAfterChangeMs: Math.round(afterChangeWarmMs),
        dashboardTargetMs: TARGET_MS,
        dashboardCachedViewMs: +warm[2].toFixed(1),
        dashboardOtherPeriodMs: +otherPeriodMs.toFixed(1),
    };
    console.log(JSON.stringify(figures));
    // `npm run bench` collects them into bench-results.json, under the names issue 15 gives them.
    if (process.env.BENCH_RESULTS_FILE) {
      const scale = ORDERS >= 1_000_000 ? `${ORDERS / 1_000_000}M` : `${ORDERS / 1000}k`;
      fs.writeFileSync(
        process.env.BENCH_RESULTS_FILE,
        JSON.stringify({
          [`backfill${scale}Seconds`]: figures.backfillSeconds,
          [`backfill${scale}PeakRssMb`]: Math.round(backfillPeakRss / 1024 / 1024),
          [`rollupRebuild${scale}Seconds`]: figures.rollupRebuildSeconds,
          [`dashboardServerCold${scale}Ms`]: figures.dashboardColdMs,
        }),
      );
    }
  } finally {
    clearInterval(sampler);
    await db.close();
    await target.drop();
    await stopPostgres();
    fs.rmSync(file, { force: true });
  }
}

await main();
