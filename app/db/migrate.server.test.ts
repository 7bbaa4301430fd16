// Runs the real migrations on an empty PostgreSQL database (the server the tests run on).
import { afterEach, describe, expect, it } from "vitest";
import { openTestDatabase, type OpenTestDatabase } from "../../tests/support/postgres";
import { migrate, readMigrations } from "./migrate.server";

let testDb: OpenTestDatabase | undefined;
afterEach(async () => {
  await testDb?.close();
  testDb = undefined;
});

async function freshDatabase() {
  testDb = await openTestDatabase("template1");
  return testDb.db;
}

describe("migrate", () => {
  it("applies every migration once and records it as Prisma does", async () => {
    const db = await freshDatabase();
    const { sql, prisma } = db;
    const all = readMigrations();
    expect(all.length).toBeGreaterThan(0);
    expect(await db.session((s) => migrate(s))).toEqual({ applied: all.map((m) => m.name), alreadyApplied: 0, jobEngine: "installed" });
    expect(await db.session((s) => migrate(s))).toEqual({ applied: [], alreadyApplied: all.length, jobEngine: "current" });
    const rows = await sql.query<{ migration_name: string; checksum: string }>(
      `SELECT migration_name, checksum FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(rows).toEqual(all.map((m) => ({ migration_name: m.name, checksum: m.checksum })));
    // The schema the client was generated from works on the migrated tables.
    await prisma.shop.create({ data: { domain: "a.myshopify.com" } });
    expect(await prisma.shop.count()).toBe(1);
  });

  it("refuses a migration that was edited after it was applied", async () => {
    const db = await freshDatabase();
    const all = readMigrations();
    await db.session((s) => migrate(s, all));
    const edited = all.map((m, i) => (i === 0 ? { ...m, checksum: "0".repeat(64) } : m));
    await expect(db.session((s) => migrate(s, edited))).rejects.toThrow(/was changed after it was applied/);
  });

  it("rolls back a failing migration completely", async () => {
    const db = await freshDatabase();
    const { sql } = db;
    const broken = {
      name: "99999999999999_broken",
      checksum: "f".repeat(64),
      sql: `CREATE TABLE "HalfWritten" (id INT); SELECT no_such_function();`,
    };
    await expect(db.session((s) => migrate(s, [...readMigrations(), broken]))).rejects.toThrow(/99999999999999_broken failed and was rolled back/);
    const tables = await sql.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'HalfWritten'`);
    expect(tables).toHaveLength(0);
    const recorded = await sql.query(`SELECT 1 FROM "_prisma_migrations" WHERE migration_name = '99999999999999_broken'`);
    expect(recorded).toHaveLength(0);
  });

  it("migrates once when two instances start together, and leaves the lock free after a failure", async () => {
    const db = await freshDatabase();
    const all = readMigrations();
    const [a, b] = await Promise.all([db.session((s) => migrate(s, all)), db.session((s) => migrate(s, all))]);
    expect([a.applied.length, b.applied.length].sort((x, y) => x - y)).toEqual([0, all.length]);
    const broken = { name: "99999999999999_broken", checksum: "f".repeat(64), sql: `SELECT no_such_function();` };
    await expect(db.session((s) => migrate(s, [...all, broken]))).rejects.toThrow(/rolled back/);
    // Every connection of the pool is usable afterwards and none still holds the migration lock.
    const usable = await Promise.all(Array.from({ length: 10 }, () => db.session((s) => s.query<{ ok: number }>(`SELECT 1 AS ok`))));
    expect(usable.map(([r]) => r.ok)).toEqual(Array(10).fill(1));
    expect(await db.sql.query(`SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = 72616263 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`)).toEqual([]);
  });
});
