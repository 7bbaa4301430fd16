// Shopify Flow actions the app serves (extensions/treue-flow-*): the request check and what each run does.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { adjustMemberPoints } from "~/members/members-directory.server";
import { lockMember } from "~/points/points-ledger.server";
import { MAX_SEGMENT_BONUS_POINTS } from "~/points/domain/segment-bonus";

/** Flow signs an action request as webhooks are signed: base64 HMAC-SHA256 of the raw body with the app secret. */
export function flowSignatureValid(body: string, header: string | null, secret: string): boolean {
  if (!header) return false;
  const expected = Buffer.from(createHmac("sha256", secret).update(body, "utf8").digest("base64"));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export type FlowAwardResult =
  | { code: "ok"; balance: number; duplicate: boolean }
  | { code: "insufficientPoints"; balance: number }
  | { code: "zero" }
  | { code: "tooMany"; max: number }
  | { code: "notInstalled" };

/**
 * One run of "Award or deduct points": a manual ledger entry keyed by the run (Flow's retries of a run are one
 * entry), with the merchant's reason. The customer becomes a member if they were not one.
 */
export async function awardPointsFromFlow(
  prisma: PrismaClient,
  input: { shop: string; runId: string; customerId: string; points: number; reason: string },
  now = new Date(),
): Promise<FlowAwardResult> {
  if (input.points === 0) return { code: "zero" };
  if (Math.abs(input.points) > MAX_SEGMENT_BONUS_POINTS) return { code: "tooMany", max: MAX_SEGMENT_BONUS_POINTS };
  const shop = await prisma.shop.findUnique({ where: { domain: input.shop }, select: { uninstalledAt: true } });
  if (!shop || shop.uninstalledAt) return { code: "notInstalled" };
  const memberId = await prisma.$transaction((tx) => lockMember(tx, input.shop, input.customerId, { seenAt: now }));
  const result = await adjustMemberPoints(prisma, input.shop, { memberId, points: input.points, reason: `Shopify Flow: ${input.reason}`, requestId: `flow-${input.runId}`, staffId: null }, now);
  if (result.ok) return { code: "ok", balance: result.balance, duplicate: result.duplicate };
  if (result.code === "insufficientPoints") return { code: "insufficientPoints", balance: result.balance ?? 0 };
  // The member was created above; a member not found now means the shop's data was erased meanwhile.
  return { code: "notInstalled" };
}
