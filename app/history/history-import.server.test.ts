// The import's handling of Shopify's answers, with a scripted Admin API and embedded PostgreSQL:
// a bulk query already running, a failed export, and a completed one read as a stream.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "~/db/connection.server";
import { openTestDatabase, type OpenTestDatabase } from "../../tests/support/postgres";
import type { AdminGraphql } from "~/shopify/admin-graphql.server";
import { runHistoryImport } from "./history-import.server";
import { historyTotals, upsertHistoryCustomers, upsertHistoryOrders } from "./history-store.server";
import { enrolHistoryBuyers } from "~/points/points-ledger.server";
import { loadShopHistory } from "./analytics-history.server";

let db: Database;
let testDb: OpenTestDatabase;
beforeAll(async () => {
  testDb = await openTestDatabase();
  db = testDb.db;
});
afterAll(async () => {
  await testDb?.close();
});

type Answer = (name: string, variables: Record<string, unknown> | undefined) => unknown;

function scripted(answer: Answer): AdminGraphql {
  return (async (query: string, options?: { variables?: Record<string, unknown> }) => {
    const name = /(?:query|mutation)\s+(\w+)/.exec(query)![1];
    return new Response(JSON.stringify({ data: answer(name, options?.variables) }), { headers: { "Content-Type": "application/json" } });
  }) as unknown as AdminGraphql;
}

const noWait = async () => {};

async function newImport(shop: string) {
  return db.prisma.historyImport.create({ data: { shop, trigger: "admin", status: "customers" } });
}

describe("runHistoryImport", () => {
  it("fails clearly when another bulk query of the app is running", async () => {
    const row = await newImport("busy.myshopify.com");
    const graphql = scripted((name) =>
      name === "HistoryBulkRun"
        ? { bulkOperationRunQuery: { bulkOperation: null, userErrors: [{ field: null, message: "A bulk query operation for this app and shop is already in progress", code: "OPERATION_IN_PROGRESS" }] } }
        : { bulkOperations: { nodes: [{ id: "gid://shopify/BulkOperation/9", status: "RUNNING", query: "{ products { edges { node { id } } } }" }] } },
    );
    const done = await runHistoryImport(db.prisma, graphql, "busy.myshopify.com", row.id, {}, noWait);
    expect(done.status).toBe("failed");
    expect(done.error).toMatch(/already running another bulk export .*BulkOperation\/9/);
  });

  it("fails clearly when Shopify's export fails", async () => {
    const row = await newImport("broken.myshopify.com");
    const graphql = scripted((name) =>
      name === "HistoryBulkRun"
        ? { bulkOperationRunQuery: { bulkOperation: { id: "gid://shopify/BulkOperation/1", status: "CREATED" }, userErrors: [] } }
        : { node: { id: "gid://shopify/BulkOperation/1", status: "FAILED", errorCode: "INTERNAL_SERVER_ERROR", objectCount: "0", url: null, partialDataUrl: null } },
    );
    const done = await runHistoryImport(db.prisma, graphql, "broken.myshopify.com", row.id, {}, noWait);
    expect(done).toMatchObject({ status: "failed", error: expect.stringMatching(/export failed \(INTERNAL_SERVER_ERROR\)/) });
  });

  it("polls until done, streams both files and records the counts", async () => {
    const shop = "ok.myshopify.com";
    const row = await newImport(shop);
    let polls = 0;
    const files: Record<string, string> = {
      "https://storage.example/1.jsonl": '{"id":"gid://shopify/Customer/7","email":"a@example.com","createdAt":"2025-01-01T00:00:00Z","updatedAt":"2025-01-01T00:00:00Z"}\n',
      "https://storage.example/2.jsonl":
        '{"id":"gid://shopify/Order/1","createdAt":"2025-02-01T00:00:00Z","updatedAt":"2025-02-01T00:00:00Z","cancelledAt":null,"customer":{"id":"gid://shopify/Customer/7"},"subtotalPriceSet":{"shopMoney":{"amount":"20.0","currencyCode":"EUR"}},"refunds":[{"id":"gid://shopify/Refund/5","createdAt":"2025-02-03T00:00:00Z"}]}\n' +
        '{"subtotalSet":{"shopMoney":{"amount":"5.0","currencyCode":"EUR"}},"__parentId":"gid://shopify/Refund/5"}\n' +
        '{"id":"gid://shopify/Order/2","createdAt":"2025-02-04T00:00:00Z","updatedAt":"2025-02-04T00:00:00Z","cancelledAt":null,"customer":null,"subtotalPriceSet":{"shopMoney":{"amount":"3.5","currencyCode":"EUR"}},"refunds":[]}\n',
    };
    let started = 0;
    const graphql = scripted((name, variables) => {
      if (name === "HistoryBulkRun") {
        started++;
        return { bulkOperationRunQuery: { bulkOperation: { id: `gid://shopify/BulkOperation/${started}`, status: "CREATED" }, userErrors: [] } };
      }
      // The finished import tags customers' segments in the background (segment-sync.server.ts).
      if (name.startsWith("SegmentTags")) return {};
      const id = String(variables?.id);
      const n = id.endsWith("/1") ? 1 : 2;
      polls++;
      return { node: { id, status: polls % 2 === 1 ? "RUNNING" : "COMPLETED", errorCode: null, objectCount: "1", url: `https://storage.example/${n}.jsonl`, partialDataUrl: null } };
    });
    const done = await runHistoryImport(db.prisma, graphql, shop, row.id, { download: async (url) => new Response(files[url]), batchSize: 1 }, noWait);
    expect(done).toMatchObject({ status: "completed", error: null, customers: 1, orders: 2, refunds: 1 });
    expect(polls).toBe(4);
    expect(await historyTotals(db.prisma, shop)).toEqual({ customers: 1, orders: 2, refunds: 1, orderAmountMinor: 2350, refundAmountMinor: 500, cancelledOrders: 0 });
    // and the analytics read it back through the text aggregates (embedded PostgreSQL, as in the demo)
    const loaded = await loadShopHistory(db.prisma, shop);
    expect({ orders: loaded.orders, refunds: loaded.refunds, customers: Array.from(loaded.customerNumbers), currency: loaded.currency }).toEqual({
      orders: 2,
      refunds: 1,
      customers: [7],
      currency: "EUR",
    });
  });
});

