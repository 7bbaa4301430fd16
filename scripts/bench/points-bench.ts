// Ledger apply rate: order webhooks already in the inbox, applied by the running app's worker (every
// feature's step, the points ledger among them, each event in its transaction with its status change).
// Target ≥ 2,000 events/s. Events are written straight into the inbox so that only the worker is timed.
// The baseline is the same run with WEBHOOK_APPLY=each: every event in its own savepoint, one by one.
// Next to each rate: the CPU time per event of the app process and of PostgreSQL (the database's server
// processes, the bench's own excluded), which move far less than the rate when the machine is busy.
import fs from "node:fs";
import pg from "pg";
import { startTreue, TEST_SHOP } from "../../tests/support/treue-harness";
import { fmt, line } from "./stats";

export async function benchPointsApply() {
  const baseline = await applyRate({ mode: "each", events: 1000 });
  const { rate } = await applyRate({ mode: "set", events: 5000 });
  line("baseline: one event at a time (savepoint per event)", `${fmt(baseline.rate)} events/s`);
  line("points ledger apply rate (through the worker)", `${fmt(rate)} events/s (target ≥ 2,000), ×${(rate / baseline.rate).toFixed(1)} the baseline`);
  return { rate, baseline: baseline.rate };
}

async function applyRate({ mode, events, customers = 500 }: { mode: "set" | "each"; events: number; customers?: number }) {
  console.log(`\nPoints ledger apply, ${mode === "set" ? "set-based batches" : "event by event"} (${events} orders/create events through the worker, ${customers} customers)`);
  const t = await startTreue({ appEnv: { WEBHOOK_WORKER: "1", WEBHOOK_APPLY: mode } });
  const pool = new pg.Pool({ connectionString: t.database.url, max: 2, application_name: "points-bench" });
  try {
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
  const ticksPerMs = 100 / 1000; // USER_HZ, 100 on Linux
  const ticks = (pid: number): number | null => {
    try {
      const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
      return Number(fields[11]) + Number(fields[12]);
    } catch {
      return null;
    }
  };
  const servers = async () =>
    (
      await pool.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name <> 'points-bench' AND backend_type = 'client backend'`,
      )
    ).rows.map((r) => r.pid);
  const appBefore = appPid === undefined ? null : ticks(appPid);
  const before = new Map((await servers()).map((pid) => [pid, ticks(pid) ?? 0]));
  return {
    async used() {
      const appAfter = appPid === undefined ? null : ticks(appPid);
      let database: number | null = 0;
      for (const pid of await servers()) {
        const now = ticks(pid);
        if (now === null) database = null;
        else if (database !== null) database += now - (before.get(pid) ?? 0);
      }
      return {
        appMs: appBefore === null || appAfter === null ? null : (appAfter - appBefore) / ticksPerMs,
        databaseMs: database === null ? null : database / ticksPerMs,
      };
    },
  };
}
