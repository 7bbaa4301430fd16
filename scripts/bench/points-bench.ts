// Ledger apply rate: order webhooks already in the inbox, applied by the running app's worker (every
// feature's step, the points ledger among them, each event in its transaction with its status change).
// Target ≥ 2,000 events/s. Events are written straight into the inbox so that only the worker is timed.
// With two VIP tiers (issue 15: ≥ 80 % of the rate without tiers, flat in orders per customer) the same run is
// measured with 500 customers (10 orders each) and with 50 (100 orders each).
// The baseline is the same run with WEBHOOK_APPLY=each: every event in its own savepoint, one by one.
// Next to each rate: the CPU time per event of the app process and of PostgreSQL (the database's server
// processes, the bench's own excluded), which move far less than the rate when the machine is busy.
import pg from "pg";
import { startTreue, TEST_SHOP } from "../../tests/support/treue-harness";
import { parseLoyaltyProgram } from "../../app/points/domain/program";
import { cpuMsOf, fmt, line } from "./stats";

export async function benchPointsApply() {
  const baseline = await applyRate({ mode: "each", events: 1000 });
  const { rate } = await applyRate({ mode: "set", events: 5000 });
  const tiers = await applyRate({ mode: "set", events: 5000, tiers: true });
  const deep = await applyRate({ mode: "set", events: 5000, tiers: true, customers: 50 });
  line("baseline: one event at a time (savepoint per event)", `${fmt(baseline.rate)} events/s`);
  line("points ledger apply rate (through the worker)", `${fmt(rate)} events/s (target ≥ 2,000), ×${(rate / baseline.rate).toFixed(1)} the baseline`);
  line("with 2 VIP tiers, 500 customers (10 orders each)", `${fmt(tiers.rate)} events/s = ${pct(tiers.rate / rate)} of the rate without tiers (goal ≥ 80 %)`);
  line("with 2 VIP tiers, 50 customers (100 orders each)", `${fmt(deep.rate)} events/s = ${pct(deep.rate / tiers.rate)} of the rate at 10 orders each (goal: flat)`);
  return {
    ledgerApplyTiersOffPerSec: Math.round(rate),
    ledgerApplyTiersOnPerSec: Math.round(tiers.rate),
    ledgerApplyTiersOn100OrdersPerCustomerPerSec: Math.round(deep.rate),
    ledgerApplyOneByOnePerSec: Math.round(baseline.rate),
  };
}

const pct = (x: number) => `${(x * 100).toFixed(0)} %`;

/** Two VIP tiers in reach of the bench's orders (10.50–99.50 each): most members join silver, many gold. */
function programWithTiers() {
  const parsed = parseLoyaltyProgram({
    earnRate: { points: 1, perCurrencyUnits: 1 },
    vip: {
      windowDays: 365,
      tiers: [
        { id: "silver", name: "Silver", thresholdMinor: 20_000, multiplierPercent: 125 },
        { id: "gold", name: "Gold", thresholdMinor: 50_000, multiplierPercent: 150 },
      ],
    },
  });
  if (!parsed.ok) throw new Error(`bench program refused: ${JSON.stringify(parsed.errors)}`);
  return parsed.program;
}

