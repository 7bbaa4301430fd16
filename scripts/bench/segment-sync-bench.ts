// Segment tag sync, bulk mutation against per-customer requests, in the same run against the stand-in
// (real Admin schema, real leaky bucket of 2,000 points restoring 100/s) and a throw-away PostgreSQL
// database. Per-customer: SegmentTagsSet, ten customers per request, THROTTLED retried; its rate is the
// bucket's, so a small sample shows it. Bulk: staged JSONL + bulkOperationRunMutation (tagsAdd, then
// tagsRemove). The stand-in runs a bulk operation's lines far faster than Shopify would, so the bulk
// figure is the app's side (planning, staging, reading results, recording) plus the stand-in; the number
// of Admin API requests is the figure that carries over.
import { databaseTarget, openDatabase } from "../../app/db/connection.server";
import { bumpHistoryVersion, upsertHistoryOrders, type HistoryOrderRow } from "../../app/history/history-store.server";
import { syncSegments } from "../../app/analytics/segment-sync.server";
import { startShopifyStandin } from "../../tests/shopify-standin/index";
import { createTestDatabase, ensureTemplateDatabase } from "../../tests/support/postgres";
import { fmt, line } from "./stats";
import { standinAdminGraphql } from "../../tests/support/standin-admin";

export async function benchSegmentSync({ bulkCustomers = 2000, perCustomer = 300 } = {}) {
  console.log(`\nSegment tag sync (${fmt(bulkCustomers)} customers by bulk mutation, ${fmt(perCustomer)} by per-customer requests)`);
  const shop = "bench-segments.myshopify.com";
  const now = new Date("2026-06-30T12:00:00Z");
  const standin = await startShopifyStandin({ shop, apiKey: "bench-key", apiSecret: "bench-secret" });
  await ensureTemplateDatabase();
  const testDb = await createTestDatabase();
  const db = await openDatabase(databaseTarget(testDb.url));
  try {
    const graphql = standinAdminGraphql(standin, shop);
    await db.prisma.shop.create({ data: { domain: shop, name: "Bench", currency: "EUR" } });
    const total = bulkCustomers + perCustomer;
    const orders: HistoryOrderRow[] = [];
    for (let i = 0; i < total; i++) {
      const c = await standin.createCustomer({ email: `s${i}@example.com` }, { shop, webhooks: "none" });
      // A spread of recencies puts customers in every segment.
      const at = new Date(now.getTime() - ((i * 37) % 400) * 86_400_000);
      orders.push({ id: String(i + 1), customerId: String(c.id), createdAt: at, updatedAt: at, amountMinor: 1000 + (i % 7) * 500, currency: "EUR", cancelledAt: null });
    }
    // The per-customer sample first (only its customers have history), then the rest for bulk.
    await upsertHistoryOrders(db.prisma, shop, "import", orders.slice(0, perCustomer));
    await bumpHistoryVersion(db.prisma, shop);
    const requestsBefore = standin.requests.length;
    let started = performance.now();
    const single = await syncSegments(db.prisma, graphql, shop, { trigger: "admin", now, bulkThreshold: Number.POSITIVE_INFINITY });
    const singleMs = performance.now() - started;
    const singleRequests = standin.requests.length - requestsBefore;
    if (single.changed !== perCustomer) throw new Error(`per-customer pass tagged ${single.changed} of ${perCustomer}`);

    await upsertHistoryOrders(db.prisma, shop, "import", orders.slice(perCustomer));
    await bumpHistoryVersion(db.prisma, shop);
    const bulkRequestsBefore = standin.requests.length;
    started = performance.now();
    const bulk = await syncSegments(db.prisma, graphql, shop, { trigger: "admin", now, pollMs: 100 });
    const bulkMs = performance.now() - started;
    const bulkRequests = standin.requests.length - bulkRequestsBefore;
    // The new customers, plus any earlier one whose VIP status moved with the larger shop's top 5 %.
    if (bulk.changed < bulkCustomers || bulk.failed !== 0) throw new Error(`bulk pass tagged ${bulk.changed} of ${bulkCustomers} (${bulk.failed} refused)`);
    const wrong = standin.state.shops[shop].customers.filter((c) => c.tags.filter((t) => t.startsWith("treue:")).length !== 1).length;
    if (wrong > 0) throw new Error(`${wrong} customers do not carry exactly one segment tag`);

    const rate = (n: number, ms: number) => `${fmt(n / (ms / 1000), 1)} customers/s`;
    line(`per-customer (${fmt(perCustomer)} customers)`, `${fmt(singleMs / 1000, 1)} s, ${rate(perCustomer, singleMs)}, ${fmt(singleRequests)} Admin requests`);
    line(`bulk mutation (${fmt(bulk.changed)} customers)`, `${fmt(bulkMs / 1000, 1)} s, ${rate(bulk.changed, bulkMs)}, ${fmt(bulkRequests)} Admin requests`);
    const perCustomerRate = perCustomer / (singleMs / 1000);
    line("233 k customers at the per-customer rate", `${fmt(233_000 / perCustomerRate / 3600, 1)} h`);
    return { perCustomer: { customers: perCustomer, ms: singleMs, requests: singleRequests }, bulk: { customers: bulk.changed, ms: bulkMs, requests: bulkRequests } };
  } finally {
    await db.close();
    await testDb.drop();
    await standin.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
  };
  process.env.TZ = "UTC";
  await benchSegmentSync({ bulkCustomers: arg("bulk", 2000), perCustomer: arg("per-customer", 300) });
}
