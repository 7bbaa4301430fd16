// The app behind a real PgBouncer in transaction pooling mode (how managed PostgreSQL is reached in production):
// signed webhooks from Shopify (the stand-in) are taken in, their events applied by the worker in transactions
// that use plain SQL on the transaction's own connection, and redemptions debit once. Before the fix every
// worker transaction failed here ("the connection of this transaction is not one of the database's own").
// Run by .ci/run (`npm run test:pooler`); needs the pgbouncer binary (Debian package `pgbouncer`).
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPgBouncer, type PgBouncer } from "../support/pgbouncer";
import { browserFetch, startTreue, TEST_SHOP, type TreueHarness } from "../support/treue-harness";

let bouncer: PgBouncer | undefined;
let t: TreueHarness;

beforeAll(async () => {
  t = await startTreue({
    appEnv: { WEBHOOK_WORKER: "1" },
    appDatabaseUrl: async (direct) => {
      bouncer = await startPgBouncer(direct, { poolSize: 3 });
      return bouncer.url;
    },
  });
});
afterAll(async () => {
  if (process.env.SHOW_APP_OUTPUT) console.log(t?.app.output(), bouncer?.output());
  await t?.close();
  await bouncer?.stop();
});

const pointsOf = async (customerId: number) =>
  (await t.db.prisma.member.findUnique({ where: { shop_customerId: { shop: TEST_SHOP, customerId: String(customerId) } } }))?.points ?? null;

describe("behind PgBouncer in transaction mode", () => {
  it("runs through the pooler in transaction mode", async () => {
    const admin = new pg.Client({ connectionString: bouncer!.adminUrl });
    await admin.connect();
    try {
      const config = (await admin.query("SHOW CONFIG")).rows as { key: string; value: string }[];
      expect(config.find((r) => r.key === "pool_mode")?.value).toBe("transaction");
      const pools = (await admin.query("SHOW POOLS")).rows as { database: string; sv_active: string; sv_idle: string; cl_active: string }[];
      // The app is connected through it (its pool's clients are PgBouncer's clients).
      expect(pools.some((p) => p.database === new URL(t.database.url).pathname.slice(1))).toBe(true);
    } finally {
      await admin.end();
    }
  });

  it("applies a burst of signed webhooks exactly once", async () => {
    const customers = await Promise.all(Array.from({ length: 8 }, (_, i) => t.standin.createCustomer({ email: `pooled-${i}@example.com` })));
    // 3 orders per customer, delivered concurrently: 24 signed orders/create webhooks (and customers/create).
    await Promise.all(
      customers.flatMap((c, i) => [1, 2, 3].map((n) => t.standin.createOrder({ customerId: c.id, lines: [{ sku: "LAMP", quantity: 1, unitPriceMinor: (10 + i) * 100 * n }] }))),
    );
    for (const [i, c] of customers.entries()) {
      await expect.poll(() => pointsOf(c.id), { timeout: 30_000 }).toBe((10 + i) * 6);
    }
    await expect.poll(() => t.db.prisma.webhookEvent.count({ where: { status: { not: "processed" } } }), { timeout: 10_000 }).toBe(0);
    expect(await t.db.prisma.webhookEvent.count()).toBeGreaterThanOrEqual(24);
  });

  it("debits a redemption once and creates its code", async () => {
    const customer = await t.memberWithPoints(600, "pooled-redeemer@example.com");
    const token = t.standin.mintCheckoutToken({ customerGid: `gid://shopify/Customer/${customer.id}` });
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        browserFetch(`${t.app.url}/api/loyalty/redemptions`, {
          method: "POST",
          headers: { Origin: "https://extensions.shopifycdn.com", "Content-Type": "application/json", Authorization: `Bearer ${token}` },
          body: JSON.stringify({ rewardId: "default-5-off", idempotencyKey: `pooled-${i}` }),
        }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409]);
    expect(await pointsOf(customer.id)).toBe(100);
  });
});