describe("loadExport's batches in flight", () => {
  it("fails the import when a batch's write fails, after the batches in flight have ended, keeping what was written", async () => {
    const shop = "write-fails.myshopify.com";
    const row = await db.prisma.historyImport.create({ data: { shop, trigger: "admin", status: "orders" } });
    const order = (id: number, customer: string) =>
      JSON.stringify({
        id: `gid://shopify/Order/${id}`,
        createdAt: "2025-02-01T00:00:00Z",
        updatedAt: "2025-02-01T00:00:00Z",
        cancelledAt: null,
        customer: { id: `gid://shopify/Customer/${customer}` },
        subtotalPriceSet: { shopMoney: { amount: "10.0", currencyCode: "EUR" } },
        refunds: [],
      });
    // The database refuses order 4 (a trigger of this test's): its batch's write fails while others are in flight.
    await db.prisma.$executeRawUnsafe(`CREATE FUNCTION test_refuse_order() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW."shop" = 'write-fails.myshopify.com' AND NEW."id" = 4 THEN RAISE EXCEPTION 'test: order 4 refused'; END IF;
        RETURN NEW;
      END $$`);
    await db.prisma.$executeRawUnsafe(`CREATE TRIGGER test_refuse_order BEFORE INSERT ON "HistoryOrder" FOR EACH ROW EXECUTE FUNCTION test_refuse_order()`);
    const file = [1, 2, 3, 4, 5, 6, 7, 8].map((id) => order(id, String(100 + id))).join("\n") + "\n";
    const graphql = scripted((name, variables) =>
      name === "HistoryBulkRun"
        ? { bulkOperationRunQuery: { bulkOperation: { id: "gid://shopify/BulkOperation/1", status: "CREATED" }, userErrors: [] } }
        : { node: { id: String(variables?.id), status: "COMPLETED", errorCode: null, objectCount: "8", url: "https://storage.example/orders.jsonl", partialDataUrl: null } },
    );
    let done;
    try {
      done = await runHistoryImport(db.prisma, graphql, shop, row.id, { download: async () => new Response(file), batchSize: 1 }, noWait);
    } finally {
      await db.prisma.$executeRawUnsafe(`DROP TRIGGER test_refuse_order ON "HistoryOrder"`);
      await db.prisma.$executeRawUnsafe(`DROP FUNCTION test_refuse_order()`);
    }
    expect(done).toMatchObject({ status: "failed", error: expect.stringMatching(/test: order 4 refused/) });
    // The batches before the failing one were committed and are kept (a re-import loads them again, unchanged).
    const written = await db.prisma.historyOrder.findMany({ where: { shop }, select: { id: true }, orderBy: { id: "asc" } });
    expect(written.map((o) => Number(o.id)).slice(0, 3)).toEqual([1, 2, 3]);
    expect(written.map((o) => Number(o.id))).not.toContain(4);
    // Every write had ended before the import's mark: all that was written is marked for the rollups.
    const marked = await db.prisma.historyRollupDirty.findMany({ where: { shop }, select: { customerId: true } });
    expect(new Set(marked.map((m) => Number(m.customerId)))).toEqual(new Set(written.map((o) => 100 + Number(o.id))));
  });
});

