// "Reward unlocked" mails: every minute the mail job reads the positive ledger entries that became spendable since
// its last run (their availableAt, or when they were written if later) and, for each, the member's spendable balance
// just after it; the entry unlocked the dearest reward its points carried the balance to (templates/reward-unlocked.ts).
// One mail per entry at most (event key `reward-unlocked:<entry key>`). Where the scan stopped is kept (EventCursor),
// so a job that was down reads what it missed; it reads a few minutes back each time, for entries whose transaction
// committed after the last run looked.
import type { PrismaClient } from "@prisma/client";
import { sqlOf, utcTextColumn } from "~/db/connection.server";
import { enabledRewards } from "~/rewards/rewards-catalog.server";
import type { Reward } from "~/rewards/domain/catalog";
import { EVENT_WINDOW_MS, insertForShops, latestLocaleSql } from "./member-events.server";
import { mailKindOnSql } from "./mail-settings.server";
import { unlockedReward } from "./domain/templates/reward-unlocked";

const CURSOR = "reward-unlocked-mails";
/** How far before the last run each run reads again: entries written by transactions that were still open. */
const OVERLAP_MS = 10 * 60_000;

/** What a reward-unlocked mail keeps from its event: the reward (named at sending, in the member's language) and its cost. */
export interface RewardUnlockedData {
  rewardId: string;
  pointsCost: number;
  points: number;
}

/**
 * The ledger kinds whose points can unlock a reward: earned, bonuses, staff or Flow awards. Not the points a
 * failed redemption or a reversed expiry gave back (the member had them before), nor imported balances (a
 * migration from another app is no news to members).
 */
const NEWS_KINDS = ["earn", "adjust-order", "signup-bonus", "birthday-bonus", "referral-bonus", "manual"];

// When an entry counts toward the spendable balance: positive points from availableAt (or their writing, if later),
// negative ones at once (as memberBalance counts them).
const effectiveAt = (e: string) => `CASE WHEN ${e}."points" < 0 THEN ${e}."createdAt" ELSE GREATEST(${e}."availableAt", ${e}."createdAt") END`;

type Candidate = { shop: string; customerId: string; entryKey: string; points: number; after: number; locale: string; currency: string | null };

/** Queues a reward-unlocked mail for every entry that became spendable since the last run and reached a reward. Returns the shops that got mail. */
export async function queueRewardUnlockedMails(prisma: PrismaClient, now: Date): Promise<string[]> {
  const sql = sqlOf(prisma);
  const [cursor] = await sql.query<{ at: string }>(`SELECT ${utcTextColumn("at")} FROM "EventCursor" WHERE "name" = $1`, [CURSOR]);
  const windowStart = now.getTime() - EVENT_WINDOW_MS;
  const from = new Date(Math.max(windowStart, cursor ? Math.min(Date.parse(cursor.at), now.getTime()) - OVERLAP_MS : windowStart));
  const candidates = await sql.query<Candidate>(
    `SELECT l."shop", l."customerId", l."idempotencyKey" AS "entryKey", l."points", s."currency",
            (SELECT COALESCE(SUM(p."points"), 0) FROM "LedgerEntry" p
              WHERE p."shop" = l."shop" AND p."memberId" = l."memberId"
                AND (${effectiveAt("p")}, p."id") <= (GREATEST(l."availableAt", l."createdAt"), l."id"))::int AS "after",
            ${latestLocaleSql('l."shop"', 'l."customerId"')} AS "locale"
       FROM "LedgerEntry" l
       JOIN "Shop" s ON s."domain" = l."shop" AND s."uninstalledAt" IS NULL
      WHERE l."points" > 0
        AND GREATEST(l."availableAt", l."createdAt") > $1::timestamp(3) AND GREATEST(l."availableAt", l."createdAt") <= $2::timestamp(3)
        AND l."kind" = ANY($3::text[]) AND l."idempotencyKey" NOT LIKE 'balance-import:%'
        AND ${mailKindOnSql("reward-unlocked", 'l."shop"')}
        AND NOT EXISTS (SELECT 1 FROM "MemberMail" m WHERE m."shop" = l."shop" AND m."eventKey" = 'reward-unlocked:' || l."idempotencyKey")
      ORDER BY l."id"`,
    [from.toISOString().slice(0, 23), now.toISOString().slice(0, 23), NEWS_KINDS],
  );
  const catalogs = new Map<string, Reward[]>();
  const rows: { shop: string; customer_id: string; event_key: string; locale: string; data: RewardUnlockedData }[] = [];
  for (const c of candidates) {
    if (!c.currency) continue;
    let rewards = catalogs.get(c.shop);
    if (!rewards) catalogs.set(c.shop, (rewards = await enabledRewards(prisma, c.shop, c.currency)));
    const reward = unlockedReward(rewards, c.after, c.points);
    if (reward) rows.push({ shop: c.shop, customer_id: c.customerId, event_key: `reward-unlocked:${c.entryKey}`, locale: c.locale, data: { rewardId: reward.id, pointsCost: reward.pointsCost, points: c.points } });
  }
  const shops = rows.length
    ? await insertForShops(
        prisma,
        `INSERT INTO "MemberMail" ("shop", "customerId", "eventKey", "kind", "category", "locale", "data")
         SELECT r.shop, r.customer_id, r.event_key, 'reward-unlocked', 'service', r.locale, r.data
           FROM jsonb_to_recordset($1::jsonb) AS r(shop text, customer_id text, event_key text, locale text, data jsonb)
         ON CONFLICT ("shop", "eventKey") DO NOTHING
         RETURNING "shop"`,
        [JSON.stringify(rows)],
      )
    : [];
  await sql.execute(
    `INSERT INTO "EventCursor" ("name", "at") VALUES ($1, $2::timestamp(3))
     ON CONFLICT ("name") DO UPDATE SET "at" = GREATEST("EventCursor"."at", EXCLUDED."at")`,
    [CURSOR, now.toISOString().slice(0, 23)],
  );
  return shops;
}
