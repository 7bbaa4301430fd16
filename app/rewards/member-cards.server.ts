// The member cards (docs/decisions/011-member-cards.md): the shop's settings, a member's stamps and discount
// code for GET /api/loyalty and the member page, and the two periodic jobs that act on them —
//  - stamp card rewards: a member whose stamps (their orders' current state, from OrderPoints) fill a card
//    gets the card's reward as a free single-use code, exactly once per card number. The reward is a
//    Redemption row with pointsCost 0 and key `stamp/<cardId>/<customerId>/<n>` (a buyer's idempotency key
//    can't contain "/", so no tap can take it), written under the member's row lock; its code is created
//    with the redemption machinery (look up, create, retry) and repaired by the redemption-codes job if the
//    run dies in between.
//  - member discount codes: one customer-only percentage code per member whose tier has a percentage;
//    desired against existing (memberDiscountChanges), creating and removing codes in Shopify. Every code
//    gets its row before Shopify is asked, so a crash, a throttle or an outage leaves rows the next run finishes.
import { randomBytes } from "node:crypto";
import { Prisma, type PrismaClient, type Redemption, type WebhookEvent } from "@prisma/client";
import type { OrderSnapshot } from "~/points/domain/order-snapshot";
import { activeStampCard, memberCardsFromJson, NO_MEMBER_CARDS, type MemberCardsSettings } from "~/rewards/domain/member-cards-form";
import { memberDiscountChanges, memberDiscountInput, memberDiscountPercent, orderEarnsStamp, stampCardOrderOf, stampCardStanding, type MemberDiscountCodeState, type MemberDiscountTerms, type StampCard, type StampCardOrder, type StampCardStanding } from "~/rewards/domain/member-perks";
import { redemptionCode } from "~/rewards/domain/codes";
import { MEMBER_DISCOUNT_CODE_CREATE_MUTATION } from "~/rewards/graphql/MemberDiscountCodeCreate";
import { MEMBER_DISCOUNT_CODE_DELETE_MUTATION } from "~/rewards/graphql/MemberDiscountCodeDelete";
import { deletedDiscountId, discountIdByCode, findOrCreateDiscountCode, type AdminCall } from "./discount-codes.server";
import type { MemberDiscountCodeCreateMutation, MemberDiscountCodeDeleteMutation } from "~/types/admin.generated";
import { runAdminOperation, type AdminGraphql } from "~/shopify/admin-graphql.server";
import { loadLoyaltyProgram } from "~/points/loyalty-program.server";
import type { Db } from "~/points/points-ledger.server";
import type { PeriodicJob } from "~/jobs/periodic-jobs.server";
import type { WebhookStep } from "~/webhooks/webhook-worker.server";
import { finishRedemption, REDEMPTION_CODE_DAYS, type RedemptionOptions } from "./redemptions.server";
import { findReward } from "./rewards-catalog.server";
import { offlineAdminGraphql, type AdminFor } from "~/shopify/offline-admin.server";

const DAY_MS = 86_400_000;

// --- settings -------------------------------------------------------------------------------------------

export async function loadMemberCards(db: Db, shop: string): Promise<MemberCardsSettings> {
  const row = await db.memberCards.findUnique({ where: { shop } });
  return row ? memberCardsFromJson(row.settings) : NO_MEMBER_CARDS;
}

/** Saves settings already validated by memberCardsFromForm. The jobs pick the change up on their next run. */
export async function saveMemberCards(db: Db, shop: string, settings: MemberCardsSettings): Promise<void> {
  const value = settings as unknown as Prisma.InputJsonValue;
  await db.memberCards.upsert({ where: { shop }, create: { shop, settings: value }, update: { settings: value, updatedAt: new Date() } });
}

// --- stamps ---------------------------------------------------------------------------------------------

/** The stamp-card view of a customer's orders (from the engine's newest snapshot of each). */
async function stampOrdersOf(db: Db, shop: string, customerId: string, since: Date): Promise<StampCardOrder[]> {
  const rows = await db.$queryRaw<{ newest: unknown }[]>`
    SELECT "newest" FROM "OrderPoints"
    WHERE "shop" = ${shop} AND "customerId" = ${customerId} AND "newest" IS NOT NULL
      AND ("newest"->>'createdAt')::timestamptz >= ${since.toISOString()}::timestamptz`;
  const out: StampCardOrder[] = [];
  for (const { newest } of rows) {
    const s = newest as Omit<OrderSnapshot, "createdAt"> & { createdAt: string };
    const order = stampCardOrderOf({ ...s, createdAt: new Date(s.createdAt) });
    if (order) out.push(order);
  }
  return out;
}

