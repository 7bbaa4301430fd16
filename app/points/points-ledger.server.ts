// Appends points ledger entries and keeps each member's cached balance in step, inside the caller's
// transaction. The member row is locked (INSERT … ON CONFLICT DO UPDATE takes the row lock) before the
// entry is written, so a check against the balance and the write that depends on it see the same state.
import { Prisma, type PrismaClient } from "@prisma/client";
import { sqlOf, utcTextColumn, type SqlStatements } from "~/db/connection.server";
import { EMPTY_BALANCE, entryProblem, foldBalance, sameEntry, type Balance, type CachedBalance, type LedgerEntry, type LedgerEntryKind } from "~/points/domain/ledger";
import { mergeContact, type Contact, type EmailMarketing } from "~/members/contact";

export type Db = PrismaClient | Prisma.TransactionClient;

/** What the shop knows about the customer; only what the members list shows. */
export interface MemberFacts {
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  emailMarketing?: EmailMarketing | null;
  /** The customer's updated_at the contact details describe; null or absent: they only fill blanks. */
  contactAt?: Date | null;
  /** The earliest moment we know the customer existed (their creation or first order). */
  seenAt: Date;
  lastOrderAt?: Date | null;
}

export class LedgerKeyConflictError extends Error {
  override name = "LedgerKeyConflictError";
}

export type AppendOutcome = { outcome: "posted"; memberId: bigint } | { outcome: "duplicate"; memberId: bigint };

// TIMESTAMP(3) columns hold UTC wall time; a text literal ending in Z cast to timestamp keeps that wall
// time whatever the session's time zone is, which a Date parameter (sent as timestamptz) would not.
const ts = (at: Date | null | undefined) => (at ? Prisma.sql`${at.toISOString()}::timestamp(3)` : Prisma.sql`NULL::timestamp(3)`);

/** Creates or updates the member and locks its row until the transaction ends; returns its id. */
export async function lockMember(tx: Db, shop: string, customerId: string, facts: MemberFacts): Promise<bigint> {
  return lockMemberOn(sqlOf(tx), shop, customerId, facts);
}

/** lockMember on plain SQL statements of the caller's transaction. */
export async function lockMemberOn(sql: SqlStatements, shop: string, customerId: string, facts: MemberFacts): Promise<bigint> {
  const ids = await lockMembers(sql, [{ shop, customerId, facts }]);
  return ids.get(memberKey(shop, customerId))!;
}

/**
 * Appends `entry` to the member's ledger (the member row must be locked by this transaction) and folds
 * it into the cached balance. The same entry again is a duplicate (nothing written); a different entry
 * under the same key means the caller worked from stale state and throws, rolling the transaction back.
 */
export async function appendLedgerEntry(tx: Db, shop: string, memberId: bigint, entry: LedgerEntry, actor?: string | null): Promise<AppendOutcome> {
  refuseProblems([entry]);
  // The entry and the cached balance's change in one statement (the change applies only when the entry is new).
  const sql = sqlOf(tx);
  const d = foldBalance(EMPTY_BALANCE, entry);
  const [{ posted }] = await sql.query<{ posted: boolean }>(
    `WITH entry AS (
       INSERT INTO "LedgerEntry" (${ENTRY_COLUMNS}) VALUES (${entryPlaceholders(1)})
       ON CONFLICT ("shop", "idempotencyKey") DO NOTHING
       RETURNING 1),
     balance AS (
       UPDATE "Member" SET ${balanceChange(ENTRY_PARAMS + 1)}
        WHERE "id" = $${ENTRY_MEMBER_PARAM}::bigint AND EXISTS (SELECT 1 FROM entry)
       RETURNING 1)
     SELECT EXISTS (SELECT 1 FROM entry) AS posted`,
    [...entryParams(shop, memberId, entry, actor), ...balanceParams(d)],
  );
  if (posted) return { outcome: "posted", memberId };
  const existing = await storedEntry(sql, shop, entry.key);
  if (existing && sameEntry(existing, entry)) return { outcome: "duplicate", memberId };
  throw new LedgerKeyConflictError(`ledger key ${entry.key} already holds a different entry (stale state); retrying`);
}

