// Tier news from what the database recorded: every change of a member's tier or tier period lands in TierChange
// (trigger "Member_tier_changed", migration 20261207140000), whichever code made it. Member e-mails and the Flow
// trigger read the recent changes that have no row of theirs yet, and tierDirection says what each is to the
// member. Code that changes tiers for another reason than the program's rules says so with setTierSource.
import type { PrismaClient } from "@prisma/client";
import { sqlOf, utcTextColumn } from "~/db/connection.server";
import { loadLoyaltyProgram } from "~/points/loyalty-program.server";
import type { VipSettings } from "~/points/domain/program";
import { tierDirection, type TierDirection } from "./domain/tier-mail";
import { eventWindowStart, latestLocaleSql } from "./member-events.server";

type SqlDb = Parameters<typeof sqlOf>[0];

/** Changes read per run; the next run (a minute later) goes on. */
const READ_BATCH = 5_000;

/** Marks the tier changes the rest of the transaction makes as a balance import's or a Flow action's. */
export async function setTierSource(db: SqlDb, source: "import" | "flow"): Promise<void> {
  await sqlOf(db).query(`SELECT set_config('treue.tier_source', $1, true)`, [source]);
}

export interface TierEvent {
  /** `tier:<TierChange id>`, unique per shop in the consumer's table. */
  eventKey: string;
  shop: string;
  customerId: string;
  direction: TierDirection;
  /** "import" | "flow" | null (the program's rules). */
  source: string | null;
  tier: { id: string; name: string; multiplierPercent: number; thresholdMinor: number } | null;
  previousTier: { id: string; name: string; thresholdMinor: number } | null;
  periodEnd: string | null;
  windowDays: number;
  /** The buyer's language at their latest order ('' when unknown). */
  locale: string;
}

interface ChangeRow {
  id: string;
  shop: string;
  customerId: string;
  fromTierId: string | null;
  toTierId: string | null;
  fromPeriodEnd: string | null;
  toPeriodEnd: string | null;
  source: string | null;
  locale: string;
}

/**
 * The tier changes of installed shops in the event window that `table` has no row for yet (its event key
 * `tier:<id>`), as news to the member; changes that are none (tierDirection null) are left out. Erased members
 * hear of nothing.
 */
export async function recentTierEvents(db: PrismaClient, table: "MemberMail" | "FlowTriggerEvent", now: Date): Promise<TierEvent[]> {
  const rows = await sqlOf(db).query<ChangeRow>(
    `SELECT c."id"::text AS "id", c."shop", c."customerId", c."fromTierId", c."toTierId",
            ${utcTextColumn("fromPeriodEnd", { from: "c" })}, ${utcTextColumn("toPeriodEnd", { from: "c" })}, c."source",
            ${latestLocaleSql('c."shop"', 'c."customerId"')} AS "locale"
       FROM "TierChange" c
       JOIN "Shop" s ON s."domain" = c."shop" AND s."uninstalledAt" IS NULL
       JOIN "Member" m ON m."shop" = c."shop" AND m."customerId" = c."customerId" AND m."redactedAt" IS NULL
      WHERE c."at" >= $1::timestamp(3) AND c."source" IS DISTINCT FROM 'import'
        AND NOT EXISTS (SELECT 1 FROM "${table}" x WHERE x."shop" = c."shop" AND x."eventKey" = 'tier:' || c."id")
      ORDER BY c."id"
      LIMIT ${READ_BATCH}`,
    [eventWindowStart(now)],
  );
  const programs = new Map<string, VipSettings>();
  const events: TierEvent[] = [];
  for (const row of rows) {
    let vip = programs.get(row.shop);
    if (!vip) programs.set(row.shop, (vip = (await loadLoyaltyProgram(db, row.shop)).vip));
    const change = {
      fromTierId: row.fromTierId,
      toTierId: row.toTierId,
      fromPeriodEnd: row.fromPeriodEnd ? new Date(row.fromPeriodEnd) : null,
      toPeriodEnd: row.toPeriodEnd ? new Date(row.toPeriodEnd) : null,
      source: row.source,
    };
    const direction = tierDirection(change, vip.tiers);
    if (!direction) continue;
    const tier = vip.tiers.find((t) => t.id === row.toTierId) ?? null;
    const previous = vip.tiers.find((t) => t.id === row.fromTierId) ?? null;
    events.push({
      eventKey: `tier:${row.id}`,
      shop: row.shop,
      customerId: row.customerId,
      direction,
      source: row.source,
      tier: tier && { id: tier.id, name: tier.name, multiplierPercent: tier.multiplierPercent, thresholdMinor: tier.thresholdMinor },
      previousTier: previous && { id: previous.id, name: previous.name, thresholdMinor: previous.thresholdMinor },
      periodEnd: row.toPeriodEnd,
      windowDays: vip.windowDays,
      locale: row.locale,
    });
  }
  return events;
}
