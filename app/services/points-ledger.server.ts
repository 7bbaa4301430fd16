// Appends points ledger entries and keeps each member's cached balance in step, inside the caller's
// transaction. The member row is locked (INSERT … ON CONFLICT DO UPDATE takes the row lock) before the
// entry is written, so a check against the balance and the write that depends on it see the same state.
import { Prisma, type PrismaClient } from "@prisma/client";
import { EMPTY_BALANCE, entryProblem, foldBalance, sameEntry, type Balance, type LedgerEntry, type LedgerEntryKind } from "~/domain/points/ledger";

export type Db = PrismaClient | Prisma.TransactionClient;

/** What the shop knows about the customer; only what the members list shows. */
export interface MemberFacts {
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
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
  const rows = await tx.$queryRaw<{ id: bigint }[]>`
    INSERT INTO "Member" ("shop", "customerId", "email", "firstName", "lastName", "joinedAt", "lastOrderAt")
    VALUES (${shop}, ${customerId}, ${facts.email ?? null}, ${facts.firstName ?? null}, ${facts.lastName ?? null}, ${ts(facts.seenAt)}, ${ts(facts.lastOrderAt)})
    ON CONFLICT ("shop", "customerId") DO UPDATE SET
      "email" = CASE WHEN "Member"."redactedAt" IS NULL THEN COALESCE(EXCLUDED."email", "Member"."email") END,
      "firstName" = CASE WHEN "Member"."redactedAt" IS NULL THEN COALESCE(EXCLUDED."firstName", "Member"."firstName") END,
      "lastName" = CASE WHEN "Member"."redactedAt" IS NULL THEN COALESCE(EXCLUDED."lastName", "Member"."lastName") END,
      "joinedAt" = LEAST("Member"."joinedAt", EXCLUDED."joinedAt"),
      "lastOrderAt" = GREATEST("Member"."lastOrderAt", EXCLUDED."lastOrderAt")
    RETURNING "id"`;
  return rows[0].id;
}

/**
 * Appends `entry` to the member's ledger (the member row must be locked by this transaction) and folds
 * it into the cached balance. The same entry again is a duplicate (nothing written); a different entry
 * under the same key means the caller worked from stale state and throws, rolling the transaction back.
 */
export async function appendLedgerEntry(tx: Db, shop: string, memberId: bigint, entry: LedgerEntry, actor?: string | null): Promise<AppendOutcome> {
  const problem = entryProblem(entry);
  if (problem) throw new Error(`ledger entry ${entry.key} refused: ${problem}`);
  const inserted = await tx.$queryRaw<{ id: bigint }[]>`
    INSERT INTO "LedgerEntry" ("shop", "memberId", "customerId", "idempotencyKey", "kind", "points", "at", "availableAt", "orderId", "orderCreatedAt", "lotKey", "reason", "actor")
    VALUES (${shop}, ${memberId}, ${entry.customerId}, ${entry.key}, ${entry.kind}, ${entry.points}, ${ts(entry.at)}, ${ts(entry.availableAt)},
            ${entry.orderId ?? null}, ${ts(entry.orderCreatedAt)}, ${entry.lotKey ?? null}, ${entry.reason ?? null}, ${actor ?? entry.staffId ?? null})
    ON CONFLICT ("shop", "idempotencyKey") DO NOTHING
    RETURNING "id"`;
  if (inserted.length === 0) {
    const existing = await tx.ledgerEntry.findUniqueOrThrow({ where: { shop_idempotencyKey: { shop, idempotencyKey: entry.key } } });
    if (sameEntry(ledgerEntryFromRow(existing), entry)) return { outcome: "duplicate", memberId };
    throw new LedgerKeyConflictError(`ledger key ${entry.key} already holds a different entry (stale state); retrying`);
  }
  const d = foldBalance(EMPTY_BALANCE, entry);
  await tx.$executeRaw`
    UPDATE "Member" SET "points" = "points" + ${d.points}, "lifetimeEarned" = "lifetimeEarned" + ${d.lifetimeEarned},
      "lifetimeRedeemed" = "lifetimeRedeemed" + ${d.lifetimeRedeemed}, "expired" = "expired" + ${d.expired},
      "entryCount" = "entryCount" + 1
    WHERE "id" = ${memberId}`;
  return { outcome: "posted", memberId };
}

type LedgerRow = Prisma.LedgerEntryGetPayload<object>;

export function ledgerEntryFromRow(row: LedgerRow): LedgerEntry {
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
  const pendingSum = Number(notYet ?? 0);
  const available = member.points - pendingSum;
  return {
    balance: available + Math.min(0, pendingSum),
    pending: Math.max(0, pendingSum),
    lifetimeEarned: member.lifetimeEarned,
    lifetimeRedeemed: member.lifetimeRedeemed,
    expired: member.expired,
  };
}
