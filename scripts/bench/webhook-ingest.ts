// Webhook ingest: signed orders/create deliveries to the running app (verify, record durably, 200)
// against the raw single-row INSERT rate of the same PostgreSQL, measured in the same run. Target: ingest
// ≥ 50 % of the raw insert rate. Two passes: with the inbox worker paused (ingest alone) and with the worker
// applying the events while they arrive (what a live shop sees; both share the two cores).
import crypto from "node:crypto";
import http from "node:http";
import pg from "pg";
import { startTreue, TEST_API_SECRET, TEST_SHOP } from "../../tests/support/treue-harness";
import { cpuMsOf, fmt, line, percentile, runConcurrently } from "./stats";

interface IngestPass {
  rate: number;
  p50: number;
  p99: number;
  /** The app process's CPU time per delivery (user + system): steadier than rates on a busy machine. */
  appCpuMs: number | null;
}

function orderBodies(count: number, firstId: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    JSON.stringify({
      id: firstId + i,
      admin_graphql_api_id: `gid://shopify/Order/${firstId + i}`,
      created_at: new Date().toISOString(),
      updated_at: new Date().toISOString(),
      currency: "GBP",
      current_subtotal_price: "57.90",
      customer: { id: 100 + (i % 500) },
      line_items: [{ id: i, quantity: 1, price: "57.90", sku: "TEA" }],
    }),
  );
}

/** Sends `deliveries` (after 200 warm-up ones) and checks every one was recorded. */
async function ingestPass(t: Awaited<ReturnType<typeof startTreue>>, bodies: string[], deliveries: number, concurrency: number): Promise<IngestPass> {
  // The load generator is node:http with kept-alive connections and signs up front: it plays Shopify and
  // shares the two cores with the app and PostgreSQL (fetch cost it several times as much CPU per request).
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL(`${t.app.url}/webhooks/orders/create`);
  const signed = bodies.map((body, i) => ({
    body,
    headers: {
      "Content-Type": "application/json",
      "Content-Length": String(Buffer.byteLength(body)),
      "X-Shopify-Hmac-Sha256": crypto.createHmac("sha256", TEST_API_SECRET).update(body).digest("base64"),
      "X-Shopify-Topic": "orders/create",
      "X-Shopify-Shop-Domain": TEST_SHOP,
      "X-Shopify-API-Version": "2026-10",
      "X-Shopify-Webhook-Id": crypto.randomUUID(),
      "X-Shopify-Event-Id": `bench-${JSON.parse(body).id}`,
      "X-Shopify-Triggered-At": new Date().toISOString(),
    },
  }));
  const send = (i: number) =>
    new Promise<number>((resolve, reject) => {
      const started = performance.now();
      const req = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: "POST", agent, headers: signed[i].headers }, (res) => {
        res.resume();
        res.on("error", reject);
        res.on("end", () => (res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`webhook answered ${res.statusCode}`))));
      });
      req.on("error", reject);
      req.end(signed[i].body);
    });
  try {
    // Warm-up: JIT, connection pools.
    await runConcurrently([...Array(200).keys()], concurrency, async (i) => void (await send(i)));
    const latencies: number[] = [];
    const cpuBefore = cpuMsOf(t.app.child.pid);
    const started = performance.now();
    await runConcurrently([...Array(deliveries).keys()].map((i) => 200 + i), concurrency, async (i) => void latencies.push(await send(i)));
    const seconds = (performance.now() - started) / 1000;
    const cpuAfter = cpuMsOf(t.app.child.pid);
    latencies.sort((a, b) => a - b);
    const ids = signed.map((s) => s.headers["X-Shopify-Event-Id"]);
    const recorded = await t.db.prisma.webhookEvent.count({ where: { eventId: { in: ids } } });
    if (recorded !== ids.length) throw new Error(`recorded ${recorded} events, expected ${ids.length}`);
    const appCpuMs = cpuBefore === null || cpuAfter === null ? null : (cpuAfter - cpuBefore) / deliveries;
    return { rate: deliveries / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), appCpuMs };
  } finally {
    agent.destroy();
  }
}

