// vitest setup file of every project: a test worker ends with the run. When vitest itself is killed (a CI
// timeout's SIGTERM, a terminal closed), its forked workers were left running, orphaned, with the app servers
// they started: the worker's own event loop then spins in vitest's runtime and never sees its IPC channel
// close. A watcher on its own thread checks the parent every half second and ends the worker when it is gone
// (the worker's app servers follow it: scripts/demo/app-process.ts).
import { Worker } from "node:worker_threads";

const WATCHING = Symbol.for("treue.exitWithRun");
const state = globalThis as { [WATCHING]?: true };
if (process.send && !state[WATCHING]) {
  state[WATCHING] = true;
  const watcher = new Worker(
    `const { workerData } = require("node:worker_threads");
     const gone = () => { try { process.kill(workerData.parent, 0); return process.ppid !== workerData.parent; } catch { return true; } };
     setInterval(() => { if (gone()) process.kill(workerData.self, "SIGKILL"); }, 500);`,
    { eval: true, workerData: { parent: process.ppid, self: process.pid } },
  );
  watcher.unref();
}
