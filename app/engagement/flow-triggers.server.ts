// Shopify Flow triggers: merchants wire Treue's events to Shopify Email, Klaviyo or anything Flow reaches. A
// periodic job records one FlowTriggerEvent per event (unique per shop and event key, like member e-mails) and
// the job engine fires the shop's with the Admin API's flowTriggerReceive. Shopify's userErrors (a payload it
// refuses) mark the event failed with the reason; a transport error or throttle leaves it queued and fails the
// job, so the engine retries with backoff.
import type { PrismaClient } from "@prisma/client";
import { SHOP_JOBS, sendShopJob } from "~/jobs/shop-jobs";
import type { PeriodicJob } from "~/jobs/periodic-jobs.server";
import { memberBalance } from "~/points/points-ledger.server";
import { retryWhenThrottled, runAdminOperation, type AdminGraphql } from "~/shopify/admin-graphql.server";
import { offlineAdminGraphql, type AdminFor } from "~/shopify/offline-admin.server";
import type { FlowTriggerReceiveMutation } from "~/types/admin.generated";
import { FLOW_TRIGGER_RECEIVE_MUTATION } from "./graphql/FlowTriggerReceive";
import { eventWindowStart, insertForShops, POINTS_EARNED_KEY, queueEvents, RECENT_POINTS_EARNED } from "./member-events.server";
import { redeemedTitle } from "~/rewards/domain/reward-title";
import { recentTierEvents } from "./tier-events.server";

/** extensions/treue-flow-points-earned/shopify.extension.toml */
export const POINTS_EARNED_TRIGGER = "treue-points-earned";
/** extensions/treue-flow-reward-redeemed/shopify.extension.toml */
export const REWARD_REDEEMED_TRIGGER = "treue-reward-redeemed";
/** extensions/treue-flow-points-expiring/shopify.extension.toml */
export const POINTS_EXPIRING_TRIGGER = "treue-points-expiring";
/** extensions/treue-flow-tier-changed/shopify.extension.toml */
export const TIER_CHANGED_TRIGGER = "treue-tier-changed";
/** extensions/treue-flow-member-at-risk/shopify.extension.toml */
export const MEMBER_AT_RISK_TRIGGER = "treue-member-at-risk";

/** The lifecycle segments as Flow's conditions read them. */
const SEGMENT_WORD: Record<string, string> = { new: "new", active: "active", atRisk: "at risk", lost: "lost", vip: "VIP" };
const SEND_BATCH = 200;

/** Records a points-earned trigger for every recent points-earned event that has none yet; the shops that got one. */
export async function queuePointsEarnedTriggers(prisma: PrismaClient, now: Date): Promise<string[]> {
  return queueEvents(
    prisma,
    {
      into: "FlowTriggerEvent",
      shop: 'l."shop"',
      customerId: 'l."customerId"',
      eventKey: POINTS_EARNED_KEY,
      values: { handle: "$2", data: `jsonb_build_object('points', l."points", 'orderName', o."newest"->>'name')` },
      from: RECENT_POINTS_EARNED,
      orderBy: 'l."id"',
    },
    [eventWindowStart(now), POINTS_EARNED_TRIGGER],
  );
}

/**
 * Records a reward-redeemed trigger for every redemption in installed shops whose reward went out (its code was
 * issued or its store credit sent) in the event window and has none yet; the shops that got one.
 */
export async function queueRewardRedeemedTriggers(prisma: PrismaClient, now: Date): Promise<string[]> {
  return queueEvents(
    prisma,
    {
      into: "FlowTriggerEvent",
      shop: 'r."shop"',
      customerId: 'r."customerId"',
      eventKey: `'reward-redeemed:' || r."idempotencyKey"`,
      values: {
        handle: "$2",
        data: `jsonb_build_object('reward', r."reward", 'pointsCost', r."pointsCost", 'code', CASE WHEN r."creditTransactionId" IS NULL THEN r."code" ELSE '' END)`,
      },
      from: `FROM "Redemption" r
       JOIN "Shop" s ON s."domain" = r."shop" AND s."uninstalledAt" IS NULL
      WHERE r."createdAt" >= $1::timestamp(3) AND (r."issuedAt" IS NOT NULL OR r."creditTransactionId" IS NOT NULL)`,
      orderBy: 'r."createdAt"',
    },
    [eventWindowStart(now), REWARD_REDEEMED_TRIGGER],
  );
}

/**
 * Records a points-expiring trigger for every reminder the points engine recorded (PointsReminder, once per lot
 * about to expire) in the event window whose points have not expired yet; the shops that got one.
 */