/** The raw single-row INSERT rate into a table shaped like the inbox: one client, and `concurrency` clients. */
async function rawInsertRates(url: string, bodies: string[], concurrency: number, label: string) {
  const pool = new pg.Pool({ connectionString: url, max: concurrency });
  try {
    await pool.query(`CREATE TABLE IF NOT EXISTS bench_raw_insert (id BIGSERIAL PRIMARY KEY, shop TEXT NOT NULL, event_id TEXT NOT NULL,
      payload JSONB NOT NULL, received_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, UNIQUE (shop, event_id))`);
    const insert = (client: pg.Pool | pg.PoolClient, b: string, key: string) =>
      client.query(`INSERT INTO bench_raw_insert (shop, event_id, payload) VALUES ($1, $2, $3)`, [TEST_SHOP, key, b]);
    const single = await pool.connect();
    const singleStarted = performance.now();
    for (const [i, b] of bodies.entries()) await insert(single, b, `${label}-single-${i}`);
    const one = bodies.length / ((performance.now() - singleStarted) / 1000);
    single.release();
    const concurrentStarted = performance.now();
    await runConcurrently([...bodies.entries()], concurrency, async ([i, b]) => void (await insert(pool, b, `${label}-concurrent-${i}`)));
    const many = bodies.length / ((performance.now() - concurrentStarted) / 1000);
    return { one, many };
  } finally {
    await pool.end();
  }
}

export async function benchWebhookIngest({ deliveries = 3000, concurrency = 16 } = {}) {
  console.log(`\nWebhook ingest (${deliveries} signed orders/create deliveries, ${concurrency} at a time)`);
  const paused = await startTreue({ appEnv: { WEBHOOK_WORKER: "0" } });
  let alone: IngestPass, raw: { one: number; many: number }, before: typeof raw, after: typeof raw;
  try {
    const bodies = orderBodies(deliveries + 200, 9_000_000);
    // The raw rate right before and right after the ingest pass: a one-client INSERT loop waits for a WAL
    // flush per row, so anything else writing to the disk moves it a lot; both are printed.
    before = await rawInsertRates(paused.database.url, bodies.slice(200), concurrency, "before");
    alone = await ingestPass(paused, bodies, deliveries, concurrency);
    after = await rawInsertRates(paused.database.url, bodies.slice(200), concurrency, "after");
    raw = { one: (before.one + after.one) / 2, many: (before.many + after.many) / 2 };
  } finally {
    await paused.close();
  }
  // The same pass with authenticate.webhook verifying every delivery (the quick path off: decision 014).
  const byLibrary = await startTreue({ appEnv: { WEBHOOK_WORKER: "0", WEBHOOK_VERIFY: "library" } });
  let library: IngestPass;
  try {
    library = await ingestPass(byLibrary, orderBodies(deliveries + 200, 9_200_000), deliveries, concurrency);
  } finally {
    await byLibrary.close();
  }
  const live = await startTreue({ appEnv: { WEBHOOK_WORKER: "1" } });
  let withWorker: IngestPass;
  try {
    withWorker = await ingestPass(live, orderBodies(deliveries + 200, 9_100_000), deliveries, concurrency);
  } finally {
    await live.close();
  }
  const share = (rate: number) => `${fmt((100 * rate) / raw.one, 1)} %`;
  line("webhook ingest throughput (worker paused)", `${fmt(alone.rate)} deliveries/s`);
  line("webhook ingest latency p50 / p99", `${fmt(alone.p50, 1)} ms / ${fmt(alone.p99, 1)} ms`);
  if (alone.appCpuMs !== null) line("app CPU per delivery", `${fmt(alone.appCpuMs, 3)} ms (one core serves ${fmt(1000 / alone.appCpuMs)}/s)`);
  line("raw single-row INSERT rate, one client", `${fmt(raw.one)} rows/s (before ${fmt(before!.one)}, after ${fmt(after!.one)})`);
  line("ingest / raw single-row INSERT rate", `${share(alone.rate)} (target ≥ 50 %)`);
  line(`raw INSERT rate, ${concurrency} connections`, `${fmt(raw.many)} rows/s`);
  line(`ingest / raw INSERT rate, ${concurrency} connections`, `${fmt((100 * alone.rate) / raw.many, 1)} %`);
  line(
    "every delivery verified by authenticate.webhook",
    `${fmt(library.rate)} deliveries/s = ${share(library.rate)}; app CPU ${library.appCpuMs === null ? "?" : fmt(library.appCpuMs, 3)} ms per delivery`,
  );
  line("with the worker applying meanwhile", `${fmt(withWorker.rate)} deliveries/s, p99 ${fmt(withWorker.p99, 1)} ms = ${share(withWorker.rate)} of the raw rate`);
  return { ingestRate: alone.rate, ingestRateLibrary: library.rate, ingestRateWithWorker: withWorker.rate, rawRate: raw.one, rawConcurrentRate: raw.many, p99: alone.p99 };
}