/**
 * The optimistic lockMember + appendLedgerEntry, one statement outside any transaction: the entry is appended
 * (and the cached balance changed) only if the member's row is still as `seen` — no entry added and no balance
 * change since the caller read it and decided (a balance check, say). False when it changed: read again and
 * decide again. `also(first)` adds a statement run in the same write only when the entry is (its parameters
 * numbered from `first`; it selects `FROM changed`, the member's row as changed), e.g. the row the entry pays
 * for. A key already in the ledger fails the statement (unique violation): nothing is written.
 */
export async function appendIfUnchanged(
  sql: SqlStatements,
  shop: string,
  seen: { id: bigint; entryCount: number; points: number },
  entry: LedgerEntry,
  also?: (first: number) => { sql: string; params: unknown[] },
): Promise<boolean> {
  refuseProblems([entry]);
  const d = foldBalance(EMPTY_BALANCE, entry);
  const params: unknown[] = [...entryParams(shop, seen.id, entry), ...balanceParams(d), seen.entryCount, seen.points];
  const guard = ENTRY_PARAMS + BALANCE_PARAMS + 1;
  const extra = also?.(params.length + 1);
  const [{ written }] = await sql.query<{ written: number }>(
    `WITH changed AS (
       UPDATE "Member" SET ${balanceChange(ENTRY_PARAMS + 1)}
        WHERE "id" = $${ENTRY_MEMBER_PARAM}::bigint AND "entryCount" = $${guard}::int AND "points" = $${guard + 1}::int
       RETURNING "id"),
     entry AS (
       INSERT INTO "LedgerEntry" (${ENTRY_COLUMNS}) SELECT ${entryPlaceholders(1)} FROM changed
       RETURNING 1)${extra ? `,
     also AS (${extra.sql})` : ""}
     SELECT count(*)::int AS written FROM changed`,
    [...params, ...(extra?.params ?? [])],
  );
  return written === 1;
}

// The ledger's columns as every statement here writes them, and one entry's values as the single-entry ones do.
const ENTRY_COLUMNS = `"shop", "memberId", "customerId", "idempotencyKey", "kind", "points", "at", "availableAt", "orderId", "orderCreatedAt", "lotKey", "reason", "actor"`;
const ENTRY_PARAMS = 13;
/** entryParams' second value, the member's id, when they are numbered from 1. */
const ENTRY_MEMBER_PARAM = 2;
const entryPlaceholders = (first: number) =>
  ["", "::bigint", "", "", "", "::int", "::timestamp(3)", "::timestamp(3)", "", "::timestamp(3)", "", "", ""].map((cast, i) => `$${first + i}${cast}`).join(", ");
const entryParams = (shop: string, memberId: bigint, entry: LedgerEntry, actor?: string | null): unknown[] => [
  shop, String(memberId), entry.customerId, entry.key, entry.kind, entry.points, utcText(entry.at), utcText(entry.availableAt),
  entry.orderId ?? null, utcText(entry.orderCreatedAt), entry.lotKey ?? null, entry.reason ?? null, actor ?? entry.staffId ?? null,
];
// The cached balance's change by one entry (foldBalance's), from parameter `first` on.
const BALANCE_PARAMS = 4;
const balanceChange = (first: number) =>
  `"points" = "points" + $${first}::int, "lifetimeEarned" = "lifetimeEarned" + $${first + 1}::int,
   "lifetimeRedeemed" = "lifetimeRedeemed" + $${first + 2}::int, "expired" = "expired" + $${first + 3}::int, "entryCount" = "entryCount" + 1`;
const balanceParams = (d: CachedBalance): unknown[] => [d.points, d.lifetimeEarned, d.lifetimeRedeemed, d.expired];