export async function queuePointsExpiringTriggers(prisma: PrismaClient, now: Date): Promise<string[]> {
  return queueEvents(
    prisma,
    {
      into: "FlowTriggerEvent",
      shop: 'r."shop"',
      customerId: 'r."customerId"',
      eventKey: `'points-expiring:' || r."idempotencyKey"`,
      values: {
        handle: "$3",
        data: `jsonb_build_object('points', r."points", 'expiresOn', to_char((r."expiresAt" AT TIME ZONE 'UTC') AT TIME ZONE COALESCE(s."timezone", 'UTC'), 'YYYY-MM-DD'))`,
      },
      from: `FROM "PointsReminder" r
       JOIN "Shop" s ON s."domain" = r."shop" AND s."uninstalledAt" IS NULL
      WHERE r."createdAt" >= $1::timestamp(3) AND r."expiresAt" > $2::timestamp(3)`,
      orderBy: 'r."id"',
    },
    [eventWindowStart(now), now.toISOString().slice(0, 23), POINTS_EXPIRING_TRIGGER],
  );
}

/**
 * Records a tier-changed trigger for every recent tier change that is news to the member (tier-events.server.ts)
 * and has none yet, except those Flow's own "Set VIP tier" made: a workflow that sets a tier on "tier changed"
 * would otherwise run itself again. Returns the shops that got one.
 */
export async function queueTierChangedTriggers(prisma: PrismaClient, now: Date): Promise<string[]> {
  const rows = (await recentTierEvents(prisma, "FlowTriggerEvent", now))
    .filter((e) => e.source !== "flow")
    .map((e) => ({ shop: e.shop, customer_id: e.customerId, event_key: e.eventKey, data: { tier: e.tier?.name ?? "", previousTier: e.previousTier?.name ?? "", change: e.direction } }));
  if (rows.length === 0) return [];
  return insertForShops(
    prisma,
    `INSERT INTO "FlowTriggerEvent" ("shop", "customerId", "eventKey", "handle", "data")
     SELECT r.shop, r.customer_id, r.event_key, $2, r.data
       FROM jsonb_to_recordset($1::jsonb) AS r(shop text, customer_id text, event_key text, data jsonb)
     ON CONFLICT ("shop", "eventKey") DO NOTHING
     RETURNING "shop"`,
    [JSON.stringify(rows), TIER_CHANGED_TRIGGER],
  );
}

/**
 * Records a member-at-risk trigger for every customer the segment sync moved into the at-risk segment in the event
 * window (SegmentChange, written by the database), except erased ones; the shops that got one.
 */
export async function queueMemberAtRiskTriggers(prisma: PrismaClient, now: Date): Promise<string[]> {
  return queueEvents(
    prisma,
    {
      into: "FlowTriggerEvent",
      shop: 'c."shop"',
      customerId: 'c."customerId"::text',
      eventKey: `'member-at-risk:' || c."id"`,
      values: { handle: "$2", data: `jsonb_build_object('previousSegment', c."fromSegment")` },
      from: `FROM "SegmentChange" c
       JOIN "Shop" s ON s."domain" = c."shop" AND s."uninstalledAt" IS NULL
      WHERE c."at" >= $1::timestamp(3) AND c."toSegment" = 'atRisk'
        AND NOT EXISTS (SELECT 1 FROM "Member" m WHERE m."shop" = c."shop" AND m."customerId" = c."customerId"::text AND m."redactedAt" IS NOT NULL)`,
      orderBy: 'c."id"',
    },
    [eventWindowStart(now), MEMBER_AT_RISK_TRIGGER],
  );
}

export function flowTriggersJobWith(send: (shop: string) => Promise<void>): PeriodicJob {
  return {
    name: "flow-triggers",
    everyMs: 60_000,
    async run(db, now) {
      await queuePointsEarnedTriggers(db, now);
      await queueRewardRedeemedTriggers(db, now);
      await queuePointsExpiringTriggers(db, now);
      await queueTierChangedTriggers(db, now);
      await queueMemberAtRiskTriggers(db, now);
      const shops = await db.flowTriggerEvent.findMany({ where: { status: "queued" }, distinct: ["shop"], select: { shop: true } });
      for (const { shop } of shops) await send(shop);
    },
  };
}

/** Every minute: new events become triggers; the shops with triggers to fire get a job. */
export const flowTriggersJob = flowTriggersJobWith((shop) => sendShopJob(SHOP_JOBS.flowTriggers, shop, {}));

