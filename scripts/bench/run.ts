// `npm run bench`: every benchmark, each printing its figures next to a baseline measured in the
// same run (this machine is noisy; absolute numbers from different runs don't compare).
import { benchWebhookIngest } from "./webhook-ingest";
import { benchExtensionSize } from "./extension-size";
import { ensureAppBuild } from "../demo/build";

const only = process.argv.slice(2);
const benches: Record<string, () => Promise<unknown>> = {
  "webhook-ingest": () => benchWebhookIngest(),
  "extension-size": () => benchExtensionSize(),
};

process.env.TZ = "UTC";
ensureAppBuild();
for (const [name, bench] of Object.entries(benches)) {
  if (only.length && !only.includes(name)) continue;
  await bench();
}
