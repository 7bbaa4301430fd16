// Benchmark of the retention analytics on a big shop: backfill of N generated orders from a bulk
// export JSONL file (rate, peak RSS), the rollup rebuild after it, then the dashboard's server time on
// that history: cold (from the rollups), after a change, and cached, next to the 0.5 s target. Prints one line per figure and a JSON summary.
//
//   npx tsx scripts/bench/analytics-bench.ts [--orders 1000000] [--customers 250000]
// Uses the PostgreSQL server at TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/postgres)
// in a throw-away database; falls back to embedded PostgreSQL when no server answers.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import pg from "pg";
import { databaseTarget, openDatabase } from "../../app/db/connection.server";
import { migrate } from "../../app/db/migrate.server";
import { loadExport } from "../../app/services/history-import.server";
import { historyTotals } from "../../app/services/history-store.server";
import { forgetShopHistory, loadShopHistory } from "../../app/services/analytics-history.server";
import { shopDashboard, computeDashboard } from "../../app/services/analytics-dashboard.server";
import { refreshRollups } from "../../app/services/history-rollups.server";
import { bumpHistoryVersion, upsertHistoryOrders } from "../../app/services/history-store.server";

const TARGET_MS = 500;

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const ORDERS = arg("orders", 1_000_000);
const CUSTOMERS = arg("customers", 250_000);
const SHOP = "bench.myshopify.com";
const ADMIN_URL = process.env.TEST_POSTGRES_URL || "postgresql://postgres@127.0.0.1:5432/postgres";

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** Deterministic pseudo-random numbers, so every run measures the same shop. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function writeExport(file: string) {
  const rnd = random(42);
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

async function database(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `treue_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  try {
    await admin.connect();
  } catch {
    console.log("No PostgreSQL server answered; using embedded PostgreSQL (slower).");
    return { url: "pglite:memory", drop: async () => {} };
  }
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

async function main() {
  const file = path.join(os.tmpdir(), `treue-bench-orders-${ORDERS}.jsonl`);
  let t0 = performance.now();
  const refunds = await writeExport(file);
  console.log(`generated ${ORDERS.toLocaleString("en")} orders (${refunds.toLocaleString("en")} refunds), ${mb(fs.statSync(file).size)} JSONL in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const target = await database();
  const db = await openDatabase(databaseTarget(target.url));
  try {
    await migrate(db.sql);
    const rssBefore = process.memoryUsage().rss;
    peakRss = rssBefore;
    t0 = performance.now();
    const counts = await loadExport(db.prisma, SHOP, null, "orders", "file://bench", {
      download: async () => new Response(Readable.toWeb(fs.createReadStream(file)) as ReadableStream),
    });
    const backfillS = (performance.now() - t0) / 1000;
    console.log(`backfill: ${counts.orders.toLocaleString("en")} orders + ${counts.refunds.toLocaleString("en")} refunds in ${backfillS.toFixed(1)} s = ${Math.round(counts.orders / backfillS).toLocaleString("en")} orders/s; RSS ${mb(rssBefore)} before, peak ${mb(peakRss)}`);
    const totals = await historyTotals(db.prisma, SHOP);
    console.log(`in the database: ${totals.orders.toLocaleString("en")} orders, ${totals.customers.toLocaleString("en")} customers, ${totals.refunds.toLocaleString("en")} refunds`);
    await db.prisma.shop.create({ data: { domain: SHOP, name: "Bench", currency: "EUR" } });

    // The import's last step: build the rollups of every customer it touched.
    t0 = performance.now();
    const rolled = await refreshRollups(db.prisma, SHOP);
    const rollupS = (performance.now() - t0) / 1000;
    console.log(`rollups: ${rolled.toLocaleString("en")} customers rebuilt after the backfill in ${rollupS.toFixed(1)} s`);

    t0 = performance.now();
    const h = await loadShopHistory(db.prisma, SHOP);
    const loadMs = performance.now() - t0;
    t0 = performance.now();
    computeDashboard({ value: h, stale: false }, { today: "2026-11-22", days: 365, memberIds: null, referredIds: null });
    const computeMs = performance.now() - t0;
    console.log(`full scan (what the dashboard did before rollups; the CLV fit still does): history load ${loadMs.toFixed(0)} ms, computation ${computeMs.toFixed(0)} ms`);

    forgetShopHistory();
    const now = new Date("2026-11-22T12:00:00Z");
    t0 = performance.now();
    await shopDashboard(db.prisma, SHOP, 365, now);
    const firstMs = performance.now() - t0;
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) {
      t0 = performance.now();
      await shopDashboard(db.prisma, SHOP, 365, now);
      warm.push(performance.now() - t0);
    }
    t0 = performance.now();
    await shopDashboard(db.prisma, SHOP, 90, now);
    const otherPeriodMs = performance.now() - t0;
    warm.sort((a, b) => a - b);
    // A webhook's change: one new order, then the next view (refreshes one customer, reloads the rollups).
    const at = new Date("2026-11-22T11:00:00Z");
    await upsertHistoryOrders(db.prisma, SHOP, "webhook", [
      { id: "9000000000000", customerId: "7000000000001", createdAt: at, updatedAt: at, amountMinor: 1234, currency: "EUR", cancelledAt: null },
    ]);
    await bumpHistoryVersion(db.prisma, SHOP);
    forgetShopHistory();
    t0 = performance.now();
    await shopDashboard(db.prisma, SHOP, 365, now);
    const afterChangeMs = performance.now() - t0;
    const verdict = (ms: number) => (ms < TARGET_MS ? "met" : "NOT met");
    console.log(`dashboard server time at ${counts.orders.toLocaleString("en")} orders (target < ${TARGET_MS} ms):`);
    console.log(`  cold (process start, from rollups)   ${firstMs.toFixed(0)} ms — ${verdict(firstMs)}`);
    console.log(`  cold after one new order (refresh 1) ${afterChangeMs.toFixed(0)} ms — ${verdict(afterChangeMs)}`);
    console.log(`  warm (cached, median of 5)           ${warm[2].toFixed(1)} ms — ${verdict(warm[2])}`);
    console.log(`  another period on the cached history ${otherPeriodMs.toFixed(0)} ms`);
    console.log(
      JSON.stringify({
        orders: counts.orders,
        customers: totals.customers,
        refunds: counts.refunds,
        backfillSeconds: +backfillS.toFixed(1),
        backfillOrdersPerSecond: Math.round(counts.orders / backfillS),
        peakRssMb: Math.round(peakRss / 1024 / 1024),
        historyLoadMs: Math.round(loadMs),
        dashboardComputeMs: Math.round(computeMs),
        rollupRebuildSeconds: +rollupS.toFixed(1),
        dashboardColdMs: Math.round(firstMs),
        dashboardColdAfterChangeMs: Math.round(afterChangeMs),
        dashboardTargetMs: TARGET_MS,
        dashboardCachedViewMs: +warm[2].toFixed(1),
        dashboardOtherPeriodMs: Math.round(otherPeriodMs),
      }),
    );
  } finally {
    clearInterval(sampler);
    await db.close();
    await target.drop();
    fs.rmSync(file, { force: true });
  }
}

await main();
