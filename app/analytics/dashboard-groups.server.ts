// The dashboard's member split and referral totals (domain: GroupSplit), stored per shop and day beside the
// summary. Once the history import enrols every customer, working the split out means reading every member's id
// and most of the shop's rollups (1.7 s at 235 k members); a view instead reads one small row, valid while the
// rollups' generation and the groups' stamp are those it was computed at. The periodic summary job stores it, so
// the first view after a restart or a refresh finds it.
import type { GroupSplit } from "~/analytics/domain/dashboard-summary";
import { oldestKeptDay } from "./dashboard-summary.server";
import type { SqlClient } from "~/history/history-store.server";

/**
 * What identifies the members and the referred customers without reading them. Members: their count and newest
 * row id (ids only grow, so an enrolment moves the id and a removal the count). Referrals: count, newest id and a
 * hash over friend and status (a referral blocked later leaves the referred customers).
 */
export async function groupsStamp(db: SqlClient, shop: string): Promise<string> {
  return (await groupsStampAndCount(db, shop)).stamp;
}

/** The stamp, and the number of members it counted (the member split needs it too). */
export async function groupsStampAndCount(db: SqlClient, shop: string): Promise<{ stamp: string; memberCount: number }> {
  const [row] = await db.$queryRawUnsafe<{ stamp: string; members: number }[]>(
    `SELECT concat_ws(':', m.n, m.newest, r.n, r.newest, r.hash) AS stamp, m.n::int AS members
       FROM (SELECT count(*) AS n, max("id") AS newest FROM "Member" WHERE "shop" = $1) m,
            (SELECT count(*) AS n, max("id") AS newest, sum(hashtext(coalesce("friendCustomerId", '') || ':' || "status")) AS hash
               FROM "Referral" WHERE "shop" = $1) r`,
    shop,
  );
  return { stamp: row.stamp, memberCount: row.members };
}

interface StoredSplit {
  v: 1;
  memberCount: number | null;
  referredCount: number | null;
  members: number[];
  referred: number[];
  memberReferred: number[];
}

export function encodeGroupSplit(split: GroupSplit): string {
  const stored: StoredSplit = {
    v: 1,
    memberCount: split.memberCount,
    referredCount: split.referredCount,
    members: Array.from(split.members),
    referred: Array.from(split.referred),
    memberReferred: Array.from(split.memberReferred),
  };
  return JSON.stringify(stored);
}

export function decodeGroupSplit(text: string, windows: number): GroupSplit {
  const s = JSON.parse(text) as StoredSplit;
  if (s.v !== 1) throw new Error(`group split: unknown version ${String(s.v)}`);
  for (const totals of [s.members, s.referred, s.memberReferred]) {
    if (!Array.isArray(totals) || totals.length !== windows) throw new Error(`group split: ${windows} totals expected`);
  }
  return {
    memberCount: s.memberCount,
    referredCount: s.referredCount,
    members: Float64Array.from(s.members),
    referred: Float64Array.from(s.referred),
    memberReferred: Float64Array.from(s.memberReferred),
  };
}

/** The split stored for this day, generation and stamp, or null (none, stale, or unreadable: computed again). */
export async function storedGroupSplit(db: SqlClient, shop: string, asOf: string, generation: number, stamp: string, windows: number): Promise<GroupSplit | null> {
  const [row] = await db.$queryRawUnsafe<{ state: string }[]>(
    `SELECT "state" FROM "DashboardGroupSplit" WHERE "shop" = $1 AND "asOf" = $2 AND "generation" = $3 AND "stamp" = $4`,
    shop,
    asOf,
    generation,
    stamp,
  );
  if (!row) return null;
  try {
    return decodeGroupSplit(row.state, windows);
  } catch (error) {
    console.error(`[treue] stored member split ${shop} ${asOf} is unreadable; computing it again:`, error);
    return null;
  }
}

/** Stores the split unless the rollups moved on meanwhile (it would describe an older generation). */
export async function storeGroupSplit(db: SqlClient, shop: string, asOf: string, generation: number, stamp: string, split: GroupSplit): Promise<void> {
  await db.$executeRawUnsafe(
    `INSERT INTO "DashboardGroupSplit" ("shop", "asOf", "generation", "stamp", "state")
     SELECT $1, $2, $3, $4, $5 WHERE COALESCE((SELECT "generation" FROM "HistoryRollupState" WHERE "shop" = $1), 0) = $3
     ON CONFLICT ("shop", "asOf") DO UPDATE SET "generation" = EXCLUDED."generation", "stamp" = EXCLUDED."stamp",
       "state" = EXCLUDED."state", "computedAt" = now() AT TIME ZONE 'UTC'`,
    shop,
    asOf,
    generation,
    stamp,
    encodeGroupSplit(split),
  );
  await db.$executeRawUnsafe(`DELETE FROM "DashboardGroupSplit" WHERE "shop" = $1 AND "asOf" < $2`, shop, oldestKeptDay(asOf));
}
