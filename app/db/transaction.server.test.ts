// Database.transaction: plain SQL given to the callback (and sqlOf(tx)) runs on the transaction's own connection, so it commits and rolls back with what Prisma did in the same transaction.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openTestDatabase, withAdminClient, type OpenTestDatabase } from "../../tests/support/postgres";
import { databaseTarget, openDatabase, sqlOf, type Database } from "./connection.server";

const txid = async (run: { query<T>(sql: string): Promise<T[]> }) => (await run.query<{ id: string }>(`SELECT txid_current()::text AS id`))[0].id;

describe("Database.transaction", () => {
  let testDb: OpenTestDatabase;
  let db: Database;
  beforeAll(async () => {
    testDb = await openTestDatabase();
    db = testDb.db;
  });
  afterAll(async () => testDb?.close());

  it("runs its plain SQL in the same transaction as Prisma's statements, and sqlOf(tx) is that SQL", async () => {
    const inside = await db.transaction(async (tx, sql) => {
      const prismaTx = (await tx.$queryRawUnsafe<{ id: string }[]>(`SELECT txid_current()::text AS id`))[0].id;
      expect(await txid(sql)).toBe(prismaTx);
      expect(await txid(sqlOf(tx))).toBe(prismaTx);
      return prismaTx;
    });
    // The client's own statements (its pool) run apart.
    expect(await txid(sqlOf(db.prisma))).not.toBe(inside);
  });

  it("commits both", async () => {
    await db.transaction(async (tx, sql) => {
      await tx.shop.create({ data: { domain: "commit-prisma.myshopify.com" } });
      expect(await sql.execute(`INSERT INTO "Shop" ("domain", "updatedAt") VALUES ($1, now())`, ["commit-sql.myshopify.com"])).toBe(1);
      // Each sees the other's write before the commit.
      expect(await sql.query(`SELECT "domain" FROM "Shop" WHERE "domain" = $1`, ["commit-prisma.myshopify.com"])).toHaveLength(1);
      expect(await tx.shop.count({ where: { domain: "commit-sql.myshopify.com" } })).toBe(1);
    });
    expect(await db.prisma.shop.count({ where: { domain: { startsWith: "commit-" } } })).toBe(2);
  });

  it("rolls back both when the callback throws", async () => {
    await expect(
      db.transaction(async (tx, sql) => {
        await tx.shop.create({ data: { domain: "rollback-prisma.myshopify.com" } });
        await sql.execute(`INSERT INTO "Shop" ("domain", "updatedAt") VALUES ($1, now())`, ["rollback-sql.myshopify.com"]);
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect(await db.prisma.shop.count({ where: { domain: { startsWith: "rollback-" } } })).toBe(0);
  });

  it("rolls back both when a plain statement fails", async () => {
    await expect(
      db.transaction(async (tx, sql) => {
        await tx.shop.create({ data: { domain: "failing-prisma.myshopify.com" } });
        await sql.execute(`INSERT INTO "Shop" ("domain", "updatedAt") VALUES ($1, now())`, ["failing-prisma.myshopify.com"]);
      }),
    ).rejects.toThrow(/duplicate key|unique/i);
    expect(await db.prisma.shop.count({ where: { domain: "failing-prisma.myshopify.com" } })).toBe(0);
  });

  it("keeps concurrent transactions apart", async () => {
    const seen = await Promise.all(
      [1, 2, 3].map((n) =>
        db.transaction(async (tx, sql) => {
          const mine = (await tx.$queryRawUnsafe<{ id: string }[]>(`SELECT txid_current()::text AS id`))[0].id;
          await new Promise((resolve) => setTimeout(resolve, 10 * n));
          expect(await txid(sql)).toBe(mine);
          return mine;
        }),
      ),
    );
    expect(new Set(seen).size).toBe(3);
  });

  it("gives a transaction started with prisma.$transaction Prisma's raw queries, still inside it", async () => {
    await db.prisma.$transaction(async (tx) => {
      const prismaTx = (await tx.$queryRawUnsafe<{ id: string }[]>(`SELECT txid_current()::text AS id`))[0].id;
      expect(await txid(sqlOf(tx))).toBe(prismaTx);
    });
  });
});

describe("Database.transaction on a PostgreSQL server whose connections were ended", () => {
  let testDb: OpenTestDatabase;
  let db: Database;
  beforeAll(async () => {
    testDb = await openTestDatabase();
    db = testDb.db;
  });
  afterAll(async () => testDb?.close());

  it("finds the new connection a transaction runs on", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      await Promise.all([1, 2].map(() => db.transaction(async (_tx, sql) => sql.query(`SELECT pg_sleep(0.02)::text`))));
      await withAdminClient((c) => c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [testDb.name]));
      await new Promise((resolve) => setTimeout(resolve, 300));
      // The first statement on an ended connection fails; the pool then connects anew.
      await db.prisma.$queryRawUnsafe(`SELECT 1`).catch(() => {});
      await db.transaction(async (tx, sql) => {
        const prismaTx = (await tx.$queryRawUnsafe<{ id: string }[]>(`SELECT txid_current()::text AS id`))[0].id;
        expect(await txid(sql)).toBe(prismaTx);
      });
    } finally {
      logged.mockRestore();
    }
  });
});

describe("Database.transaction behind a transaction pooler", () => {
  // PgBouncer in transaction mode: a client's process id is the pooler's invention, and each transaction may
  // run on another server connection. Identifying the transaction's connection by pg_backend_pid() failed there
  // (every worker transaction refused); the transaction's own pool client is what counts.
  let testDb: OpenTestDatabase;
  let pooled: Database;
  beforeAll(async () => {
    testDb = await openTestDatabase();
    let fake = 900_000_000;
    pooled = await openDatabase(databaseTarget(testDb.url), {
      onConnect: (client) => Object.assign(client, { processID: ++fake, secretKey: 0 }),
    });
  });
  afterAll(async () => {
    await pooled?.close();
    await testDb?.close();
  });

  it("runs plain SQL in the transaction whatever process id the connection reports", async () => {
    const results = await Promise.all(
      [1, 2, 3, 4].map((n) =>
        pooled.transaction(async (tx, sql) => {
          const [{ id, pid }] = await tx.$queryRawUnsafe<{ id: string; pid: number }[]>(`SELECT txid_current()::text AS id, pg_backend_pid() AS pid`);
          await new Promise((resolve) => setTimeout(resolve, 5 * n));
          expect(await txid(sql)).toBe(id);
          await sql.execute(`INSERT INTO "Shop" ("domain", "updatedAt") VALUES ($1, now())`, [`pooled-${n}.myshopify.com`]);
          return pid;
        }),
      ),
    );
    expect(results.every((pid) => pid < 900_000_000)).toBe(true);
    expect(await pooled.prisma.shop.count({ where: { domain: { startsWith: "pooled-" } } })).toBe(4);
  });

  it("rolls plain SQL back with the transaction", async () => {
    await expect(
      pooled.transaction(async (_tx, sql) => {
        await sql.execute(`INSERT INTO "Shop" ("domain", "updatedAt") VALUES ($1, now())`, ["pooled-rollback.myshopify.com"]);
        throw new Error("no");
      }),
    ).rejects.toThrow("no");
    expect(await pooled.prisma.shop.count({ where: { domain: "pooled-rollback.myshopify.com" } })).toBe(0);
  });
});
