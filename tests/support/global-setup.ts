// Once per test run: a migrated template database on the real PostgreSQL, and a current app build
// (integration and browser tests run the built app as a separate process, as in production).
import { ensureAppBuild } from "../../scripts/demo/build";
import { ensureTemplateDatabase } from "./postgres";

export default async function setup() {
  process.env.TZ = "UTC";
  await ensureTemplateDatabase();
  ensureAppBuild(() => {});
}