describe("enrolHistoryBuyers", () => {
  const at = (day: string) => new Date(`${day}T10:00:00Z`);
  const customer = (id: string) => ({ id, createdAt: at("2024-01-01"), updatedAt: at("2024-01-01"), email: null });
  const order = (id: string, customerId: string, day: string) => ({
    id,
    customerId,
    createdAt: at(day),
    updatedAt: at(day),
    amountMinor: 1000,
    currency: "EUR",
    cancelledAt: null,
  });
  /** Customers 1, 2, 3, 5, 6 listed (3 never bought); 4 and 100 bought without a customer row; 2 a member already. */
  async function seed(shop: string) {
    await upsertHistoryCustomers(db.prisma, shop, "import", ["1", "2", "3", "5", "6"].map(customer));
    await upsertHistoryOrders(db.prisma, shop, "import", [
      order("11", "1", "2025-03-01"),
      order("12", "1", "2025-01-15"),
      order("21", "2", "2025-02-01"),
      order("41", "4", "2025-04-01"),
      order("51", "5", "2025-05-01"),
      order("52", "5", "2025-05-09"),
      order("61", "6", "2025-06-01"),
      order("1001", "100", "2025-07-01"),
    ]);
    await db.prisma.member.create({ data: { shop, customerId: "2", joinedAt: at("2024-12-01"), lastOrderAt: at("2025-08-01") } });
  }
  const members = async (shop: string) =>
    (await db.prisma.member.findMany({ where: { shop }, orderBy: { customerId: "asc" } })).map((m) => [m.customerId, m.joinedAt.toISOString().slice(0, 10), m.lastOrderAt?.toISOString().slice(0, 10)]);

  it("enrols every buyer with their first and last order, whatever the chunk size, buyers without a customer row included", async () => {
    const expected = [
      ["1", "2025-01-15", "2025-03-01"],
      ["100", "2025-07-01", "2025-07-01"],
      // a member already: the earlier joining date and the later last order stay
      ["2", "2024-12-01", "2025-08-01"],
      ["4", "2025-04-01", "2025-04-01"],
      ["5", "2025-05-01", "2025-05-09"],
      ["6", "2025-06-01", "2025-06-01"],
    ];
    for (const chunk of [1, 2, 3, 5_000]) {
      const shop = `enrol-${chunk}.myshopify.com`;
      await seed(shop);
      expect(await enrolHistoryBuyers(db.prisma, shop, chunk)).toBe(6);
      expect(await members(shop), `chunks of ${chunk}`).toEqual(expected);
      // again: nothing changes
      expect(await enrolHistoryBuyers(db.prisma, shop, chunk)).toBe(6);
      expect(await members(shop)).toEqual(expected);
    }
  });
});