/** The entry stored under `key`, read with plain SQL (times as UTC text: the drivers type them differently). */
async function storedEntry(sql: SqlStatements, shop: string, key: string): Promise<LedgerEntry | null> {
  const [row] = await sql.query<{ kind: string; customerId: string; points: number; at: string; availableAt: string; orderId: string | null; orderCreatedAt: string | null; lotKey: string | null; reason: string | null; actor: string | null }>(
    `SELECT "kind", "customerId", "points", ${utcTextColumn("at")}, ${utcTextColumn("availableAt")}, "orderId", ${utcTextColumn("orderCreatedAt")}, "lotKey", "reason", "actor"
       FROM "LedgerEntry" WHERE "shop" = $1 AND "idempotencyKey" = $2`,
    [shop, key],
  );
  if (!row) return null;
  return ledgerEntryFromRow({
    ...row,
    idempotencyKey: key,
    at: new Date(row.at),
    availableAt: new Date(row.availableAt),
    orderCreatedAt: row.orderCreatedAt ? new Date(row.orderCreatedAt) : null,
  });
}

type LedgerRow = Prisma.LedgerEntryGetPayload<object>;

export function ledgerEntryFromRow(row: Pick<LedgerRow, "idempotencyKey" | "kind" | "customerId" | "points" | "at" | "availableAt" | "orderId" | "orderCreatedAt" | "lotKey" | "reason" | "actor">): LedgerEntry {
  return {
    key: row.idempotencyKey,
    kind: row.kind as LedgerEntryKind,
    customerId: row.customerId,
    points: row.points,
    at: row.at,
    availableAt: row.availableAt,
    ...(row.orderId ? { orderId: row.orderId } : {}),
    ...(row.orderCreatedAt ? { orderCreatedAt: row.orderCreatedAt } : {}),
    ...(row.lotKey ? { lotKey: row.lotKey } : {}),
    ...(row.reason ? { reason: row.reason } : {}),
    ...(row.actor ? { staffId: row.actor } : {}),
  };
}

/**
 * The member's balance at `now` from the cached totals plus the sum still in its pending period (the
 * domain's balanceOf: points coming in count once spendable, points going out count at once).
 */
export async function memberBalance(db: Db, member: { id: bigint; shop: string; points: number; lifetimeEarned: number; lifetimeRedeemed: number; expired: number }, now = new Date()): Promise<Balance> {
  const [{ notYet }] = await db.$queryRaw<{ notYet: bigint | null }[]>`
    SELECT SUM("points")::bigint AS "notYet" FROM "LedgerEntry" WHERE "shop" = ${member.shop} AND "memberId" = ${member.id} AND "availableAt" > ${ts(now)}`;
  return balanceWithPending(member, Number(notYet ?? 0));
}

/** A member's balance from its cached totals and the sum of its entries not yet available (see memberBalance). */
export function balanceWithPending(member: { points: number; lifetimeEarned: number; lifetimeRedeemed: number; expired: number }, pendingSum: number): Balance {
  const available = member.points - pendingSum;
  return {
    balance: available + Math.min(0, pendingSum),
    pending: Math.max(0, pendingSum),
    lifetimeEarned: member.lifetimeEarned,
    lifetimeRedeemed: member.lifetimeRedeemed,
    expired: member.expired,
  };
}

// --- many at once (the webhook worker's set-based batches) ----------------------------------------------

export interface MemberTouch {
  shop: string;
  customerId: string;
  facts: MemberFacts;
}

const memberKey = (shop: string, customerId: string) => `${shop}\u0000${customerId}`;
const utcText = (at: Date | null | undefined) => (at ? at.toISOString().slice(0, 23) : null);

/**
 * lockMember for many touches in one statement; returns member ids by `memberKey`. Several touches of one
 * member are folded first exactly as lockMember's upsert would fold them one after another (the last e-mail
 * or name given wins, the earliest seenAt, the latest lastOrderAt). Rows are locked in (shop, customerId)
 * order, so concurrent workers wait for each other instead of deadlocking. `balances` (by memberKey) are
 * added to the touched members' cached totals in the same write.
 */
