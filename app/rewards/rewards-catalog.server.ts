// The shop's stored rewards catalog. A shop starts with the domain's default catalog, written on first use
// (install or the first request that needs it), so "€5.00 off" is in the shop currency the shop had then.
import type { PrismaClient } from "@prisma/client";
import { defaultRewardCatalog, rewardProblems, withGeneratedTitle, type Reward, type RewardProblem } from "~/rewards/domain/catalog";
import type { Db } from "~/points/points-ledger.server";
import { utcTextColumn } from "~/db/connection.server";

export interface StoredReward {
  reward: Reward;
  enabled: boolean;
  position: number;
  updatedAt: Date;
}

/** Writes the default catalog unless the shop has rewards already (ON CONFLICT: two first requests agree). */
export async function ensureRewardCatalog(db: Db, shop: string, shopCurrency: string): Promise<void> {
  if ((await db.reward.count({ where: { shop } })) > 0) return;
  await db.reward.createMany({
    data: defaultRewardCatalog(shopCurrency).map((reward, position) => ({ shop, id: reward.id, position, definition: reward as object })),
    skipDuplicates: true,
  });
}

const stored = (row: { definition: unknown; enabled: boolean; position: number; updatedAt: Date }): StoredReward => ({
  reward: row.definition as Reward,
  enabled: row.enabled,
  position: row.position,
  updatedAt: row.updatedAt,
});

/** Every reward of the shop, enabled or not, in catalog order. */
export async function listRewards(db: Db, shop: string, shopCurrency: string): Promise<StoredReward[]> {
  await ensureRewardCatalog(db, shop, shopCurrency);
  const rows = await db.reward.findMany({ where: { shop }, orderBy: [{ position: "asc" }, { createdAt: "asc" }] });
  return rows.map(stored);
}

/** What buyers can redeem now, in catalog order. */
export async function enabledRewards(db: Db, shop: string, shopCurrency: string): Promise<Reward[]> {
  return (await listRewards(db, shop, shopCurrency)).filter((r) => r.enabled).map((r) => r.reward);
}

/** One reward by id (enabled or not), or null. The default catalog is written first if the shop has none. */
export async function findReward(db: Db, shop: string, shopCurrency: string, id: string): Promise<StoredReward | null> {
  const row = await db.reward.findUnique({ where: { shop_id: { shop, id } } });
  if (row) return stored(row);
  // Read again after seeding even when another request seeded first: between our miss and a count, a
  // concurrent first redemption may have written the default catalog (seen as 404 for "default-5-off").
  await ensureRewardCatalog(db, shop, shopCurrency);
  const seeded = await db.reward.findUnique({ where: { shop_id: { shop, id } } });
  return seeded ? stored(seeded) : null;
}

/** A reward's columns as plain SQL reads them (alias `r`): storedRewardFromRow turns them into a StoredReward. */
export const STORED_REWARD_COLUMNS = (r: string) =>
  `${r}."definition", ${r}."enabled", ${r}."position", ${utcTextColumn("updatedAt", { from: r, as: "rewardUpdatedAt" })}`;
export type StoredRewardRow = { definition: unknown; enabled: boolean | null; position: number | null; rewardUpdatedAt: string | null };

/** The reward read with STORED_REWARD_COLUMNS, or null when there was none (a LEFT JOIN's empty side). */
export function storedRewardFromRow(row: StoredRewardRow): StoredReward | null {
  if (row.rewardUpdatedAt === null) return null;
  return stored({ definition: row.definition, enabled: row.enabled!, position: row.position!, updatedAt: new Date(row.rewardUpdatedAt) });
}

export type SaveRewardResult = { ok: true } | { ok: false; problems: RewardProblem[] };

/**
 * Creates or replaces a reward after the domain's validation. A new reward goes to the end of the catalog;
 * `create` refuses an id already taken (two forms creating "10-off" at once: one wins, one is told).
 */
export async function saveReward(prisma: PrismaClient, shop: string, shopCurrency: string, given: Reward, mode: "create" | "update"): Promise<SaveRewardResult> {
  const reward = withGeneratedTitle(given);
  const problems = rewardProblems(reward, shopCurrency);
  if (problems.length) return { ok: false, problems };
  return prisma.$transaction(async (tx) => {
    await ensureRewardCatalog(tx, shop, shopCurrency);
    const existing = await tx.reward.findUnique({ where: { shop_id: { shop, id: reward.id } } });
    if (mode === "create") {
      if (existing) return { ok: false as const, problems: [{ code: "duplicate-id" as const, index: 0, field: "id", params: { id: reward.id } }] };
      const last = await tx.reward.aggregate({ where: { shop }, _max: { position: true } });
      await tx.reward.create({ data: { shop, id: reward.id, position: (last._max.position ?? -1) + 1, definition: reward as object } });
    } else {
      if (!existing) return { ok: false as const, problems: [{ code: "id-invalid" as const, index: 0, field: "id" }] };
      await tx.reward.update({ where: { shop_id: { shop, id: reward.id } }, data: { definition: reward as object, updatedAt: new Date() } });
    }
    return { ok: true as const };
  });
}

/** Turns a reward off (buyers no longer see or redeem it; codes already issued keep working) or on again. */
export async function setRewardEnabled(db: Db, shop: string, id: string, enabled: boolean): Promise<boolean> {
  const { count } = await db.reward.updateMany({ where: { shop, id }, data: { enabled, updatedAt: new Date() } });
  return count === 1;
}
