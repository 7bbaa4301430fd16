// Opens the database named by DATABASE_URL: a PostgreSQL server (postgres:// or postgresql://)
// or embedded PostgreSQL (PGlite) for the quick start — `pglite:<dir>`, `pglite:memory`, or unset.
import path from "node:path";
import fs from "node:fs";
import { PrismaClient } from "@prisma/client";
import { PrismaPg } from "@prisma/adapter-pg";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import pg from "pg";

export type DatabaseTarget =
  | { kind: "postgres"; url: string }
  | { kind: "pglite"; dataDir: string | null /* null = in memory */ };

export function databaseTarget(databaseUrl: string | undefined, demoDataDir = ".demo-data"): DatabaseTarget {
  const url = databaseUrl?.trim();
  if (!url) return { kind: "pglite", dataDir: path.resolve(demoDataDir, "pgdata") };
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: "postgres", url };
  if (url.startsWith("pglite:")) {
    const rest = url.slice("pglite:".length).replace(/^\/\//, "");
    if (rest === "memory" || rest === "") return { kind: "pglite", dataDir: rest === "memory" ? null : path.resolve(demoDataDir, "pgdata") };
    return { kind: "pglite", dataDir: path.resolve(rest) };
  }
  throw new Error(
    `DATABASE_URL must start with postgresql:// or pglite: (got "${url.split(":")[0]}:..."); leave it unset for the embedded database.`,
  );
}

/** Runs plain SQL (several statements allowed) — what the migration runner needs. */
export interface SqlRunner {
  exec(sql: string): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export interface Database {
  target: DatabaseTarget;
  prisma: PrismaClient;
  sql: SqlRunner;
  close(): Promise<void>;
}

function database(
  target: DatabaseTarget,
  prisma: PrismaClient,
  driver: { exec(sql: string): Promise<unknown>; rows(sql: string, params?: unknown[]): Promise<unknown[]>; end(): Promise<void> },
): Database {
  const sql: SqlRunner = {
    async exec(text) {
      await driver.exec(text);
    },
    async query(text, params) {
      return (await driver.rows(text, params)) as never;
    },
    async close() {},
  };
  return {
    target,
    prisma,
    sql,
    async close() {
      await prisma.$disconnect();
      await driver.end();
    },
  };
}

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.kind === "postgres") {
    const pool = new pg.Pool({ connectionString: target.url, max: 10 });
    // A connection the server ends (restart, failover, a dropped database) emits "error" on the pool when it
    // is idle and on the client itself while it is in use or closing; without listeners Node treats that as
    // an uncaught exception and the whole app stops. The query that used it fails on its own.
    const lost = (error: Error) => console.error(`[treue] database connection ended: ${error.message}`);
    pool.on("error", lost);
    pool.on("connect", (client) => client.on("error", lost));
    return database(target, new PrismaClient({ adapter: new PrismaPg(pool) }), {
      exec: (text) => pool.query(text),
      rows: async (text, params) => (await pool.query(text, params)).rows,
      end: () => pool.end().catch(() => {}),
    });
  }
  if (target.dataDir) fs.mkdirSync(target.dataDir, { recursive: true });
  const pglite = target.dataDir ? new PGlite(target.dataDir) : new PGlite();
  await pglite.waitReady;
  // pglite-prisma-adapter is typed against an older @prisma/driver-adapter-utils than Prisma 6.19's;
  // the runtime contract is the same (exercised by every test on embedded PostgreSQL).
  const adapter = new PrismaPGlite(pglite) as unknown as ConstructorParameters<typeof PrismaClient>[0] extends infer O
    ? O extends { adapter?: infer A } ? NonNullable<A> : never
    : never;
  return database(target, new PrismaClient({ adapter }), {
    exec: (text) => pglite.exec(text),
    rows: async (text, params) => (await pglite.query(text, params)).rows,
    end: async () => {
      if (!pglite.closed) await pglite.close();
    },
  });
}
