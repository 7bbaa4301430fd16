// Opens the database named by DATABASE_URL: a PostgreSQL server (postgres:// or postgresql://)
// or embedded PostgreSQL (PGlite) for the quick start — `pglite:<dir>`, `pglite:memory`, or unset.
import path from "node:path";
import fs from "node:fs";
import { PrismaClient, type Prisma } from "@prisma/client";
import { PrismaPg } from "@prisma/adapter-pg";
import { PGlite, type Transaction } from "@electric-sql/pglite";
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

/**
 * One SQL statement at a time with parameters, on a connection the caller already has: the one of a
 * transaction (sqlOf(tx)) or the pool. The drivers type result columns differently (pg returns int8 as
 * text, PGlite as bigint, Prisma as bigint; timestamps without zone become local-time Dates in pg), so
 * statements run through this return only text, int4, boolean and json(b) columns, cast in SQL.
 */
export interface SqlStatements {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a statement and returns how many rows it changed. */
  execute(sql: string, params?: unknown[]): Promise<number>;
}

export type TransactionOptions = { maxWait?: number; timeout?: number };

export interface Database {
  target: DatabaseTarget;
  prisma: PrismaClient;
  sql: SqlRunner;
  /**
   * prisma.$transaction whose callback also gets plain SQL on the transaction's own connection (sqlOf(tx)
   * gives the same): what Prisma would only build and send slower runs in the same transaction, committed
   * or rolled back with everything Prisma did in it.
   */
  transaction<T>(fn: (tx: Prisma.TransactionClient, sql: SqlStatements) => Promise<T>, options?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
}

/** Plain SQL on a transaction's connection, by the transaction client Prisma handed to the callback. */
const sqlOfTransaction = new WeakMap<object, SqlStatements>();
const databaseOfClient = new WeakMap<PrismaClient, { db: Database; statements: SqlStatements }>();

/**
 * Plain SQL statements for any database handle: inside Database.transaction the transaction's own
 * connection; for a client from openDatabase its pool; for anything else (a transaction started with
 * prisma.$transaction directly) Prisma's raw queries, which are slower but in the same transaction.
 */
export function sqlOf(db: Pick<PrismaClient, "$queryRawUnsafe" | "$executeRawUnsafe">): SqlStatements {
  const own = sqlOfTransaction.get(db) ?? databaseOfClient.get(db as PrismaClient)?.statements;
  if (own) return own;
  return {
    query: (text, params = []) => db.$queryRawUnsafe(text, ...params),
    execute: (text, params = []) => db.$executeRawUnsafe(text, ...params),
  };
}

/** The database a client from openDatabase belongs to. */
export function databaseOf(prisma: PrismaClient): Database {
  const known = databaseOfClient.get(prisma);
  if (!known) throw new Error("this Prisma client was not opened with openDatabase");
  return known.db;
}

function database(
  target: DatabaseTarget,
  prisma: PrismaClient,
  driver: {
    exec(sql: string): Promise<unknown>;
    statements: SqlStatements;
    /** The connection of the Prisma transaction `tx` is running on. */
    connectionOf(tx: Prisma.TransactionClient): Promise<SqlStatements>;
    end(): Promise<void>;
  },
): Database {
  const sql: SqlRunner = {
    async exec(text) {
      await driver.exec(text);
    },
    query: (text, params) => driver.statements.query(text, params),
    async close() {},
  };
  const db: Database = {
    target,
    prisma,
    sql,
    transaction(fn, options) {
      return prisma.$transaction(async (tx) => {
        const own = await driver.connectionOf(tx);
        sqlOfTransaction.set(tx, own);
        return fn(tx, own);
      }, options);
    },
    async close() {
      await prisma.$disconnect();
      await driver.end();
    },
  };
  databaseOfClient.set(prisma, { db, statements: driver.statements });
  return db;
}

/** The statements of a pg client or pool (both answer query(text, values)). */
function pgStatements(client: Pick<pg.Pool, "query">): SqlStatements {
  return {
    query: async (text, params) => (await client.query(text, params)).rows,
    execute: async (text, params) => (await client.query(text, params)).rowCount ?? 0,
  };
}

function pgliteStatements(client: Pick<PGlite, "query">): SqlStatements {
  return {
    query: async (text, params) => (await client.query(text, params)).rows as never,
    execute: async (text, params) => (await client.query(text, params)).affectedRows ?? 0,
  };
}

// Without the transaction's own connection its statements would run on another one, outside the transaction.
const lostConnection = () => new Error("the connection of this transaction is not one of the database's own");

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.kind === "postgres") {
    const pool = new pg.Pool({ connectionString: target.url, max: 10 });
    // A connection the server ends (restart, failover, a dropped database) emits "error" on the pool when it
    // is idle and on the client itself while it is in use or closing; without listeners Node treats that as
    // an uncaught exception and the whole app stops. The query that used it fails on its own.
    const lost = (error: Error) => console.error(`[treue] database connection ended: ${error.message}`);
    pool.on("error", lost);
    // A Prisma transaction holds one of the pool's connections; the server's process id names it.
    const connections = new Map<number, SqlStatements>();
    const processId = (client: pg.PoolClient) => (client as pg.PoolClient & { processID: number }).processID;
    pool.on("connect", (client) => {
      client.on("error", lost);
      connections.set(processId(client), pgStatements(client));
    });
    pool.on("remove", (client) => connections.delete(processId(client)));
    return database(target, new PrismaClient({ adapter: new PrismaPg(pool) }), {
      exec: (text) => pool.query(text),
      statements: pgStatements(pool),
      async connectionOf(tx) {
        const [{ pid }] = await tx.$queryRawUnsafe<{ pid: number }[]>(`SELECT pg_backend_pid() AS pid`);
        const own = connections.get(pid);
        if (!own) throw lostConnection();
        return own;
      },
      end: () => pool.end().catch(() => {}),
    });
  }
  if (target.dataDir) fs.mkdirSync(target.dataDir, { recursive: true });
  const pglite = target.dataDir ? new PGlite(target.dataDir) : new PGlite();
  await pglite.waitReady;
  // The adapter sees PGlite through a proxy that notes the open transaction: PGlite has one session and
  // runs one transaction at a time, and a statement sent to PGlite itself would wait for that one to end.
  let open: SqlStatements | null = null;
  const noting = new Proxy(pglite, {
    get(target, name) {
      if (name === "transaction") {
        return <T>(callback: (tx: Transaction) => Promise<T>) =>
          target.transaction(async (tx) => {
            open = pgliteStatements(tx);
            try {
              return await callback(tx);
            } finally {
              open = null;
            }
          });
      }
      const value = Reflect.get(target, name, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  // pglite-prisma-adapter is typed against an older @prisma/driver-adapter-utils than Prisma 6.19's;
  // the runtime contract is the same (exercised by every test on embedded PostgreSQL).
  const adapter = new PrismaPGlite(noting) as unknown as ConstructorParameters<typeof PrismaClient>[0] extends infer O
    ? O extends { adapter?: infer A } ? NonNullable<A> : never
    : never;
  return database(target, new PrismaClient({ adapter }), {
    exec: (text) => pglite.exec(text),
    statements: pgliteStatements(pglite),
    async connectionOf() {
      if (!open) throw lostConnection();
      return open;
    },
    end: async () => {
      if (!pglite.closed) await pglite.close();
    },
  });
}
