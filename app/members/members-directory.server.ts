// The admin's view of members: the searchable list, one member's ledger, and staff adjustments.
import { Prisma, type PrismaClient } from "@prisma/client";
import { ledgerKeys } from "~/points/domain/ledger";
import { appendLedgerEntry, memberBalance } from "~/points/points-ledger.server";

export const MEMBERS_PAGE_SIZE = 25;

export interface MemberListRow {
  id: string;
  customerId: string;
  email: string | null;
  name: string | null;
  points: number;
  tierId: string | null;
  lastOrderAt: string | null;
}

/** Members matching `query` (email or name, case-insensitive, or the customer id), most recent buyers first. */
export async function listMembers(prisma: PrismaClient, shop: string, opts: { query?: string; page?: number } = {}) {
  const page = Math.max(1, opts.page ?? 1);
  const q = opts.query?.trim() ?? "";
  const idOfGid = /^(?:gid:\/\/shopify\/Customer\/)?(\d+)$/.exec(q)?.[1];
  const where: Prisma.MemberWhereInput = { shop };
  if (idOfGid) where.customerId = idOfGid;
  else if (q) {
    where.OR = [
      { email: { contains: q, mode: "insensitive" } },
      { firstName: { contains: q, mode: "insensitive" } },
      { lastName: { contains: q, mode: "insensitive" } },
    ];
  }
  const rows = await prisma.member.findMany({
    where,
    orderBy: [{ lastOrderAt: { sort: "desc", nulls: "last" } }, { id: "desc" }],
    skip: (page - 1) * MEMBERS_PAGE_SIZE,
    take: MEMBERS_PAGE_SIZE + 1, // one more tells whether there is a next page without counting them all
  });
  return {
    page,
    hasNext: rows.length > MEMBERS_PAGE_SIZE,
    members: rows.slice(0, MEMBERS_PAGE_SIZE).map(
      (m): MemberListRow => ({
        id: String(m.id),
        customerId: m.customerId,
        email: m.email,
        name: [m.firstName, m.lastName].filter(Boolean).join(" ") || null,
        points: m.points,
        tierId: m.tierId,
        lastOrderAt: m.lastOrderAt?.toISOString() ?? null,
      }),
    ),
  };
}

/** One member with their balance and their newest ledger entries, or null if not in this shop. */
export async function memberWithLedger(prisma: PrismaClient, shop: string, memberId: bigint, limit = 200) {
  const member = await prisma.member.findFirst({ where: { shop, id: memberId } });
  if (!member) return null;
  const [balance, entries] = await Promise.all([
    memberBalance(prisma, member),
    prisma.ledgerEntry.findMany({ where: { shop, memberId }, orderBy: { id: "desc" }, take: limit }),
  ]);
  // Orders by the name merchants know them by ("#1001"), from the points engine's newest snapshot of each.
  const orderIds = [...new Set(entries.flatMap((e) => (e.orderId ? [e.orderId] : [])))];
  const named = orderIds.length
    ? await prisma.$queryRawUnsafe<{ orderId: string; name: string | null }[]>(
        `SELECT "orderId", "newest" ->> 'name' AS name FROM "OrderPoints" WHERE "shop" = $1 AND "orderId" = ANY($2::text[])`,
        shop,
        orderIds,
      )
    : [];
  const orderNames = new Map(named.flatMap((r) => (r.name ? [[r.orderId, r.name] as const] : [])));
  return {
    member: {
      id: String(member.id),
      customerId: member.customerId,
      email: member.email,
      name: [member.firstName, member.lastName].filter(Boolean).join(" ") || null,
      tierId: member.tierId,
      tierPeriodEnd: member.tierPeriodEnd?.toISOString() ?? null,
      birthday: member.birthday,
      joinedAt: member.joinedAt.toISOString(),
      lastOrderAt: member.lastOrderAt?.toISOString() ?? null,
      redacted: member.redactedAt !== null,
    },
    balance,
    entries: entries.map((e) => ({
      id: String(e.id),
      key: e.idempotencyKey,
      kind: e.kind,
      points: e.points,
      at: e.at.toISOString(),
      availableAt: e.availableAt.toISOString(),
      orderId: e.orderId,
      orderName: e.orderId ? (orderNames.get(e.orderId) ?? null) : null,
      reason: e.reason,
      actor: e.actor,
    })),
  };
}

export type AdjustmentResult =
  | { ok: true; duplicate: boolean; balance: number }
  | { ok: false; code: "memberNotFound" | "insufficientPoints"; balance?: number };

/**
 * A staff adjustment: a `manual` ledger entry keyed by the form's request id (a double submit is one
 * adjustment). A deduction may not take the spendable balance below zero; the check and the write happen
 * under the member row's lock in one transaction.
 */
export async function adjustMemberPoints(
  prisma: PrismaClient,
  shop: string,
  input: { memberId: bigint; points: number; reason: string; requestId: string; staffId: string | null },
  now = new Date(),
): Promise<AdjustmentResult> {
  return prisma.$transaction(async (tx) => {
    const [member] = await tx.$queryRaw<{ id: bigint; shop: string; customerId: string; points: number; lifetimeEarned: number; lifetimeRedeemed: number; expired: number }[]>`
      SELECT "id", "shop", "customerId", "points", "lifetimeEarned", "lifetimeRedeemed", "expired" FROM "Member"
      WHERE "shop" = ${shop} AND "id" = ${input.memberId} FOR UPDATE`;
    if (!member) return { ok: false, code: "memberNotFound" } as const;
    const before = await memberBalance(tx, member, now);
    const key = ledgerKeys.manual(input.requestId);
    const replay = await tx.ledgerEntry.findUnique({ where: { shop_idempotencyKey: { shop, idempotencyKey: key } }, select: { id: true } });
    // A double submit: the first one counted; its entry (dated when it was made) is not written again.
    if (replay) return { ok: true, duplicate: true, balance: before.balance } as const;
    if (input.points < 0 && before.balance + input.points < 0) return { ok: false, code: "insufficientPoints", balance: before.balance } as const;
    await appendLedgerEntry(
      tx,
      shop,
      member.id,
      { key, kind: "manual", customerId: member.customerId, points: input.points, at: now, availableAt: now, reason: input.reason, ...(input.staffId ? { staffId: input.staffId } : {}) },
      input.staffId,
    );
    const after = await tx.member.findUniqueOrThrow({ where: { id: member.id } });
    return { ok: true, duplicate: false, balance: (await memberBalance(tx, after, now)).balance } as const;
  });
}
