// `npm run bench`: every benchmark, each printing its figures next to a baseline measured in the
// same run (this machine is noisy; absolute numbers from different runs don't compare).
import { benchWebhookIngest } from "./webhook-ingest";
import { benchExtensionSize } from "./extension-size";
import { benchPointsApply } from "./points-bench";
import { benchRedemption } from "./redemption-bench";
import { benchSegmentSync } from "./segment-sync-bench";
import { benchIsolation } from "./isolation-bench";
import { ensureAppBuild } from "../demo/build";
import { startTestPostgres } from "../../tests/support/postgres";
import { spawnSync } from "node:child_process";
import path from "node:path";

const only = process.argv.slice(2);
const benches: Record<string, () => Promise<unknown>> = {
  "webhook-ingest": () => benchWebhookIngest(),
  "points-apply": () => benchPointsApply(),
  "extension-size": () => benchExtensionSize(),
  redemption: () => benchRedemption(),
  "segment-sync": () => benchSegmentSync(),
  isolation: () => benchIsolation(),
  // Its own process: it measures the process's peak memory while backfilling.
  analytics: async () => {
    console.log("\nRetention analytics on a big shop (1 M orders, 250 k customers)");
    const root = path.resolve(import.meta.dirname, "../..");
    const run = spawnSync(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "scripts/bench/analytics-bench.ts"], {
      cwd: root,
      stdio: "inherit",
    });
    if (run.status !== 0) throw new Error("analytics bench failed");
  },
};

process.env.TZ = "UTC";
ensureAppBuild();
// One PostgreSQL for every benchmark (TEST_POSTGRES_URL's, or one from npm with production's crash safety);
// the analytics process inherits its URL.
const stopPostgres = await startTestPostgres({ durable: true, log: (line) => console.log(line) });
try {
  for (const [name, bench] of Object.entries(benches)) {
    if (only.length && !only.includes(name)) continue;
    await bench();
  }
} finally {
  await stopPostgres();
}
