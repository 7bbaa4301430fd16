// The events members and Flow hear about, read from the ledger: points earned on an order, in an installed shop,
// within the last few days (an import or a webhook days late wakes nobody). Member e-mails and Flow triggers each
// record one row per event in their own table (unique per shop and event key) from this.
import { sqlOf } from "~/db/connection.server";
import { MAIL_CATEGORY, type MailKind } from "./domain/member-mail";
import { mailKindOnSql } from "./mail-settings.server";

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

/**
 * One outbox's queue of events: a row per shop and event key in `into` for every event `from` finds that has none
 * yet. `from` is the FROM … WHERE … of the events (ending in a condition: "not queued yet" is added to it); `shop`,
 * `customerId` and `eventKey` are SQL over its aliases, `values` the outbox's other columns and their SQL.
 */
export interface OutboxQueue {
  into: "MemberMail" | "FlowTriggerEvent";
  shop: string;
  customerId: string;
  eventKey: string;
  values: Record<string, string>;
  from: string;
  orderBy: string;
}

/** Queues an outbox's new events (OutboxQueue); the shops that got rows, each once. Queued twice, an event is one row. */
export function queueEvents(db: SqlDb, q: OutboxQueue, params: unknown[]): Promise<string[]> {
  const columns = Object.keys(q.values);
  return insertForShops(
    db,
    `INSERT INTO "${q.into}" ("shop", "customerId", "eventKey", ${columns.map((c) => `"${c}"`).join(", ")})
     SELECT ${q.shop}, ${q.customerId}, ${q.eventKey}, ${columns.map((c) => q.values[c]).join(", ")}
       ${q.from}
        AND NOT EXISTS (SELECT 1 FROM "${q.into}" queued WHERE queued."shop" = ${q.shop} AND queued."eventKey" = ${q.eventKey})
      ORDER BY ${q.orderBy}
     ON CONFLICT ("shop", "eventKey") DO NOTHING
     RETURNING "shop"`,
    params,
  );
}

/**
 * Queues one `kind` mail per event `from` finds (FROM … WHERE …, as OutboxQueue) that has none yet, if the shop
 * sends that kind; `locale` and `data` are SQL over its aliases. The shops that got new mail.
 */
export function queueMails(
  db: SqlDb,
  q: { kind: MailKind; shop: string; customerId: string; eventKey: string; locale: string; data: string; from: string; orderBy: string },
  params: unknown[],
): Promise<string[]> {
  return queueEvents(
    db,
    {
      into: "MemberMail",
      shop: q.shop,
      customerId: q.customerId,
      eventKey: q.eventKey,
      values: { kind: `'${q.kind}'`, category: `'${MAIL_CATEGORY[q.kind]}'`, locale: q.locale, data: q.data },
      from: `${q.from}
        AND ${mailKindOnSql(q.kind, q.shop)}`,
      orderBy: q.orderBy,
    },
    params,
  );
}

/** Runs an outbox INSERT … RETURNING "shop" and answers the shops that got rows, each once. */
export async function insertForShops(db: SqlDb, statement: string, params: unknown[]): Promise<string[]> {
  const rows = await sqlOf(db).query<{ shop: string }>(statement, params);
  return [...new Set(rows.map((r) => r.shop))];
}

export function eventWindowStart(now: Date): string {
  return new Date(now.getTime() - EVENT_WINDOW_MS).toISOString().slice(0, 23);
}
