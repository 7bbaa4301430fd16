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
    const { sql, prisma } = await freshDatabase();
    const all = readMigrations();
    expect(all.length).toBeGreaterThan(0);
    expect(await migrate(sql)).toEqual({ applied: all.map((m) => m.name), alreadyApplied: 0 });
    expect(await migrate(sql)).toEqual({ applied: [], alreadyApplied: all.length });
    const rows = await sql.query<{ migration_name: string; checksum: string }>(
      `SELECT migration_name, checksum FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(rows).toEqual(all.map((m) => ({ migration_name: m.name, checksum: m.checksum })));
    // The schema the client was generated from works on the migrated tables.
    await prisma.shop.create({ data: { domain: "a.myshopify.com" } });
    expect(await prisma.shop.count()).toBe(1);
  });

  it("refuses a migration that was edited after it was applied", async () => {
    const { sql } = await freshDatabase();
    const all = readMigrations();
    await migrate(sql, all);
    const edited = all.map((m, i) => (i === 0 ? { ...m, checksum: "0".repeat(64) } : m));
    await expect(migrate(sql, edited)).rejects.toThrow(/was changed after it was applied/);
  });

  it("rolls back a failing migration completely", async () => {
    const { sql } = await freshDatabase();
    const broken = {
      name: "99999999999999_broken",
      checksum: "f".repeat(64),
      sql: `CREATE TABLE "HalfWritten" (id INT); SELECT no_such_function();`,
    };
    await expect(migrate(sql, [...readMigrations(), broken])).rejects.toThrow(/99999999999999_broken failed and was rolled back/);
    const tables = await sql.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'HalfWritten'`);
    expect(tables).toHaveLength(0);
    const recorded = await sql.query(`SELECT 1 FROM "_prisma_migrations" WHERE migration_name = '99999999999999_broken'`);
    expect(recorded).toHaveLength(0);
  });
});
