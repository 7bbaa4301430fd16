// `npm run db:migrate`: applies prisma/migrations to the PostgreSQL database named by DIRECT_DATABASE_URL, else
// DATABASE_URL. Safe to run on every deploy (the demo and the tests migrate their own databases). The runner
// holds a session (an advisory lock, one connection): behind a transaction pooler (PgBouncer, Supavisor, Neon's
// pooled URL) give DIRECT_DATABASE_URL, a connection to the server itself.
import { databaseTarget, openDatabase } from "../app/db/connection.server";
import { migrate } from "../app/db/migrate.server";

let target;
try {
  target = databaseTarget(process.env.DIRECT_DATABASE_URL || process.env.DATABASE_URL);
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
const db = await openDatabase(target);
try {
  const result = await db.session((sql) => migrate(sql));
  const where = `PostgreSQL at ${new URL(target.url).host}`;
  console.log(
    result.applied.length
      ? `Applied ${result.applied.length} migration(s) to ${where}: ${result.applied.join(", ")}`
      : `${where} is up to date (${result.alreadyApplied} migration(s)).`,
  );
  if (result.jobEngine !== "current") console.log(`Job engine tables (schema pgboss): ${result.jobEngine}.`);
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  await db.close();
}
