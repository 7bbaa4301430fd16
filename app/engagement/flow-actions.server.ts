// Shopify Flow actions the app serves (extensions/treue-flow-*): the request check and what each run does.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { json } from "@remix-run/node";
import { z } from "zod";
import { env } from "~/env.server";
import { loadLoyaltyProgram } from "~/points/loyalty-program.server";
import { addDays } from "~/points/domain/time";
import { adjustMemberPoints } from "~/members/members-directory.server";
import { lockMember } from "~/points/points-ledger.server";
import { MAX_SEGMENT_BONUS_POINTS } from "~/points/domain/segment-bonus";
import { setTierSource } from "./tier-events.server";

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

/** The answer to anything but Flow's POST of a run (the action routes' GET and other methods). */
export function flowActionNotAllowed(): Response {
  return json({ error: { code: "METHOD_NOT_ALLOWED", message: "Shopify Flow POSTs action runs here" } }, { status: 405, headers: { Allow: "POST" } });
}

/** A Flow action run: the body Flow POSTs, with the action's own properties. */
export type FlowRun<P> = { shop: string; runId: string; properties: P };

/**
 * The run of a Flow action request, or the answer to give instead: 401 when the body is not signed with the app
 * secret (checked before the body is parsed), 400 naming what does not fit `properties`.
 */
export async function readFlowRun<P extends z.ZodTypeAny>(request: Request, properties: P): Promise<{ run: FlowRun<z.infer<P>> } | { answer: Response }> {
  if (request.method !== "POST") return { answer: flowActionNotAllowed() };
  const body = await request.text();
  if (!flowSignatureValid(body, request.headers.get("x-shopify-hmac-sha256"), env().SHOPIFY_API_SECRET)) {
    return { answer: json({ error: { code: "UNAUTHORIZED", message: "The request is not signed by Shopify Flow" } }, { status: 401 }) };
  }
  const schema = z.object({ shopify_domain: z.string().min(1), action_run_id: z.string().min(1).max(200), properties });
  let parsed: z.infer<typeof schema>;
  try {
    parsed = schema.parse(JSON.parse(body));
  } catch (error) {
    const detail = error instanceof z.ZodError ? error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") : "the body is not JSON";
    return { answer: json({ error: { code: "BAD_REQUEST", message: `Not a run of this action: ${detail}` } }, { status: 400 }) };
  }
  return { run: { shop: parsed.shopify_domain, runId: parsed.action_run_id, properties: parsed.properties } };
}

export const flowCustomerId = z.union([z.number().int().positive(), z.string().regex(/^\d{1,20}$/)]).transform(String);

export type FlowTierResult = { code: "ok"; tier: string | null } | { code: "unknownTier"; tiers: string[] } | { code: "notInstalled" };

/**
 * One run of "Set VIP tier": the member gets the tier named (by name, any case, or id; "none" takes the tier away)
 * for one tier window from now, as an imported tier does; the tier review then carries on from there. Running it
 * again sets the same tier again: the same outcome however often Flow sends it.
 */
export async function setTierFromFlow(prisma: PrismaClient, input: { shop: string; customerId: string; tier: string }, now = new Date()): Promise<FlowTierResult> {
  const shop = await prisma.shop.findUnique({ where: { domain: input.shop }, select: { uninstalledAt: true } });
  if (!shop || shop.uninstalledAt) return { code: "notInstalled" };
  const program = await loadLoyaltyProgram(prisma, input.shop);
  const wanted = input.tier.trim().toLowerCase();
  const tier = wanted === "none" ? null : program.vip.tiers.find((t) => t.name.toLowerCase() === wanted || t.id.toLowerCase() === wanted);
  if (tier === undefined) return { code: "unknownTier", tiers: program.vip.tiers.map((t) => t.name) };
  await prisma.$transaction(async (tx) => {
    const memberId = await lockMember(tx, input.shop, input.customerId, { seenAt: now });
    await setTierSource(tx, "flow");
    await tx.member.update({ where: { id: memberId }, data: { tierId: tier?.id ?? null, tierPeriodEnd: tier ? addDays(now, program.vip.windowDays) : null } });
  });
  return { code: "ok", tier: tier?.name ?? null };
}