/** The payload of a points-earned trigger: the trigger's fields (customer_id for its customer reference). */
export function pointsEarnedPayload(customerId: string, points: number, balance: number, orderName: string | null) {
  return { customer_id: Number(customerId), "Points earned": points, "Points balance": Math.max(0, balance), "Order name": orderName ?? "" };
}

/** The payload of a reward-redeemed trigger; the reward is named as the admin names it (English for an unnamed one). */
export function rewardRedeemedPayload(customerId: string, reward: unknown, pointsCost: number, code: string, balance: number) {
  return { customer_id: Number(customerId), Reward: redeemedTitle(reward, "en"), "Points spent": pointsCost, "Points balance": Math.max(0, balance), "Discount code": code };
}

/** What Flow gets for one recorded event, by its trigger. */
function payloadOf(event: { handle: string; customerId: string; data: unknown }, balance: number): Record<string, unknown> {
  if (event.handle === MEMBER_AT_RISK_TRIGGER) {
    const data = event.data as { previousSegment: string };
    return { customer_id: Number(event.customerId), "Previous segment": SEGMENT_WORD[data.previousSegment] ?? data.previousSegment, "Points balance": Math.max(0, balance) };
  }
  if (event.handle === TIER_CHANGED_TRIGGER) {
    const data = event.data as { tier: string; previousTier: string; change: string };
    return { customer_id: Number(event.customerId), Tier: data.tier, "Previous tier": data.previousTier, Change: data.change };
  }
  if (event.handle === POINTS_EXPIRING_TRIGGER) {
    const data = event.data as { points: number; expiresOn: string };
    return { customer_id: Number(event.customerId), "Points expiring": data.points, "Expires on": data.expiresOn, "Points balance": Math.max(0, balance) };
  }
  if (event.handle === REWARD_REDEEMED_TRIGGER) {
    const data = event.data as { reward: unknown; pointsCost: number; code: string };
    return rewardRedeemedPayload(event.customerId, data.reward, data.pointsCost, data.code, balance);
  }
  const data = event.data as { points: number; orderName: string | null };
  return pointsEarnedPayload(event.customerId, data.points, balance, data.orderName);
}

/** Fires the shop's queued triggers (the shop job). Returns how many Flow took and how many it refused. */
export async function fireQueuedTriggers(prisma: PrismaClient, shop: string, adminFor: AdminFor = offlineAdminGraphql, now = new Date()): Promise<{ sent: number; failed: number }> {
  const out = { sent: 0, failed: 0 };
  const queued = await prisma.flowTriggerEvent.findMany({ where: { shop, status: "queued" }, orderBy: { id: "asc" }, take: SEND_BATCH });
  if (queued.length === 0) return out;
  const shopRow = await prisma.shop.findUnique({ where: { domain: shop }, select: { uninstalledAt: true } });
  if (!shopRow || shopRow.uninstalledAt) {
    await prisma.flowTriggerEvent.updateMany({ where: { shop, status: "queued" }, data: { status: "failed", reason: "uninstalled" } });
    return { ...out, failed: queued.length };
  }
  const graphql: AdminGraphql = await adminFor(shop);
  for (const event of queued) {
    const member = await prisma.member.findUnique({ where: { shop_customerId: { shop, customerId: event.customerId } } });
    const balance = member ? (await memberBalance(prisma, member, now)).balance : 0;
    const payload = payloadOf(event, balance);
    await prisma.flowTriggerEvent.update({ where: { id: event.id }, data: { attempts: { increment: 1 } } });
    // Throttled calls wait for the bucket; anything else thrown leaves the event queued for the engine's retry.
    const result = await retryWhenThrottled(() => runAdminOperation<FlowTriggerReceiveMutation>(graphql, FLOW_TRIGGER_RECEIVE_MUTATION, { handle: event.handle, payload }), { maxAttempts: 5 });
    const errors = result.flowTriggerReceive?.userErrors ?? [];
    if (errors.length) {
      await prisma.flowTriggerEvent.update({ where: { id: event.id }, data: { status: "failed", reason: errors.map((e) => e.message).join("; ").slice(0, 500) } });
      out.failed++;
    } else {
      await prisma.flowTriggerEvent.update({ where: { id: event.id }, data: { status: "sent", sentAt: new Date(), reason: null } });
      out.sent++;
    }
  }
  if (queued.length === SEND_BATCH) await sendShopJob(SHOP_JOBS.flowTriggers, shop, {});
  return out;
}
