// `npm run db:migrate`: applies prisma/migrations to the database named by DATABASE_URL
// (unset: the embedded database in $DEMO_DATA_DIR/pgdata). Safe to run on every deploy.
import { databaseTarget, openDatabase } from "../app/db/connection.server";
import { migrate } from "../app/db/migrate.server";

const target = databaseTarget(process.env.DATABASE_URL, process.env.DEMO_DATA_DIR);
const db = await openDatabase(target);
try {
  const result = await migrate(db.sql);
  const where = target.kind === "postgres" ? "PostgreSQL" : `embedded PostgreSQL at ${target.dataDir ?? "memory"}`;
  console.log(
    result.applied.length
      ? `Applied ${result.applied.length} migration(s) to ${where}: ${result.applied.join(", ")}`
      : `${where} is up to date (${result.alreadyApplied} migration(s)).`,
  );
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  await db.close();
}