async function lockMembers(sql: SqlStatements, touches: readonly MemberTouch[], balances?: ReadonlyMap<string, CachedBalance>): Promise<Map<string, bigint>> {
  const folded = new Map<string, MemberTouch & { facts: Required<MemberFacts> }>();
  for (const { shop, customerId, facts } of touches) {
    const key = memberKey(shop, customerId);
    const seen = folded.get(key)?.facts;
    const lastOrderAt = facts.lastOrderAt ?? null;
    const incoming: Contact = {
      email: facts.email ?? null,
      firstName: facts.firstName ?? null,
      lastName: facts.lastName ?? null,
      emailMarketing: facts.emailMarketing ?? null,
      contactAt: facts.contactAt ?? null,
    };
    // Several touches of one member in a batch: the newest description wins, as it does against the row below.
    const contact = seen ? mergeContact(seen, incoming) : incoming;
    folded.set(key, {
      shop,
      customerId,
      facts: {
        ...contact,
        seenAt: seen && seen.seenAt < facts.seenAt ? seen.seenAt : facts.seenAt,
        lastOrderAt: seen?.lastOrderAt && (!lastOrderAt || seen.lastOrderAt > lastOrderAt) ? seen.lastOrderAt : lastOrderAt,
      },
    });
  }
  const list = [...folded.values()].sort((a, b) => compareText(a.shop, b.shop) || compareText(a.customerId, b.customerId));
  const ids = new Map<string, bigint>();
  if (list.length === 0) return ids;
  const rows = await sql.query<{ shop: string; customerId: string; id: string }>(
    `INSERT INTO "Member" ("shop", "customerId", "email", "firstName", "lastName", "emailMarketing", "contactAt", "joinedAt", "lastOrderAt",
                           "points", "lifetimeEarned", "lifetimeRedeemed", "expired", "entryCount")
     SELECT u.shop, u.customer_id, u.email, u.first_name, u.last_name, u.email_marketing, u.contact_at, u.joined_at, u.last_order_at,
            COALESCE(u.points, 0), COALESCE(u.earned, 0), COALESCE(u.redeemed, 0), COALESCE(u.expired, 0), COALESCE(u.entries, 0)
       FROM ROWS FROM (json_to_recordset($1::json)
         AS (shop text, customer_id text, email text, first_name text, last_name text, email_marketing text, contact_at timestamp(3),
             joined_at timestamp(3), last_order_at timestamp(3), points int, earned int, redeemed int, expired int, entries int))
         WITH ORDINALITY AS u(shop, customer_id, email, first_name, last_name, email_marketing, contact_at, joined_at, last_order_at,
                              points, earned, redeemed, expired, entries, n)
      ORDER BY u.n
     ON CONFLICT ("shop", "customerId") DO UPDATE SET
       ${contactColumn("email")},
       ${contactColumn("firstName")},
       ${contactColumn("lastName")},
       ${contactColumn("emailMarketing")},
       "contactAt" = CASE WHEN "Member"."redactedAt" IS NULL THEN GREATEST("Member"."contactAt", EXCLUDED."contactAt") END,
       "joinedAt" = LEAST("Member"."joinedAt", EXCLUDED."joinedAt"),
       "lastOrderAt" = GREATEST("Member"."lastOrderAt", EXCLUDED."lastOrderAt"),
       "points" = "Member"."points" + EXCLUDED."points",
       "lifetimeEarned" = "Member"."lifetimeEarned" + EXCLUDED."lifetimeEarned",
       "lifetimeRedeemed" = "Member"."lifetimeRedeemed" + EXCLUDED."lifetimeRedeemed",
       "expired" = "Member"."expired" + EXCLUDED."expired",
       "entryCount" = "Member"."entryCount" + EXCLUDED."entryCount"
     RETURNING "shop", "customerId", "id"::text AS "id"`,
    [
      JSON.stringify(
        list.map((m) => {
          const b = balances?.get(memberKey(m.shop, m.customerId));
          return {
            shop: m.shop,
            customer_id: m.customerId,
            email: m.facts.email,
            first_name: m.facts.firstName,
            last_name: m.facts.lastName,
            email_marketing: m.facts.emailMarketing,
            contact_at: utcText(m.facts.contactAt),
            joined_at: utcText(m.facts.seenAt),
            last_order_at: utcText(m.facts.lastOrderAt),
            ...(b ? { points: b.points, earned: b.lifetimeEarned, redeemed: b.lifetimeRedeemed, expired: b.expired, entries: b.entryCount } : {}),
          };
        }),
      ),
    ],
  );
  for (const row of rows) ids.set(memberKey(row.shop, row.customerId), BigInt(row.id));
  return ids;
}

