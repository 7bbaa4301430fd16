// What a load balancer asks before sending an instance traffic (GET /readyz): the database answers, and every
// migration in prisma/migrations has been applied to it (an instance of a newer release waits for
// `npm run db:migrate` instead of failing on a missing column), the job engine's tables included. GET /healthz only says the process is up.
import { readMigrations } from "~/db/migrate.server";
import type { SqlStatements } from "~/db/connection.server";
import { installedJobEngineVersion, JOB_ENGINE_SCHEMA_VERSION } from "~/jobs/engine-schema.server";

export type Readiness = { ready: true } | { ready: false; reason: "database-unreachable" | "migrations-pending"; detail: string };

let expected: string[] | undefined;

export async function readiness(sql: Pick<SqlStatements, "query">, timeoutMs = 2_000): Promise<Readiness> {
  expected ??= readMigrations().map((m) => m.name);
  let applied: Set<string>;
  try {
    const rows = await withTimeout(
      sql.query<{ name: string }>(`SELECT migration_name AS name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`),
      timeoutMs,
    );
    applied = new Set(rows.map((r) => r.name));
  } catch (error) {
    // No ledger table yet: a database nothing was migrated into.
    if ((error as { code?: string }).code === "42P01") applied = new Set();
    else return { ready: false, reason: "database-unreachable", detail: (error as Error).message };
  }
  const pending = expected.filter((name) => !applied.has(name));
  if (pending.length) return { ready: false, reason: "migrations-pending", detail: `${pending.length} migration(s) not applied: ${pending.join(", ")}` };
  // The job engine's tables are migrated by the same runner (npm run db:migrate).
  let engine: number | null;
  try {
    engine = await withTimeout(installedJobEngineVersion(sql), timeoutMs);
  } catch (error) {
    return { ready: false, reason: "database-unreachable", detail: (error as Error).message };
  }
  if (engine !== JOB_ENGINE_SCHEMA_VERSION) {
    return { ready: false, reason: "migrations-pending", detail: `the job engine's tables are at version ${engine ?? "none"}, this release needs ${JOB_ENGINE_SCHEMA_VERSION}` };
  }
  return { ready: true };
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms))),
  ]);
}