async function rewardsIssued(db: Db, shop: string, cardId: string, customerId: string): Promise<number> {
  const row = await db.stampCardMember.findUnique({ where: { shop_cardId_customerId: { shop, cardId, customerId } } });
  return row?.rewardsIssued ?? 0;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** Where a customer stands on the shop's stamp card now. */
export async function stampStandingFor(db: Db, shop: string, customerId: string, card: StampCard): Promise<StampCardStanding> {
  const stamps = (await stampOrdersOf(db, shop, customerId, card.startsAt)).filter((o) => orderEarnsStamp(o, card)).length;
  return stampCardStanding(stamps, card.stampsRequired, range(await rewardsIssued(db, shop, card.id, customerId)));
}

export const stampRedemptionKey = (cardId: string, customerId: string, n: number) => `stamp/${cardId}/${customerId}/${n}`;

/**
 * Under the member's row lock: re-reads their stamps and issued rewards and writes a Redemption ("issuing",
 * no points) for every reward due. Returns the new rows, whose codes the caller then creates.
 */
async function recordDueStampRewards(prisma: PrismaClient, shop: string, customerId: string, card: StampCard, shopCurrency: string, now: Date): Promise<Redemption[]> {
  return prisma.$transaction(async (tx) => {
    const [member] = await tx.$queryRaw<{ id: bigint }[]>`SELECT "id" FROM "Member" WHERE "shop" = ${shop} AND "customerId" = ${customerId} FOR UPDATE`;
    if (!member) return [];
    const standing = await stampStandingFor(tx, shop, customerId, card);
    if (standing.rewardsDue.length === 0) return [];
    const stored = await findReward(tx, shop, shopCurrency, card.rewardId);
    if (!stored) throw new Error(`stamp card reward "${card.rewardId}" is not in the catalog`);
    // The reward as it is now: a later edit of the catalog does not change an issued code's meaning.
    const reward = stored.reward;
    const created: Redemption[] = [];
    for (const n of standing.rewardsDue) {
      const data = {
        shop,
        idempotencyKey: stampRedemptionKey(card.id, customerId, n),
        memberId: member.id,
        customerId,
        rewardId: reward.id,
        reward: reward as object,
        pointsCost: 0,
        code: redemptionCode((k) => randomBytes(k)),
        status: "issuing",
        createdAt: now,
        expiresAt: new Date(now.getTime() + REDEMPTION_CODE_DAYS * DAY_MS),
      };
      const inserted = await tx.redemption.createManyAndReturn({ data: [data], skipDuplicates: true });
      created.push(...inserted);
    }
    await tx.stampCardMember.upsert({
      where: { shop_cardId_customerId: { shop, cardId: card.id, customerId } },
      create: { shop, cardId: card.id, customerId, rewardsIssued: standing.rewardsEarned },
      update: { rewardsIssued: standing.rewardsEarned, updatedAt: now },
    });
    return created;
  });
}

interface StampJobReport {
  shops: number;
  candidates: number;
  issued: number;
  notIssuedYet: number;
}

/**
 * Issues every stamp card reward that is due, in every installed shop with an active card. Candidates are
 * found in SQL (orders that can earn a stamp, counted per customer, against the rewards already issued);
 * each candidate is then decided by the domain under their row lock. Safe to run concurrently and often:
 * a reward is a unique key, so duplicated or reordered order webhooks and repeated runs issue it once.
 */
export async function issueStampCardRewards(prisma: PrismaClient, now: Date, options: { adminFor: AdminFor } & Omit<RedemptionOptions, "adminFor">): Promise<StampJobReport> {
  const report: StampJobReport = { shops: 0, candidates: 0, issued: 0, notIssuedYet: 0 };
  const rows = await prisma.$queryRaw<{ shop: string; settings: unknown; currency: string | null }[]>`
    SELECT c."shop", c."settings", s."currency" FROM "MemberCards" c JOIN "Shop" s ON s."domain" = c."shop"
    WHERE s."uninstalledAt" IS NULL AND (c."settings"->'stamps'->>'enabled')::boolean IS TRUE ORDER BY c."shop"`;
  for (const row of rows) {
    const card = activeStampCard(memberCardsFromJson(row.settings));
    if (!card || !row.currency || card.startsAt.getTime() > now.getTime()) continue;
    report.shops++;
    // An upper bound on stamps (cancelled and test orders excluded; refunds and the minimum are left to the
    // domain), so only members who might have filled a card are locked and counted exactly.
    const candidates = await prisma.$queryRaw<{ customerId: string }[]>`
      SELECT o."customerId" FROM "OrderPoints" o
      LEFT JOIN "StampCardMember" m ON m."shop" = o."shop" AND m."cardId" = ${card.id} AND m."customerId" = o."customerId"
      WHERE o."shop" = ${row.shop} AND o."customerId" IS NOT NULL AND o."newest" IS NOT NULL
        AND (o."newest"->>'cancelled')::boolean IS NOT TRUE AND (o."newest"->>'test')::boolean IS NOT TRUE
        AND (o."newest"->>'createdAt')::timestamptz >= ${card.startsAt.toISOString()}::timestamptz
      GROUP BY o."customerId", m."rewardsIssued"
      HAVING count(*) >= ${card.stampsRequired} * (COALESCE(m."rewardsIssued", 0) + 1)
      ORDER BY o."customerId"`;
    for (const { customerId } of candidates) {
      report.candidates++;
      let created: Redemption[];
      try {
        created = await recordDueStampRewards(prisma, row.shop, customerId, card, row.currency, now);
      } catch (error) {
        // E.g. the card's reward was deleted from the catalog: this shop waits for its merchant, the others go on.
        console.error(`stamp card rewards for ${row.shop}: ${(error as Error).message}`);
        break;
      }
      for (const redemption of created) {
        // Shopify unreachable or refusing: the row stays "issuing" and the redemption-codes job repairs it.
        const outcome = await finishRedemption(prisma, redemption, { attempts: 2, backoffMs: 500, ...options }).catch(() => "unreachable" as const);
        if (outcome === "issued") report.issued++;
        else report.notIssuedYet++;
      }
    }
  }
  return report;
}

// --- member discount codes ------------------------------------------------------------------------------

/** The customer's live discount card code and its percentage, or null. */
export async function memberDiscountFor(db: Db, shop: string, customerId: string): Promise<{ percent: number; code: string } | null> {
  const row = await db.memberDiscountCode.findFirst({ where: { shop, customerId, status: "active" }, orderBy: { createdAt: "desc" } });
  return row ? { percent: row.percent, code: row.code } : null;
}

interface DiscountJobReport {
  created: number;
  removed: number;
  refused: number;
  /** Shops whose run stopped early (throttled, Shopify unreachable, or the per-run budget used up). */
  deferred: string[];
}

class StopShop extends Error {}

/** One Admin call; a throttle or outage stops this shop's run (rows stay as they are; the next run resumes). */
async function call<T>(graphql: AdminGraphql, document: string, variables: Record<string, unknown>, budget: { left: number }): Promise<T> {
  if (budget.left-- <= 0) throw new StopShop("budget");
  try {
    return await runAdminOperation<T>(graphql, document, variables);
  } catch (error) {
    throw new StopShop((error as Error).message);
  }
}

/** Creates a "creating" row's code in Shopify (or finds it there) and marks it active; refused input is recorded. */
async function finishMemberCode(prisma: PrismaClient, graphql: AdminGraphql, row: { shop: string; code: string; customerId: string; percent: number; combinesWithOtherDiscounts: boolean; createdAt: Date }, title: string, budget: { left: number }, fresh: boolean): Promise<"active" | "refused"> {
  const where = { shop: row.shop, code: row.code, status: "creating" };
  const variables = memberDiscountInput({ customerGid: `gid://shopify/Customer/${row.customerId}`, code: row.code, terms: row, startsAt: row.createdAt, title });
  const admin: AdminCall = (document, vars) => call(graphql, document, vars, budget);
  // A code drawn by this run cannot exist yet; one left "creating" by an earlier run may (its answer was lost),
  // and "code taken" then means that earlier attempt or a concurrent run made it. Fresh and taken: another
  // discount happens to have this code; the row is dropped and the next run draws a new one.
  const issue = await findOrCreateDiscountCode(
    admin,
    row.code,
    async () => (await admin<MemberDiscountCodeCreateMutation>(MEMBER_DISCOUNT_CODE_CREATE_MUTATION, variables)).discountCodeBasicCreate,
    { lookFirst: !fresh, lookAgainWhenRefused: !fresh },
  );
  if (issue.status !== "refused") {
    await prisma.memberDiscountCode.updateMany({ where, data: { status: "active", discountId: issue.id, activeAt: new Date() } });
    return "active";
  }
  if (issue.taken) {
    await prisma.memberDiscountCode.updateMany({ where, data: { status: "removed", removedAt: new Date(), lastError: "code taken by another discount" } });
    return "refused";
  }
  // Shopify refused the input (e.g. the customer no longer exists): retrying the same input cannot help.
  console.error(`member discount ${row.code} for ${row.shop}: refused: ${issue.message}`);
  await prisma.memberDiscountCode.updateMany({ where, data: { status: "refused", lastError: issue.message.slice(0, 1000) } });
  return "refused";
}

/** Deletes a code in Shopify (a code already gone counts as removed) and marks it removed. */
async function removeMemberCode(prisma: PrismaClient, graphql: AdminGraphql, shop: string, code: string, budget: { left: number }): Promise<void> {
  await prisma.memberDiscountCode.updateMany({ where: { shop, code, status: { in: ["creating", "active"] } }, data: { status: "removing" } });
  const row = await prisma.memberDiscountCode.findUnique({ where: { shop_code: { shop, code } } });
  if (!row || row.status !== "removing") return;
  const id = row.discountId ?? (await discountIdByCode((document, vars) => call(graphql, document, vars, budget), code));
  if (id) {
    const result = await call<MemberDiscountCodeDeleteMutation>(graphql, MEMBER_DISCOUNT_CODE_DELETE_MUTATION, { id }, budget);
    const errors = result.discountCodeDelete?.userErrors ?? [];
    // "Does not exist" (deleted by the merchant, or by an earlier run whose answer was lost) is success.
    if (errors.length > 0 && (await discountIdByCode((document, vars) => call(graphql, document, vars, budget), code))) throw new StopShop(`delete refused: ${errors.map((e) => e.message).join("; ")}`);
  }
  await prisma.memberDiscountCode.updateMany({ where: { shop, code, status: "removing" }, data: { status: "removed", removedAt: new Date() } });
}

/**
 * Reconciles every installed shop's member discount codes with its members' tiers and the card's
 * percentages: finishes codes a crash left half-made, removes codes of members who left a tier (or whose
 * percentage changed), creates codes for members who need one. At most `callsPerShop` Admin calls per
 * shop and run (default 1,000, about 1,000 codes); what is left, or what a throttle interrupted, is done by
 * the next run.
 */
export async function reconcileMemberDiscountCodes(prisma: PrismaClient, now: Date, options: { adminFor: AdminFor; callsPerShop?: number }): Promise<DiscountJobReport> {
  const report: DiscountJobReport = { created: 0, removed: 0, refused: 0, deferred: [] };
  // Shops with a card, and shops that still have codes (a card switched off must take its codes away).
  const shops = await prisma.$queryRaw<{ shop: string }[]>`
    SELECT s."domain" AS "shop" FROM "Shop" s
    WHERE s."uninstalledAt" IS NULL AND (
      EXISTS (SELECT 1 FROM "MemberCards" c WHERE c."shop" = s."domain" AND c."settings"->'discount'->'percentOffByTier' <> '{}'::jsonb)
      OR EXISTS (SELECT 1 FROM "MemberDiscountCode" d WHERE d."shop" = s."domain" AND d."status" IN ('creating', 'active', 'removing')))
    ORDER BY s."domain"`;
  for (const { shop } of shops) {
    const budget = { left: options.callsPerShop ?? 1000 };
    try {
      const settings = await loadMemberCards(prisma, shop);
      const program = await loadLoyaltyProgram(prisma, shop);
      const tierName = new Map(program.vip.tiers.map((t) => [t.id, t.name]));
      const card = { percentOffByTier: settings.discount.percentOffByTier, combinesWithOtherDiscounts: settings.discount.combinesWithOtherDiscounts };
      const tiers = Object.keys(card.percentOffByTier).filter((id) => tierName.has(id));
      const members = tiers.length
        ? await prisma.member.findMany({ where: { shop, tierId: { in: tiers }, redactedAt: null }, select: { customerId: true, tierId: true } })
        : [];
      const desired = new Map<string, MemberDiscountTerms>();
      for (const m of members) {
        const percent = memberDiscountPercent(card, m.tierId);
        if (percent !== null) desired.set(m.customerId, { percent, combinesWithOtherDiscounts: card.combinesWithOtherDiscounts });
      }
      const rows = await prisma.memberDiscountCode.findMany({ where: { shop, status: { in: ["creating", "active", "removing", "refused"] } } });
      const { create, remove } = memberDiscountChanges(desired, rows.map((r) => ({ ...r, status: r.status as MemberDiscountCodeState["status"] })));
      const creating = rows.filter((r) => r.status === "creating" && !remove.includes(r.code));
      if (creating.length === 0 && create.length === 0 && remove.length === 0) continue;
      const graphql = await options.adminFor(shop);
      const titleOf = (customerId: string) => {
        const tier = members.find((m) => m.customerId === customerId)?.tierId;
        return `Treue member discount${tier && tierName.has(tier) ? `: ${tierName.get(tier)}` : ""}`;
      };
      // Removals first: a member moving from 5 % to 10 % never holds two live codes for long.
      for (const code of remove) {
        await removeMemberCode(prisma, graphql, shop, code, budget);
        report.removed++;
      }
      for (const row of creating) {
        if ((await finishMemberCode(prisma, graphql, row, titleOf(row.customerId), budget, false)) === "active") report.created++;
        else report.refused++;
      }
      for (const { customerId, terms } of create) {
        // The row first: a crash after Shopify created the code leaves a "creating" row the next run finds.
        const row = await prisma.memberDiscountCode.create({
          data: { shop, customerId, percent: terms.percent, combinesWithOtherDiscounts: terms.combinesWithOtherDiscounts, code: redemptionCode((k) => randomBytes(k), "MEMBER"), status: "creating", createdAt: now },
        });
        if ((await finishMemberCode(prisma, graphql, row, titleOf(customerId), budget, true)) === "active") report.created++;
        else report.refused++;
      }
    } catch (error) {
      if (!(error instanceof StopShop)) throw error;
      if (error.message !== "budget") console.warn(`member discount codes for ${shop}: stopped for this run: ${error.message}`);
      report.deferred.push(shop);
    }
  }
  return report;
}

// --- webhooks -------------------------------------------------------------------------------------------

/**
 * discounts/delete: a member's code deleted in Shopify (by hand in the admin, say) no longer works at the
 * checkout, so it stops being shown and the next reconcile run gives the member a new one. The app's own
 * deletions come back here too; those rows are "removing" or already removed and nothing changes.
 */
async function forgetDeletedMemberCode(tx: Db, event: Pick<WebhookEvent, "shop" | "payload">): Promise<void> {
  const discountId = deletedDiscountId(event.payload);
  if (!discountId) return;
  await tx.memberDiscountCode.updateMany({
    // Only live codes: a "removing" one is the app's own deletion, which the reconcile run finishes itself.
    where: { shop: event.shop, discountId, status: "active" },
    data: { status: "removed", removedAt: new Date(), lastError: "deleted in Shopify" },
  });
}

export const memberCardSteps: Record<string, WebhookStep[]> = {
  DISCOUNTS_DELETE: [forgetDeletedMemberCode],
};

// --- the jobs -------------------------------------------------------------------------------------------

export function stampCardRewardsJobWith(adminFor: AdminFor): PeriodicJob {
  return {
    name: "stamp-card-rewards",
    everyMs: 60_000,
    async run(db, now) {
      await issueStampCardRewards(db, now, { adminFor });
    },
  };
}

export function memberDiscountCodesJobWith(adminFor: AdminFor): PeriodicJob {
  return {
    name: "member-discount-codes",
    everyMs: 5 * 60_000,
    async run(db, now) {
      await reconcileMemberDiscountCodes(db, now, { adminFor });
    },
  };
}

export const stampCardRewardsJob = stampCardRewardsJobWith(offlineAdminGraphql);
export const memberDiscountCodesJob = memberDiscountCodesJobWith(offlineAdminGraphql);

// --- what a buyer sees -----------------------------------------------------------------------------------

export interface BuyerCards {
  discount: { percent: number; code: string } | null;
  stamps: { stampsOnCurrentCard: number; stampsRequired: number; rewardsEarned: number } | null;
}

/**
 * The `cards` of GET /api/loyalty for a customer, from the shop's settings and their live member discount (both
 * read with the rest of the answer): the stamp card's standing is read here, when a card is running.
 */
export async function buyerCardsFor(db: Db, shop: string, customerId: string, settings: MemberCardsSettings, discount: BuyerCards["discount"]): Promise<BuyerCards> {
  const card = activeStampCard(settings);
  const standing = card ? await stampStandingFor(db, shop, customerId, card) : null;
  return {
    discount,
    stamps: standing ? { stampsOnCurrentCard: standing.stampsOnCurrentCard, stampsRequired: standing.stampsRequired, rewardsEarned: standing.rewardsEarned } : null,
  };
}
