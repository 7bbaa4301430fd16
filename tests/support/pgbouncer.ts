// A real PgBouncer in transaction pooling mode in front of a test database, as managed PostgreSQL offers it
// (Supavisor, Neon's pooled URL, PgBouncer): each transaction may run on another server connection, and
// session state (advisory locks, SET, prepared statements) does not survive between transactions.
// Used by the pooler check (.ci/run, `npm run test:pooler`); the Debian package is `pgbouncer`.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { freeTcpPort } from "../../scripts/lib/embedded-postgres";

export interface PgBouncer {
  /** The pooled URL of the database: what the app gets as DATABASE_URL. */
  url: string;
  /** The console (SHOW POOLS, SHOW CONFIG) as postgresql:// URL. */
  adminUrl: string;
  output(): string;
  stop(): Promise<void>;
}

export function findPgBouncer(): string {
  const candidates = [process.env.PGBOUNCER, "/usr/sbin/pgbouncer", "/usr/bin/pgbouncer", "/usr/local/bin/pgbouncer"].filter((p): p is string => !!p);
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new Error(`PgBouncer not found (looked at ${candidates.join(", ")}): install it (Debian: apt-get install pgbouncer) or set PGBOUNCER=/path/to/pgbouncer.`);
  }
  return found;
}

/** Starts PgBouncer in front of `databaseUrl` (user, password, host, port and database taken from it). */
export async function startPgBouncer(databaseUrl: string, opts: { poolSize?: number } = {}): Promise<PgBouncer> {
  const binary = findPgBouncer();
  const server = new URL(databaseUrl);
  const user = decodeURIComponent(server.username);
  const password = decodeURIComponent(server.password);
  const database = server.pathname.slice(1);
  const port = await freeTcpPort();
  const dir = mkdtempSync(path.join(tmpdir(), "treue-pgbouncer-"));
  chmodSync(dir, 0o755);
  const ini = path.join(dir, "pgbouncer.ini");
  writeFileSync(path.join(dir, "userlist.txt"), `"${user}" "${password}"\n`);
  writeFileSync(
    ini,
    [
      "[databases]",
      `${database} = host=${server.hostname} port=${server.port || 5432} dbname=${database} user=${user} password=${password}`,
      "[pgbouncer]",
      "listen_addr = 127.0.0.1",
      `listen_port = ${port}`,
      "unix_socket_dir =",
      "auth_type = plain",
      `auth_file = ${path.join(dir, "userlist.txt")}`,
      `admin_users = ${user}`,
      "pool_mode = transaction",
      `default_pool_size = ${opts.poolSize ?? 4}`,
      "max_client_conn = 200",
      "server_reset_query =",
      "ignore_startup_parameters = extra_float_digits,options",
      "",
    ].join("\n"),
  );
  // PgBouncer refuses to run as root: switch to an unprivileged user as its packages do.
  const args = process.getuid?.() === 0 ? ["-u", "nobody", ini] : [ini];
  for (const f of ["userlist.txt", "pgbouncer.ini"]) chmodSync(path.join(dir, f), 0o644);
  let output = "";
  const child: ChildProcess = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const deadline = Date.now() + 10_000;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => (socket.destroy(), resolve(true)));
      socket.once("error", () => resolve(false));
    });
    if (open) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`PgBouncer did not start on port ${port}:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const pooled = new URL(databaseUrl);
  pooled.hostname = "127.0.0.1";
  pooled.port = String(port);
  const admin = new URL(pooled);
  admin.pathname = "/pgbouncer";
  return {
    url: pooled.toString(),
    adminUrl: admin.toString(),
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3_000))]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