async function applyRate({ mode, events, customers = 500, tiers = false }: { mode: "set" | "each"; events: number; customers?: number; tiers?: boolean }) {
  console.log(`\nPoints ledger apply, ${mode === "set" ? "set-based batches" : "event by event"} (${events} orders/create events through the worker, ${customers} customers${tiers ? ", 2 VIP tiers" : ""})`);
  const t = await startTreue({ appEnv: { WEBHOOK_WORKER: "1", WEBHOOK_APPLY: mode } });
  const pool = new pg.Pool({ connectionString: t.database.url, max: 2, application_name: "points-bench" });
  try {
    if (tiers) {
      await pool.query(
        `INSERT INTO "LoyaltyProgram" ("shop", "settings", "updatedAt") VALUES ($1, $2::jsonb, now()) ON CONFLICT ("shop") DO UPDATE SET "settings" = EXCLUDED."settings"`,
        [TEST_SHOP, JSON.stringify(programWithTiers())],
      );
    }
    const now = new Date().toISOString();
    const payload = (i: number) =>
      JSON.stringify({
        id: 7_000_000 + i,
        created_at: now,
        updated_at: now,
        currency: "GBP",
        current_subtotal_price: `${10 + (i % 90)}.50`,
        customer: { id: 500_000 + (i % customers), email: `bench${i % customers}@example.com` },
        line_items: [{ id: 80_000_000 + i, product_id: 42, quantity: 1, price: `${10 + (i % 90)}.50` }],
      });
    // Written while the worker is idle (it wakes on a delivery or its 5-second timer), in one statement.
    for (let from = 0; from < events; from += 1000) {
      const rows = Array.from({ length: Math.min(1000, events - from) }, (_, k) => from + k);
      const values = rows.map((_, k) => `($1, 'ORDERS_CREATE', $${2 + k * 2}, $${2 + k * 2}, '2026-10', now(), $${3 + k * 2}::jsonb, 'received', now() + interval '1 hour')`);
      await pool.query(
        `INSERT INTO "WebhookEvent" ("shop", "topic", "eventId", "webhookId", "apiVersion", "triggeredAt", "payload", "status", "nextAttemptAt") VALUES ${values.join(",")}`,
        [TEST_SHOP, ...rows.flatMap((i) => [`points-bench-${i}`, payload(i)])],
      );
    }
    // Make them due at once and wake the worker with one signed delivery.
    await pool.query(`UPDATE "WebhookEvent" SET "nextAttemptAt" = now() - interval '1 second' WHERE "eventId" LIKE 'points-bench-%'`);
    const cpu = await cpuMeter(pool, t.app.child.pid);
    const started = performance.now();
    await t.standin.deliverWebhook("customers/create", { id: 1, created_at: now, email: "wake@example.com" });
    for (;;) {
      const { rows } = await pool.query(`SELECT count(*)::int AS n FROM "WebhookEvent" WHERE "eventId" LIKE 'points-bench-%' AND "status" <> 'received'`);
      if (rows[0].n >= events) break;
      if (performance.now() - started > 600_000) throw new Error(`only ${rows[0].n} of ${events} applied in 10 minutes`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const seconds = (performance.now() - started) / 1000;
    const used = await cpu.used();
    const { rows: check } = await pool.query(
      `SELECT (SELECT count(*)::int FROM "LedgerEntry" WHERE "idempotencyKey" LIKE 'order:7%') AS entries,
              (SELECT count(*)::int FROM "WebhookEvent" WHERE "eventId" LIKE 'points-bench-%' AND "status" = 'parked') AS parked`,
    );
    if (check[0].entries !== events || check[0].parked !== 0) throw new Error(`expected ${events} ledger entries and none parked, got ${JSON.stringify(check[0])}`);
    if (tiers) {
      const { rows: held } = await pool.query(`SELECT "tierId", count(*)::int AS n FROM "Member" WHERE "shop" = $1 AND "tierId" IS NOT NULL GROUP BY 1 ORDER BY 1`, [TEST_SHOP]);
      if (held.length === 0) throw new Error("no member reached a tier: the bench did not exercise tiers");
      console.log(`  members holding a tier afterwards: ${held.map((r) => `${r.tierId} ${r.n}`).join(", ")}`);
    }
    const rate = events / seconds;
    const perEvent = (ms: number | null) => (ms === null ? "n/a" : `${fmt((ms * 1000) / events)} µs`);
    line(`${mode}: ${events} events in ${seconds.toFixed(1)} s`, `${fmt(rate)} events/s (CPU per event: app ${perEvent(used.appMs)}, PostgreSQL ${perEvent(used.databaseMs)})`);
    return { rate };
  } finally {
    await pool.end();
    await t.close();
  }
}

/**
 * CPU time (user + system) the app process and the database's server processes use from now on, read from
 * /proc (null where there is none). Server processes are found by their database, leaving out this bench's
 * own connections (its polling).
 */
async function cpuMeter(pool: pg.Pool, appPid: number | undefined) {
  const servers = async () =>
    (
      await pool.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name <> 'points-bench' AND backend_type = 'client backend'`,
      )
    ).rows.map((r) => r.pid);
  const appBefore = appPid === undefined ? null : cpuMsOf(appPid);
  const before = new Map((await servers()).map((pid) => [pid, cpuMsOf(pid) ?? 0]));
  return {
    async used() {
      const appAfter = appPid === undefined ? null : cpuMsOf(appPid);
      let database: number | null = 0;
      for (const pid of await servers()) {
        const now = cpuMsOf(pid);
        if (now === null) database = null;
        else if (database !== null) database += now - (before.get(pid) ?? 0);
      }
      return {
        appMs: appBefore === null || appAfter === null ? null : appAfter - appBefore,
        databaseMs: database,
      };
    },
  };
}
