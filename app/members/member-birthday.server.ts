// Members' birthdays, set by the customer (extension endpoint) or by staff (member page). Stored as "MM-DD".
import type { PrismaClient } from "@prisma/client";
import { formatBirthday, parseBirthday } from "~/points/domain/birthday";
import { lockMember } from "~/points/points-ledger.server";

export type SetBirthdayResult = { ok: true; birthday: string } | { ok: false; code: "invalidBirthday" | "memberNotFound" | "redacted" };

/** Stores the customer's birthday, making them a member if they are not one yet. */
export async function setCustomerBirthday(db: PrismaClient, shop: string, customerId: string, text: string, now = new Date()): Promise<SetBirthdayResult> {
  const birthday = parseBirthday(text);
  if (!birthday) return { ok: false, code: "invalidBirthday" };
  const stored = formatBirthday(birthday);
  return db.$transaction(async (tx) => {
    const memberId = await lockMember(tx, shop, customerId, { seenAt: now });
    const member = await tx.member.findUniqueOrThrow({ where: { id: memberId }, select: { redactedAt: true } });
    // A customer whose data was erased on request is not written to again.
    if (member.redactedAt) return { ok: false as const, code: "redacted" as const };
    await tx.member.update({ where: { id: memberId }, data: { birthday: stored } });
    return { ok: true as const, birthday: stored };
  });
}

/** Staff set or clear (empty text) a member's birthday on the member page. */
export async function setMemberBirthday(db: PrismaClient, shop: string, memberId: bigint, text: string): Promise<SetBirthdayResult> {
  const trimmed = text.trim();
  const birthday = trimmed === "" ? null : parseBirthday(trimmed);
  if (trimmed !== "" && !birthday) return { ok: false, code: "invalidBirthday" };
  const stored = birthday ? formatBirthday(birthday) : null;
  const updated = await db.member.updateMany({ where: { id: memberId, shop, redactedAt: null }, data: { birthday: stored } });
  if (updated.count === 0) return { ok: false, code: "memberNotFound" };
  return { ok: true, birthday: stored ?? "" };
}
