// Bundles the worker threads' entry (app/jobs/thread-tasks.server.ts) into build/server/thread-tasks.js: the app's
// own modules inlined, packages imported from node_modules as the Remix build imports them. Part of `npm run build`
// and of the tests' and the demo's build (scripts/demo/build.ts).
import path from "node:path";
import { buildSync } from "esbuild";

export const THREAD_TASKS_OUT = "build/server/thread-tasks.js";

export function buildThreadTasks(root: string): void {
  buildSync({
    entryPoints: [path.join(root, "app/jobs/thread-tasks.server.ts")],
    outfile: path.join(root, THREAD_TASKS_OUT),
    tsconfig: path.join(root, "tsconfig.json"),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // Every bare import stays a package import; the app's own "~/" (tsconfig paths) is inlined.
    packages: "external",
    alias: { "~": path.join(root, "app") },
    sourcemap: true,
    logLevel: "warning",
  });
}

// Run as a command (npm run build), not when imported (the demo's build step, also from the demo's bundle).
if (process.argv[1] && path.basename(process.argv[1]) === "build-thread-tasks.ts" && import.meta.url === `file://${process.argv[1]}`) {
  buildThreadTasks(path.resolve(import.meta.dirname, ".."));
  console.log(`Built ${THREAD_TASKS_OUT}.`);
}
