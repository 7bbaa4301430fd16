// `npm run demo` at rest (issue 15: < 400 MB over its two Node processes). Runs the demo exactly as a user does —
// the bundled demo script, its own embedded PostgreSQL, the Online Retail sample seeded into a fresh data
// directory — waits until the install's history import has completed and the background work is done, then reads
// both processes' RSS from /proc for a while and reports the highest total. PostgreSQL's processes are not Node's
// and not counted (they are shown apart).
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { childPids, fmt, line, rssMbOf } from "./stats";
import { until } from "../../tests/support/until";

const ROOT = path.resolve(import.meta.dirname, "../..");
const GOAL_MB = 400;

/** The pid of the direct child of `parent` whose command line matches `pattern`, if any. */
function childMatching(parent: number, pattern: RegExp): number | undefined {
  return childPids(parent).find((pid) => {
    try {
      return pattern.test(fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " "));
    } catch {
      return false;
    }
  });
}

export async function benchDemoMemory({ settleSeconds = 45, sampleSeconds = 30 } = {}) {
  console.log("\nThe demo at rest (npm run demo on a fresh data directory: the Online Retail sample, its own PostgreSQL)");
  const bundled = spawnSync(process.execPath, [path.join(ROOT, "scripts/demo/bundle.mjs")], { cwd: ROOT, stdio: "inherit" });
  if (bundled.status !== 0) throw new Error("demo memory bench: the demo bundle failed");
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "treue-demo-bench-"));
  // mkdtemp's 0700 would keep out the "postgres" user PostgreSQL runs as when the bench runs as root.
  fs.chmodSync(dataDir, 0o755);
  const env: NodeJS.ProcessEnv = { ...process.env, DEMO_DATA_DIR: dataDir };
  // As a user runs it: no database of ours, no SMTP server, no extra Node flags for the app.
  for (const key of ["DATABASE_URL", "SMTP_URL", "TREUE_APP_NODE_ARGS"]) delete env[key];
  const demo = spawn(process.execPath, ["--expose-gc", path.join(ROOT, "build/demo/demo.mjs")], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 100_000) output = output.slice(-50_000);
  };
  demo.stdout.on("data", collect);
  demo.stderr.on("data", collect);
  const exited = new Promise<void>((resolve) => demo.once("exit", () => resolve()));
  const started = performance.now();
  let client: pg.Client | null = null;
  try {
    const databaseUrl = await until("the demo printed its admin URL and database", () => {
      if (demo.exitCode !== null) throw new Error(`the demo exited (${demo.exitCode}):\n${output}`);
      return /DATABASE_URL='([^']+)'/.exec(output)?.[1];
    }, { timeoutMs: 180_000, intervalMs: 250 });
    const readySeconds = (performance.now() - started) / 1000;
    const appPid = await until("the app process", () => childMatching(demo.pid!, /server\.mjs/), { timeoutMs: 10_000, intervalMs: 250 });
    client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await until(
      "the history import completed",
      async () => (await client!.query<{ status: string }>(`SELECT "status" FROM "HistoryImport" ORDER BY "id" DESC LIMIT 1`)).rows[0]?.status === "completed",
      { timeoutMs: 300_000, intervalMs: 250 },
    );
    const importedSeconds = (performance.now() - started) / 1000;
    const { rows: counts } = await client.query<{ orders: string; members: string }>(
      `SELECT (SELECT count(*) FROM "HistoryOrder")::text AS orders, (SELECT count(*) FROM "Member")::text AS members`,
    );
    await client.end();
    client = null;
    // The work the import sets off (members, rollups, the CLV forecast) and the demo's idle collections settle.
    await new Promise((r) => setTimeout(r, settleSeconds * 1000));
    let peak = { demo: 0, app: 0, total: 0 };
    for (let i = 0; i < sampleSeconds; i++) {
      const sample = { demo: rssMbOf(demo.pid), app: rssMbOf(appPid), total: 0 };
      sample.total = sample.demo + sample.app;
      if (sample.total > peak.total) peak = sample;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const postgresMb = childPids(demo.pid!)
      .filter((pid) => /postgres/.test(fs.readFileSync(`/proc/${pid}/cmdline`, "utf8")))
      .flatMap((pid) => [pid, ...childPids(pid)])
      .reduce((sum, pid) => sum + (rssMbOf(pid) || 0), 0);
    line("demo ready / history imported", `${fmt(readySeconds, 1)} s / ${fmt(importedSeconds, 1)} s (${fmt(Number(counts[0].orders))} orders, ${fmt(Number(counts[0].members))} members)`);
    line(
      "at rest: demo + app RSS (highest of 30 s)",
      `${fmt(peak.demo)} + ${fmt(peak.app)} = ${fmt(peak.total)} MB (goal < ${GOAL_MB}) — ${peak.total < GOAL_MB ? "met" : "NOT met"}`,
    );
    line("  PostgreSQL's processes (not counted)", `${fmt(postgresMb)} MB RSS, shared memory counted in each`);
    return { demoAtRestRssMb: Math.round(peak.total), demoAtRestDemoRssMb: Math.round(peak.demo), demoAtRestAppRssMb: Math.round(peak.app), demoHistoryImportedSeconds: Math.round(importedSeconds) };
  } finally {
    await client?.end().catch(() => {});
    demo.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
    if (demo.exitCode === null) demo.kill("SIGKILL");
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
