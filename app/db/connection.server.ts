// Opens the PostgreSQL database named by DATABASE_URL (postgres:// or postgresql://): the Rust-free Prisma client
// on a node-postgres pool, and plain SQL on the same pool and on a transaction's own connection.
import { randomUUID } from "node:crypto";
import { PrismaClient, type Prisma } from "@prisma/client";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";

export type DatabaseTarget = { kind: "postgres"; url: string };

export function databaseTarget(databaseUrl: string | undefined): DatabaseTarget {
  const url = databaseUrl?.trim();
  if (!url) {
    throw new Error(
      "DATABASE_URL is not set: Treue keeps its data in PostgreSQL, postgresql://user:password@host:5432/database " +
        "(npm run demo and npm test start one of their own).",
    );
  }
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: "postgres", url };
  throw new Error(`DATABASE_URL must start with postgresql:// (got "${url.split(":")[0]}:...").`);
}

/** Runs plain SQL (several statements allowed) — what the migration runner needs. */
export interface SqlRunner {
  exec(sql: string): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * A timestamp(3) column (UTC wall time) selected as ISO text ending in Z, `AS` its own name or `as`, from table
 * alias `from` if given: how statements through SqlStatements read times (pg and Prisma type them differently).
 */
export function utcTextColumn(column: string, { from, as = column }: { from?: string; as?: string } = {}): string {
  return `to_char(${from ? `${from}.` : ""}"${column}", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "${as}"`;
}

/**
 * One SQL statement at a time with parameters, on a connection the caller already has: the one of a
 * transaction (sqlOf(tx)) or the pool. pg and Prisma type result columns differently (pg returns int8 as
 * text, Prisma as bigint; timestamps without zone become local-time Dates in pg), so statements run through
 * this return only text, int4, boolean and json(b) columns, cast in SQL.
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
  /**
   * A transaction of plain SQL only, on a pool client (BEGIN … COMMIT, ROLLBACK when `fn` throws): no Prisma
   * machinery, for hot paths whose every statement is plain SQL (a redemption). Each statement may run at most
   * `statementTimeoutMs` (default 5 s, as Prisma's transactions), so a lock wait cannot hold a request forever.
   */
  sqlTransaction<T>(fn: (sql: SqlStatements) => Promise<T>, options?: { statementTimeoutMs?: number }): Promise<T>;
  /**
   * Plain SQL on one connection for the whole callback (`sql` runs each statement on any of the pool's): what
   * session state needs, such as the migration runner's advisory lock and its BEGIN … COMMIT scripts. Behind a
   * transaction pooler a session is not kept: run migrations on a direct connection (DIRECT_DATABASE_URL).
   */
  session<T>(fn: (sql: SqlRunner) => Promise<T>): Promise<T>;
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

/**
 * A transaction in which sqlOf(tx) is plain SQL on the transaction's own connection when the client came from
 * openDatabase (the app's and the tests'), else Prisma's raw queries: big parameter arrays (a batch of 1,000
 * orders) cost several times more Node CPU through Prisma than through pg.
 */
export function transactionOn<T>(prisma: PrismaClient, fn: (tx: Prisma.TransactionClient) => Promise<T>, options?: TransactionOptions): Promise<T> {
  const known = databaseOfClient.get(prisma);
  return known ? known.db.transaction((tx) => fn(tx), options) : prisma.$transaction(fn, options);
}

/**
 * A plain-SQL transaction (Database.sqlTransaction) when the client came from openDatabase, else Prisma's
 * transaction with its raw queries (same statements, slower).
 */
export function sqlTransactionOn<T>(prisma: PrismaClient, fn: (sql: SqlStatements) => Promise<T>): Promise<T> {
  const known = databaseOfClient.get(prisma);
  return known ? known.db.sqlTransaction(fn) : prisma.$transaction((tx) => fn(sqlOf(tx)));
}

/** A statement refused for a duplicate key (23505): through pg, or through Prisma (raw query or model call). */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; meta?: { code?: unknown } } | null;
  return e?.code === "23505" || e?.code === "P2002" || (e?.code === "P2010" && e.meta?.code === "23505");
}

