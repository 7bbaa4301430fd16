import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type OpenTestDatabase } from "../../tests/support/postgres";
import { readiness } from "./readiness.server";

describe("readiness", () => {
  let migrated: OpenTestDatabase;
  let empty: OpenTestDatabase;
  beforeAll(async () => {
    [migrated, empty] = await Promise.all([openTestDatabase(), openTestDatabase("template1")]);
  });
  afterAll(async () => {
    await migrated?.close();
    await empty?.close();
  });

  it("is ready on a database with every migration applied", async () => {
    expect(await readiness(migrated.db.sql)).toEqual({ ready: true });
  });

  it("waits for migrations on a database that lacks some, naming them", async () => {
    const state = await readiness(empty.db.sql);
    expect(state).toMatchObject({ ready: false, reason: "migrations-pending" });
    expect(state.ready === false && state.detail).toMatch(/^\d+ migration\(s\) not applied: \d{14}_/);
    await migrated.db.sql.exec(`DELETE FROM "_prisma_migrations" WHERE migration_name = (SELECT max(migration_name) FROM "_prisma_migrations")`);
    expect(await readiness(migrated.db.sql)).toMatchObject({ ready: false, reason: "migrations-pending", detail: expect.stringMatching(/^1 migration\(s\) not applied/) });
  });

  it("waits for the job engine's tables, as npm run db:migrate installs them", async () => {
    const [fresh] = await Promise.all([openTestDatabase()]);
    try {
      expect(await readiness(fresh.db.sql)).toEqual({ ready: true });
      await fresh.db.sql.exec(`UPDATE pgboss.version SET version = version - 1`);
      expect(await readiness(fresh.db.sql)).toMatchObject({ ready: false, reason: "migrations-pending", detail: expect.stringMatching(/job engine's tables are at version \d+, this release needs \d+/) });
      await fresh.db.sql.exec(`DROP SCHEMA pgboss CASCADE`);
      expect(await readiness(fresh.db.sql)).toMatchObject({ ready: false, detail: expect.stringMatching(/at version none/) });
    } finally {
      await fresh.close();
    }
  });

  it("is not ready when the database does not answer in time", async () => {
    const stuck = { query: () => new Promise<never>(() => {}) };
    expect(await readiness(stuck, 50)).toMatchObject({ ready: false, reason: "database-unreachable", detail: "no answer within 50 ms" });
    const refused = { query: () => Promise.reject(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" })) };
    expect(await readiness(refused)).toMatchObject({ ready: false, reason: "database-unreachable", detail: expect.stringMatching(/ECONNREFUSED/) });
  });
});
