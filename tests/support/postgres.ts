// Test databases. One PostgreSQL server per test run: the one TEST_POSTGRES_URL names, or else an embedded
// PostgreSQL from npm that the global setup starts (tests/support/database-setup.ts) and stops. On it, one
// migrated template per run and a fresh database per test file copied from it (CREATE DATABASE … TEMPLATE takes
// milliseconds; migrating takes seconds).
import crypto from "node:crypto";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { migrate, readMigrations } from "../../app/db/migrate.server";
import { JOB_ENGINE_SCHEMA_VERSION } from "../../app/jobs/engine-schema.server";
import { databaseTarget, openDatabase, type Database } from "../../app/db/connection.server";
import { startEmbeddedPostgres } from "../../scripts/lib/embedded-postgres";

/** Set by startTestPostgres for the test workers (they inherit the environment): the embedded server's URL. */
const STARTED_SERVER_URL = "TREUE_TEST_POSTGRES_URL";

/**
 * A server of the caller's: TEST_POSTGRES_URL (its maintenance database, e.g. postgresql://postgres@127.0.0.1:5432/postgres),
 * or TEST_DATABASE_URL, the name the fresh-machine issue gives it.
 */
function configuredServerUrl(): string | undefined {
  return process.env.TEST_POSTGRES_URL || process.env.TEST_DATABASE_URL || undefined;
}
const CONFIGURED_NAME = "TEST_POSTGRES_URL";

/** The server's maintenance database (where databases are created and dropped from). */
export function postgresAdminUrl(): string {
  const url = configuredServerUrl() || process.env[STARTED_SERVER_URL];
  if (!url) {
    throw new Error(
      "No PostgreSQL server for the tests: vitest's global setup starts one (tests/support/database-setup.ts); " +
        "outside vitest call startTestPostgres() first, or set TEST_POSTGRES_URL=postgresql://… to use a server of yours.",
    );
  }
  return url;
}

/**
 * Makes sure the tests have a server: TEST_POSTGRES_URL's (checked to answer), or an embedded one started now
 * in a temporary folder (without crash safety unless `durable`: benchmarks keep it, as production does). Returns
 * how to stop what it started (nothing for a server of the caller's).
 */
export async function startTestPostgres(
  opts: { durable?: boolean; log?: (line: string) => void } = {},
): Promise<() => Promise<void>> {
  if (configuredServerUrl() || process.env[STARTED_SERVER_URL]) {
    await withAdminClient(async () => {});
    return async () => {};
  }
  const server = await startEmbeddedPostgres({
    dataDir: path.join(os.tmpdir(), `treue-test-postgres-${process.pid}-${crypto.randomBytes(4).toString("hex")}`),
    keep: false,
    durable: opts.durable,
    log: opts.log,
  });
  process.env[STARTED_SERVER_URL] = server.url();
  return async () => {
    delete process.env[STARTED_SERVER_URL];
    await server.stop();
  };
}

export function databaseUrl(name: string): string {
  const url = new URL(postgresAdminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withAdminClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const adminUrl = postgresAdminUrl();
  const client = new pg.Client({ connectionString: adminUrl });
  try {
    await client.connect();
  } catch (error) {
    const where = new URL(adminUrl);
    throw new Error(
      `The tests' PostgreSQL at ${where.host} does not answer` +
        (configuredServerUrl() ? ` (${CONFIGURED_NAME}; unset it to let the tests start their own)` : "") +
        `: ${(error as Error).message}`,
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The template's name changes whenever a migration (or the job engine's schema version) does, so a stale template is never reused. */
export function templateDatabaseName(): string {
  const hash = crypto.createHash("sha256");
  for (const m of readMigrations()) hash.update(m.name).update(m.checksum);
  hash.update(`job engine ${JOB_ENGINE_SCHEMA_VERSION}`);
  return `treue_template_${hash.digest("hex").slice(0, 12)}`;
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A new database copied from `template` (the migrated one by default; "template1" gives an empty one). */
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

export interface OpenTestDatabase extends TestDatabase {
  db: Database;
  /** Closes the connections and drops the database. */
  close(): Promise<void>;
}

/** A fresh migrated database (or an empty one from "template1"), opened as the app opens its own. */
export async function openTestDatabase(template?: string): Promise<OpenTestDatabase> {
  const testDb = await createTestDatabase(template);
  const db = await openDatabase(databaseTarget(testDb.url));
  return {
    ...testDb,
    db,
    async close() {
      // Work a test started and did not wait for (a segment sync after an import) may still hold a pooled
      // connection, and the pool's end waits for it to come back. Closing waits a few seconds at most; the
      // forced drop then ends whatever sessions are left, so the file never hangs in its afterAll.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([db.close().catch(() => {}), new Promise<void>((resolve) => (timer = setTimeout(resolve, 5_000)))]);
      clearTimeout(timer);
      await testDb.drop();
    },
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
    await db.session((sql) => migrate(sql));
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