/** The database a client from openDatabase belongs to. */
export function databaseOf(prisma: PrismaClient): Database {
  const known = databaseOfClient.get(prisma);
  if (!known) throw new Error("this Prisma client was not opened with openDatabase");
  return known.db;
}

/** The statements of a pg client or pool (both answer query(text, values)). */
function pgStatements(client: Pick<pg.Pool, "query">): SqlStatements {
  return {
    query: async (text, params) => (await client.query(text, params)).rows,
    execute: async (text, params) => (await client.query(text, params)).rowCount ?? 0,
  };
}

// Without the transaction's own connection its statements would run on another one, outside the transaction.
const lostConnection = () => new Error("Prisma ran this transaction on a connection that is not one of the database's pool");

/**
 * How a Database.transaction finds the pool client Prisma's adapter took for it: its first statement is this
 * one with a fresh token, and every pool client notes the token it was asked to select. Nothing here depends on
 * which server connection the client reaches (a transaction pooler such as PgBouncer hands each transaction
 * another one, under a process id of its own), and nothing is kept per async context (an AsyncLocalStorage
 * turns on promise hooks for every promise in the process on Node 22: decision 015).
 */
const MARKER_SQL = "SELECT $1::text AS treue_transaction";

export interface OpenDatabaseOptions {
  /** Called with each new pool client (tests make clients look as a pooler's do). */
  onConnect?: (client: pg.PoolClient) => void;
}

export async function openDatabase(target: DatabaseTarget, options: OpenDatabaseOptions = {}): Promise<Database> {
  const pool = new pg.Pool({ connectionString: target.url, max: 10 });
  const marked = new Map<string, pg.PoolClient>();
  // A connection the server ends (restart, failover, a dropped database) emits "error" on the pool when it
  // is idle and on the client itself while it is in use or closing; without listeners Node treats that as
  // an uncaught exception and the whole app stops. The query that used it fails on its own.
  const lost = (error: Error) => console.error(`[treue] database connection ended: ${error.message}`);
  pool.on("error", lost);
  pool.on("connect", (client) => {
    client.on("error", lost);
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    client.query = ((...args: unknown[]) => {
      const config = args[0] as string | { text?: string; values?: unknown[] } | undefined;
      if (typeof config === "object" && config?.text === MARKER_SQL) {
        const values = Array.isArray(args[1]) ? args[1] : config.values;
        marked.set(String(values?.[0]), client);
      }
      return query(...args);
    }) as typeof client.query;
    options.onConnect?.(client);
  });

  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  const statements = pgStatements(pool);
  const db: Database = {
    target,
    prisma,
    sql: {
      async exec(text) {
        await pool.query(text);
      },
      query: (text, params) => statements.query(text, params),
      async close() {},
    },
    transaction(fn, transactionOptions) {
      return prisma.$transaction(async (tx) => {
        const token = randomUUID();
        await tx.$queryRawUnsafe(MARKER_SQL, token);
        const client = marked.get(token);
        marked.delete(token);
        if (!client) throw lostConnection();
        const own = pgStatements(client);
        sqlOfTransaction.set(tx, own);
        return fn(tx, own);
      }, transactionOptions);
    },
    async sqlTransaction(fn, { statementTimeoutMs = 5_000 } = {}) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        // One round trip: SET LOCAL ends with the transaction (also behind a transaction pooler).
        await client.query(`BEGIN; SET LOCAL statement_timeout = ${Math.max(1, Math.trunc(statementTimeoutMs))}`);
        const result = await fn(pgStatements(client));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch((rollbackError: Error) => {
          // A connection that cannot roll back must not go back to the pool.
          broken = rollbackError;
        });
        throw error;
      } finally {
        client.release(broken);
      }
    },
    async session(fn) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        return await fn({
          async exec(text) {
            await client.query(text);
          },
          query: async (text, params) => (await client.query(text, params)).rows,
          async close() {},
        });
      } catch (error) {
        // A connection left inside a failed transaction must not go back to the pool.
        broken = error as Error;
        throw error;
      } finally {
        client.release(broken);
      }
    },
    async close() {
      await prisma.$disconnect();
      await pool.end().catch(() => {});
    },
  };
  databaseOfClient.set(prisma, { db, statements });
  return db;
}
