// The job engine's tables (pg-boss, schema "pgboss") are installed and upgraded by the same runner as the app's
// own migrations (npm run db:migrate, the demo, the tests' template), never by an app instance at start: an
// instance of a release whose engine schema is newer than the database's waits in /readyz like one whose app
// migrations are pending. pg-boss's own plans are run as it publishes them (each is one transaction that takes
// its own advisory lock).
import { getConstructionPlans, getMigrationPlans } from "pg-boss";
import { createRequire } from "node:module";
import type { SqlRunner, SqlStatements } from "../db/connection.server";

export const JOB_ENGINE_SCHEMA = "pgboss";
/** The engine schema version this release of pg-boss works with. */
export const JOB_ENGINE_SCHEMA_VERSION: number = (createRequire(import.meta.url)("pg-boss/package.json") as { pgboss: { schema: number } }).pgboss.schema;

/** The installed engine schema version, or null when the engine was never installed in this database. */
export async function installedJobEngineVersion(sql: Pick<SqlStatements, "query">): Promise<number | null> {
  const [table] = await sql.query<{ present: boolean }>(`SELECT to_regclass('${JOB_ENGINE_SCHEMA}.version') IS NOT NULL AS present`);
  if (!table?.present) return null;
  const [row] = await sql.query<{ version: string }>(`SELECT version::text AS version FROM ${JOB_ENGINE_SCHEMA}.version`);
  return row ? Number(row.version) : null;
}

export type JobEngineInstall = "installed" | "upgraded" | "current";

/** Installs the engine's schema, or brings an older one up to this release's version. */
export async function installJobEngine(sql: SqlRunner): Promise<JobEngineInstall> {
  const version = await installedJobEngineVersion(sql);
  if (version === null) {
    await sql.exec(getConstructionPlans(JOB_ENGINE_SCHEMA));
    return "installed";
  }
  if (version > JOB_ENGINE_SCHEMA_VERSION) {
    throw new Error(
      `The job engine's tables (schema ${JOB_ENGINE_SCHEMA}) are at version ${version}, newer than this release's ${JOB_ENGINE_SCHEMA_VERSION}: a newer Treue migrated this database.`,
    );
  }
  if (version === JOB_ENGINE_SCHEMA_VERSION) return "current";
  await sql.exec(getMigrationPlans(JOB_ENGINE_SCHEMA, version));
  return "upgraded";
}
