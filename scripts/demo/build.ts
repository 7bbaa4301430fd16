// Builds the Remix app and the worker threads' entry unless build/ is newer than every source file it depends on.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { buildThreadTasks, THREAD_TASKS_OUT } from "../build-thread-tasks";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SOURCES = ["app", "vite.config.ts", "package.json", "tsconfig.json"];

function newestMtime(p: string): number {
  const stat = fs.statSync(p, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

export function appBuildIsCurrent(): boolean {
  const built = fs.statSync(path.join(ROOT, "build/server/index.js"), { throwIfNoEntry: false });
  if (!built || !fs.existsSync(path.join(ROOT, THREAD_TASKS_OUT))) return false;
  return SOURCES.every((s) => newestMtime(path.join(ROOT, s)) <= built.mtimeMs);
}

export function ensureAppBuild(log: (line: string) => void = console.log): void {
  if (appBuildIsCurrent()) return;
  log("Building the app (remix vite:build)…");
  const started = Date.now();
  const result = spawnSync(process.execPath, [path.join(ROOT, "node_modules/@remix-run/dev/dist/cli.js"), "vite:build"], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (result.status !== 0) {
    throw new Error(`The app build failed:\n${result.stdout}\n${result.stderr}`);
  }
  buildThreadTasks(ROOT);
  log(`Built in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}
