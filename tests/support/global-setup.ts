// Once per test run: a migrated template database on the real PostgreSQL, and a current app build
// (integration and browser tests run the built app as a separate process, as in production).
import { databaseTarget, openDatabase } from "../../app/db/connection.server";
import { migrate } from "../../app/db/migrate.server";
import { ensureAppBuild } from "../../scripts/demo/build";
import { databaseUrl, templateDatabaseName, withAdminClient } from "./postgres";

export default async function setup() {
  process.env.TZ = "UTC";
  const template = templateDatabaseName();
  const exists = await withAdminClient(
    async (c) => (await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [template])).rowCount === 1,
  );
  if (!exists) {
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
  }
  ensureAppBuild(() => {});
}