/**
 * Enrols the shop's existing customers (the history import's customers export) as members: each created or
 * updated as lockMember would (the newest contact details win, an erased member gets none back, the earliest
 * `seenAt` is the joining date), in one statement. Idempotent: enrolling the same customers again changes
 * nothing. Returns how many rows were written.
 */
export async function enrolMembers(tx: Db, shop: string, customers: readonly { customerId: string; contact: Contact; seenAt: Date }[]): Promise<number> {
  const ids = await lockMembers(sqlOf(tx), customers.map(({ customerId, contact, seenAt }) => ({ shop, customerId, facts: { ...contact, seenAt } })));
  return ids.size;
}

/**
 * Enrols every buyer of the shop's order history as a member and sets each member's last order (and joining
 * date, when the first order is earlier) from it: buyers the customers export did not list (created meanwhile)
 * become members too. In chunks of `chunk` customer ids, each one statement that locks its rows in the order
 * every writer of members locks them. Returns how many buyers it saw.
 *
 * A chunk is a range of customer ids, (after, upto], its end taken from the customers' primary key: the
 * statement reads that range's orders only, whatever the planner believes. (With a chunk given as "the next
 * `chunk` buyers", right after a big import, before the table's statistics knew its size, every chunk read and
 * grouped all the shop's orders: 18 s of a 1 M-order backfill's 84 s, growing with the square of its size.)
 * Every buyer has a customer row (the import writes one), so a range holds about `chunk` buyers; one without
 * (webhook orders of a customer the import never saw) is still in its range, and the last range is open-ended.
 */
export async function enrolHistoryBuyers(db: Db, shop: string, chunk = 5_000): Promise<number> {
  let after = "-1";
  let seen = 0;
  for (;;) {
    const [row] = await sqlOf(db).query<{ upto: string | null; n: number }>(
      `WITH upto AS (
         SELECT "id" FROM "HistoryCustomer" WHERE "shop" = $1 AND "id" > $2::bigint ORDER BY "id" OFFSET $3::int - 1 LIMIT 1),
       buyers AS (
         SELECT "customerId", min("createdAt") AS first, max("createdAt") AS last FROM "HistoryOrder"
          WHERE "shop" = $1 AND "customerId" > $2::bigint
            AND "customerId" <= COALESCE((SELECT "id" FROM upto), 9223372036854775807)
          GROUP BY "customerId"),
       written AS (
         INSERT INTO "Member" ("shop", "customerId", "joinedAt", "lastOrderAt")
         SELECT $1, "customerId"::text, first, last FROM buyers ORDER BY "customerId"::text COLLATE "C"
         ON CONFLICT ("shop", "customerId") DO UPDATE SET
           "joinedAt" = LEAST("Member"."joinedAt", EXCLUDED."joinedAt"),
           "lastOrderAt" = GREATEST("Member"."lastOrderAt", EXCLUDED."lastOrderAt")
         RETURNING 1)
       SELECT (SELECT "id"::text FROM upto) AS upto, (SELECT count(*)::int FROM written) AS n`,
      [shop, after, chunk],
    );
    seen += row.n;
    if (row.upto === null) return seen;
    after = row.upto;
  }
}

