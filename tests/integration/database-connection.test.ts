// The app's connection pool when PostgreSQL ends its connections (a restart, a failover, an operator's
// pg_terminate_backend): the process keeps running, the lost connections are logged, and the next query
// gets a fresh connection. Before the pool had error listeners, this was an uncaught exception.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { databaseTarget, openDatabase, type Database } from "~/db/connection.server";
import { createTestDatabase, withAdminClient, type TestDatabase } from "../support/postgres";

let testDb: TestDatabase;
let db: Database;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = await openDatabase(databaseTarget(testDb.url));
});
afterAll(async () => {
  await db?.close();
  await testDb?.drop();
});

describe("database connections ended by the server", () => {
  it("are logged, not fatal, and the next query reconnects", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on("uncaughtException", onUncaught);
    try {
      // GIVEN idle connections in the pool
      await Promise.all(Array.from({ length: 4 }, () => db.prisma.$queryRawUnsafe("SELECT pg_sleep(0.05)::text AS slept")));
      // WHEN the server ends every connection to the app's database
      const ended = await withAdminClient(async (c) =>
        (await c.query(`SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [testDb.name])).rows.length,
      );
      expect(ended).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 300));
      // THEN nothing escaped as an uncaught exception, the loss was logged, and queries work again
      expect(uncaught).toEqual([]);
      expect(logged.mock.calls.some(([message]) => String(message).includes("database connection ended"))).toBe(true);
      expect(await db.prisma.$queryRawUnsafe<{ n: number }[]>("SELECT 1::int AS n")).toEqual([{ n: 1 }]);
    } finally {
      process.off("uncaughtException", onUncaught);
      logged.mockRestore();
    }
  });
});
