// Once per test run, for the projects that run the built app as a separate process (integration and browser, as
// in production): a current app build. (The database comes from database-setup.ts, listed before this file.)
import { ensureAppBuild } from "../../scripts/demo/build";

export default async function setup() {
  process.env.TZ = "UTC";
  ensureAppBuild(() => {});
}