/**
 * One contact column of the member upsert, as mergeContact (app/members/contact.ts) decides: an erased member keeps
 * none; details at least as new as the row's win, falling back to the row's; details without a time fill blanks.
 */
function contactColumn(column: "email" | "firstName" | "lastName" | "emailMarketing"): string {
  const c = `"${column}"`;
  return `${c} = CASE WHEN "Member"."redactedAt" IS NOT NULL THEN NULL
      WHEN EXCLUDED."contactAt" IS NOT NULL AND ("Member"."contactAt" IS NULL OR EXCLUDED."contactAt" >= "Member"."contactAt") THEN COALESCE(EXCLUDED.${c}, "Member".${c})
      ELSE COALESCE("Member".${c}, EXCLUDED.${c}) END`;
}

interface EntryToAppend {
  shop: string;
  /** The member's id; its row must be locked by this transaction (lockMembers). */
  memberId: bigint;
  entry: LedgerEntry;
  actor?: string | null;
}

/**
 * lockMembers, then appendLedgerEntry for many entries (each for one of the touched members) in three
 * statements: the upsert that locks the members also adds the balance change of all their entries, as if
 * each were new; one INSERT of the entries; the entries that were in the ledger already are read back and
 * checked with sameEntry (the same entry is a duplicate, a different one a LedgerKeyConflictError) and
 * their change taken back.
 */
export async function lockMembersAndAppend(
  tx: Db,
  touches: readonly MemberTouch[],
  entries: readonly { shop: string; customerId: string; entry: LedgerEntry; actor?: string | null }[],
): Promise<void> {
  refuseProblems(entries.map((e) => e.entry));
  const touched = new Set(touches.map((t) => memberKey(t.shop, t.customerId)));
  const balances = new Map<string, CachedBalance>();
  for (const { shop, customerId, entry } of entries) {
    const key = memberKey(shop, customerId);
    if (!touched.has(key)) throw new Error(`ledger entry ${entry.key} is for customer ${customerId}, who is not among the members touched`);
    balances.set(key, foldBalance(balances.get(key) ?? EMPTY_BALANCE, entry));
  }
  const memberIds = await lockMembers(sqlOf(tx), touches, balances);
  if (entries.length === 0) return;
  const items = entries.map(({ shop, customerId, entry, actor }): EntryToAppend => ({ shop, memberId: memberIds.get(memberKey(shop, customerId))!, entry, actor }));
  const isPosted = await insertEntries(tx, items);
  await checkNotPosted(tx, items, isPosted);
  await takeBackFromBalances(tx, items.filter((_, k) => !isPosted[k]));
}

function refuseProblems(entries: readonly LedgerEntry[]): void {
  for (const entry of entries) {
    const problem = entryProblem(entry);
    if (problem) throw new Error(`ledger entry ${entry.key} refused: ${problem}`);
  }
}

