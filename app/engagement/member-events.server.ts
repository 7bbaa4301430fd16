// The events members and Flow hear about, read from the ledger: points earned on an order, in an installed shop,
// within the last few days (an import or a webhook days late wakes nobody). Member e-mails and Flow triggers each
// record one row per event in their own table (unique per shop and event key) from this.
import { sqlOf } from "~/db/connection.server";

type SqlDb = Parameters<typeof sqlOf>[0];

/** Points earned on orders older than this are not announced. */
export const EVENT_WINDOW_MS = 3 * 86_400_000;

/**
 * FROM/WHERE of the points-earned events since `$1` (timestamp(3), eventWindowStart): `l` is the ledger entry, `o`
 * the order's points row (its name and the buyer's language in `o."newest"`). The event key is
 * `'points-earned:' || l."idempotencyKey"`.
 */
export const RECENT_POINTS_EARNED = `FROM "LedgerEntry" l
       JOIN "Shop" s ON s."domain" = l."shop" AND s."uninstalledAt" IS NULL
       LEFT JOIN "OrderPoints" o ON o."shop" = l."shop" AND o."orderId" = l."orderId"
      WHERE l."kind" = 'earn' AND l."at" >= $1::timestamp(3)`;

export const POINTS_EARNED_KEY = `'points-earned:' || l."idempotencyKey"`;

/** SQL for the buyer's language at their latest order ('' when none is known), for a shop and customer id expression. */
export function latestLocaleSql(shop: string, customerId: string): string {
  return `COALESCE((SELECT op."newest"->>'locale' FROM "OrderPoints" op WHERE op."shop" = ${shop} AND op."customerId" = ${customerId}
                     ORDER BY op."newest"->>'createdAt' DESC NULLS LAST LIMIT 1), '')`;
}

/** Runs an outbox INSERT … RETURNING "shop" and answers the shops that got rows, each once. */
export async function insertForShops(db: SqlDb, statement: string, params: unknown[]): Promise<string[]> {
  const rows = await sqlOf(db).query<{ shop: string }>(statement, params);
  return [...new Set(rows.map((r) => r.shop))];
}

export function eventWindowStart(now: Date): string {
  return new Date(now.getTime() - EVENT_WINDOW_MS).toISOString().slice(0, 23);
}
