// Webhook ingest: signed orders/create deliveries to the running app (verify, record durably, 200)
// against the raw single-row INSERT rate of the same PostgreSQL, measured in the same run with the
// same concurrency. Target: ingest ≥ 50 % of the raw insert rate.
import crypto from "node:crypto";
import pg from "pg";
import { startTreue, TEST_API_SECRET, TEST_SHOP } from "../../tests/support/treue-harness";
import { fmt, line, percentile, runConcurrently } from "./stats";

export async function benchWebhookIngest({ deliveries = 3000, concurrency = 16 } = {}) {
  console.log(`\nWebhook ingest (${deliveries} signed orders/create deliveries, ${concurrency} at a time)`);
  const t = await startTreue(process.env.BENCH_NO_WORKER ? { appEnv: { WEBHOOK_WORKER: "0" } } : {});
  try {
    const url = `${t.app.url}/webhooks/orders/create`;
    const bodies = Array.from({ length: deliveries + 200 }, (_, i) =>
      JSON.stringify({
        id: 9_000_000 + i,
        admin_graphql_api_id: `gid://shopify/Order/${9_000_000 + i}`,
        created_at: new Date().toISOString(),
        updated_at: new Date().toISOString(),
        currency: "GBP",
        current_subtotal_price: "57.90",
        customer: { id: 100 + (i % 500) },
        line_items: [{ id: i, quantity: 1, price: "57.90", sku: "TEA" }],
      }),
    );
    const send = async (body: string, i: number) => {
      const started = performance.now();
      const res = await fetch(url, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "X-Shopify-Hmac-Sha256": crypto.createHmac("sha256", TEST_API_SECRET).update(body).digest("base64"),
          "X-Shopify-Topic": "orders/create",
          "X-Shopify-Shop-Domain": TEST_SHOP,
          "X-Shopify-API-Version": "2026-10",
          "X-Shopify-Webhook-Id": crypto.randomUUID(),
          "X-Shopify-Event-Id": `bench-${i}`,
          "X-Shopify-Triggered-At": new Date().toISOString(),
        },
        body,
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
      return performance.now() - started;
    };
    // Warm-up: JIT, connection pools.
    await runConcurrently(bodies.slice(0, 200).map((b, i) => [b, i] as const), concurrency, async ([b, i]) => void (await send(b, i)));

    const latencies: number[] = [];
    const measured = bodies.slice(200).map((b, i) => [b, 200 + i] as const);
    const started = performance.now();
    await runConcurrently(measured, concurrency, async ([b, i]) => void latencies.push(await send(b, i)));
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const recorded = await t.db.prisma.webhookEvent.count({ where: { eventId: { startsWith: "bench-" } } });
    if (recorded !== deliveries + 200) throw new Error(`recorded ${recorded} events, expected ${deliveries + 200}`);
    const ingestRate = deliveries / seconds;

    // Baselines on the same PostgreSQL, into a table shaped like the inbox: the raw single-row INSERT
    // rate (one client, one autocommitted INSERT after another, as a plain insert loop does) and the
    // same INSERTs from as many connections as the ingest test has requests in flight.
    const pool = new pg.Pool({ connectionString: t.database.url, max: concurrency });
    await pool.query(`CREATE TABLE bench_raw_insert (id BIGSERIAL PRIMARY KEY, shop TEXT NOT NULL, event_id TEXT NOT NULL,
      payload JSONB NOT NULL, received_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, UNIQUE (shop, event_id))`);
    const rows = bodies.slice(200).map((b, i) => [b, i] as const);
    const insert = (client: pg.Pool | pg.PoolClient, b: string, key: string) =>
      client.query(`INSERT INTO bench_raw_insert (shop, event_id, payload) VALUES ($1, $2, $3)`, [TEST_SHOP, key, b]);
    const single = await pool.connect();
    const singleStarted = performance.now();
    for (const [b, i] of rows) await insert(single, b, `single-${i}`);
    const rawRate = deliveries / ((performance.now() - singleStarted) / 1000);
    single.release();
    const concurrentStarted = performance.now();
    await runConcurrently(rows, concurrency, async ([b, i]) => void (await insert(pool, b, `concurrent-${i}`)));
    const rawConcurrentRate = deliveries / ((performance.now() - concurrentStarted) / 1000);
    await pool.end();

    line("webhook ingest throughput", `${fmt(ingestRate)} deliveries/s`);
    line("webhook ingest latency p50 / p99", `${fmt(percentile(latencies, 50), 1)} ms / ${fmt(percentile(latencies, 99), 1)} ms`);
    line("raw single-row INSERT rate, one client", `${fmt(rawRate)} rows/s`);
    line("ingest / raw single-row INSERT rate", `${fmt((100 * ingestRate) / rawRate, 1)} % (target ≥ 50 %)`);
    line(`raw INSERT rate, ${concurrency} connections`, `${fmt(rawConcurrentRate)} rows/s`);
    line(`ingest / raw INSERT rate, ${concurrency} connections`, `${fmt((100 * ingestRate) / rawConcurrentRate, 1)} %`);
    return { ingestRate, rawRate, rawConcurrentRate, p99: percentile(latencies, 99) };
  } finally {
    await t.close();
  }
}
