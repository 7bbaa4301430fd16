// Test databases on the real PostgreSQL server: one migrated template per run, and a fresh
// database per test file copied from it (CREATE DATABASE … TEMPLATE is much faster than migrating).
import crypto from "node:crypto";
import pg from "pg";
import { migrate, readMigrations } from "../../app/db/migrate.server";
import { databaseTarget, openDatabase } from "../../app/db/connection.server";

export const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL || "postgresql://postgres@127.0.0.1:5432/postgres";

export function databaseUrl(name: string): string {
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withAdminClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `Integration tests need PostgreSQL at ${POSTGRES_ADMIN_URL} (set TEST_POSTGRES_URL to use another). ` +
        `Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n${(error as Error).message}`,
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The template's name changes whenever a migration does, so a stale template is never reused. */
export function templateDatabaseName(): string {
  const hash = crypto.createHash("sha256");
  for (const m of readMigrations()) hash.update(m.name).update(m.checksum);
  return `treue_template_${hash.digest("hex").slice(0, 12)}`;
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(template = templateDatabaseName()): Promise<TestDatabase> {
  const name = `treue_test_${process.pid}_${crypto.randomBytes(4).toString("hex")}`;
  await withAdminClient(async (c) => {
    // Two files copying the template at once make PostgreSQL refuse ("source database is being accessed").
    for (let attempt = 0; ; attempt++) {
      try {
        await c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
        return;
      } catch (error) {
        if (attempt > 50 || !/being accessed/.test(String(error))) throw error;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  });
  return {
    name,
    url: databaseUrl(name),
    drop: () => withAdminClient(async (c) => void (await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))),
  };
}

/** Creates the migrated template database for the current migrations unless it exists. */
export async function ensureTemplateDatabase(): Promise<string> {
  const template = templateDatabaseName();
  const exists = await withAdminClient(
    async (c) => (await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [template])).rowCount === 1,
  );
  if (exists) return template;
  const building = `${template}_building_${process.pid}`;
  await withAdminClient((c) => c.query(`CREATE DATABASE "${building}"`));
  const db = await openDatabase(databaseTarget(databaseUrl(building)));
  try {
    await migrate(db.sql);
  } finally {
    await db.close();
  }
  await withAdminClient(async (c) => {
    try {
      await c.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`);
    } catch {
      // another run made it first
      await c.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
    }
  });
  return template;
}