/** Inserts the entries whose keys are new, in (shop, key) order; says for each of `items` whether it was posted. */
async function insertEntries(tx: Db, items: readonly EntryToAppend[]): Promise<boolean[]> {
  const order = items.map((_, i) => i).sort((a, b) => compareText(items[a].shop, items[b].shop) || compareText(items[a].entry.key, items[b].entry.key));
  const sorted = order.map((i) => items[i]);
  const inserted = await sqlOf(tx).query<{ shop: string; idempotencyKey: string }>(
    `INSERT INTO "LedgerEntry" (${ENTRY_COLUMNS})
     SELECT u.shop, u.member_id, u.customer_id, u.key, u.kind, u.points, u.at, u.available_at, u.order_id, u.order_created_at, u.lot_key, u.reason, u.actor
       FROM ROWS FROM (json_to_recordset($1::json)
         AS (shop text, member_id bigint, customer_id text, key text, kind text, points int, at timestamp(3), available_at timestamp(3),
             order_id text, order_created_at timestamp(3), lot_key text, reason text, actor text))
         WITH ORDINALITY AS u(shop, member_id, customer_id, key, kind, points, at, available_at, order_id, order_created_at, lot_key, reason, actor, n)
      ORDER BY u.n
     ON CONFLICT ("shop", "idempotencyKey") DO NOTHING
     RETURNING "shop", "idempotencyKey"`,
    [
      JSON.stringify(
        sorted.map((i) => ({
          shop: i.shop,
          member_id: String(i.memberId),
          customer_id: i.entry.customerId,
          key: i.entry.key,
          kind: i.entry.kind,
          points: i.entry.points,
          at: utcText(i.entry.at),
          available_at: utcText(i.entry.availableAt),
          order_id: i.entry.orderId ?? null,
          order_created_at: utcText(i.entry.orderCreatedAt),
          lot_key: i.entry.lotKey ?? null,
          reason: i.entry.reason ?? null,
          actor: i.actor ?? i.entry.staffId ?? null,
        })),
      ),
    ],
  );
  const written = new Set(inserted.map((r) => memberKey(r.shop, r.idempotencyKey)));
  // A key given twice in `items` is inserted once; the later copy is then checked like any existing entry.
  const posted = new Set<string>();
  return items.map((i) => {
    const key = memberKey(i.shop, i.entry.key);
    if (!written.has(key) || posted.has(key)) return false;
    posted.add(key);
    return true;
  });
}

/** An entry that was not posted must be the one stored under its key (a duplicate); else the caller worked from stale state. */
async function checkNotPosted(tx: Db, items: readonly EntryToAppend[], isPosted: readonly boolean[]): Promise<void> {
  const others = items.filter((_, k) => !isPosted[k]);
  if (others.length === 0) return;
  const existing = await tx.ledgerEntry.findMany({
    where: { OR: [...groupBy(others, (i) => i.shop)].map(([shop, list]) => ({ shop, idempotencyKey: { in: list.map((i) => i.entry.key) } })) },
  });
  const byKey = new Map(existing.map((row) => [memberKey(row.shop, row.idempotencyKey), ledgerEntryFromRow(row)]));
  for (const i of others) {
    const stored = byKey.get(memberKey(i.shop, i.entry.key));
    if (!stored || !sameEntry(stored, i.entry)) {
      throw new LedgerKeyConflictError(`ledger key ${i.entry.key} already holds a different entry (stale state); retrying`);
    }
  }
}

/** Takes the entries' balance changes back from their members' cached totals. */
async function takeBackFromBalances(tx: Db, items: readonly EntryToAppend[]): Promise<void> {
  const deltas = new Map<bigint, CachedBalance>();
  for (const i of items) deltas.set(i.memberId, foldBalance(deltas.get(i.memberId) ?? EMPTY_BALANCE, i.entry));
  if (deltas.size === 0) return;
  const list = [...deltas].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  await sqlOf(tx).execute(
    `UPDATE "Member" m SET "points" = m."points" + u.points, "lifetimeEarned" = m."lifetimeEarned" + u.earned,
       "lifetimeRedeemed" = m."lifetimeRedeemed" + u.redeemed, "expired" = m."expired" + u.expired, "entryCount" = m."entryCount" + u.entries
       FROM json_to_recordset($1::json) AS u(id bigint, points int, earned int, redeemed int, expired int, entries int)
      WHERE m."id" = u.id`,
    [
      JSON.stringify(
        list.map(([id, d]) => ({
          id: String(id),
          points: -d.points,
          earned: -d.lifetimeEarned,
          redeemed: -d.lifetimeRedeemed,
          expired: -d.expired,
          entries: -d.entryCount,
        })),
      ),
    ],
  );
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const list = groups.get(key);
    if (list) list.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

/** Code-unit order: only used to make the lock order the same in every worker. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
