// Applies the SQL migrations in prisma/migrations, in name order, each in its own transaction,
// recording them in Prisma's own `_prisma_migrations` table so `prisma migrate deploy` and
// `prisma migrate status` agree with this runner wherever Prisma's native engine is available.
// (docs/decisions/002-database-and-migrations.md explains why Prisma's CLI isn't used here.)
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import type { SqlRunner } from "./connection.server";
import { installJobEngine, type JobEngineInstall } from "../jobs/engine-schema.server";

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(dir = path.resolve("prisma/migrations")): Migration[] {
  if (!fs.existsSync(dir)) throw new Error(`No migrations folder at ${dir}`);
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(dir, e.name, "migration.sql")))
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: crypto.createHash("sha256").update(sql).digest("hex") };
    });
}

const LEDGER_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
);`;

// Any constant works; it keeps two app instances starting together from migrating twice.
const ADVISORY_LOCK_KEY = 72_616_263;

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
  /** What became of the job engine's own tables (docs/decisions/020). */
  jobEngine: JobEngineInstall;
}

export async function migrate(sql: SqlRunner, migrations = readMigrations()): Promise<MigrationResult> {
  await sql.exec(`SELECT pg_advisory_lock(${ADVISORY_LOCK_KEY})`);
  try {
    await sql.exec(LEDGER_TABLE);
    const done = await sql.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
    );
    const byName = new Map(done.map((r) => [r.migration_name, r]));
    const applied: string[] = [];
    for (const m of migrations) {
      const previous = byName.get(m.name);
      if (previous?.finished_at) {
        if (previous.checksum !== m.checksum) {
          throw new Error(
            `Migration ${m.name} was changed after it was applied (checksum differs). ` +
              `Never edit an applied migration: add a new one.`,
          );
        }
        continue;
      }
      if (previous) {
        throw new Error(`Migration ${m.name} started earlier but did not finish; inspect the database before retrying.`);
      }
      const id = crypto.randomUUID();
      // One transaction per migration: a failing migration leaves no trace but its error.
      await sql.exec(
        `BEGIN;\n${m.sql}\n;\nINSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) ` +
          `VALUES ('${id}', '${m.checksum}', now(), '${m.name.replace(/'/g, "''")}', 1);\nCOMMIT;`,
      ).catch(async (error: unknown) => {
        await sql.exec("ROLLBACK").catch(() => {});
        throw new Error(`Migration ${m.name} failed and was rolled back: ${(error as Error).message}`);
      });
      applied.push(m.name);
    }
    // The job engine's tables come after the app's: nothing of the app's refers to them.
    const jobEngine = await installJobEngine(sql);
    return { applied, alreadyApplied: migrations.length - applied.length, jobEngine };
  } finally {
    await sql.exec(`SELECT pg_advisory_unlock(${ADVISORY_LOCK_KEY})`);
  }
}
