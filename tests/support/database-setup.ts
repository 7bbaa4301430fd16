// vitest global setup of every project that uses the database: the run's one PostgreSQL server (started by the
// first project's setup, stopped after the last test; see tests/support/postgres.ts) and its migrated template.
import { ensureTemplateDatabase, startTestPostgres } from "./postgres";

export default async function setup() {
  process.env.TZ = "UTC";
  const stop = await startTestPostgres();
  await ensureTemplateDatabase();
  return stop;
}
