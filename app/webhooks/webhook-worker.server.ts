// Applies recorded webhook events. Each topic's handler runs in a transaction with the event's status
// change, so an event is applied exactly once; a failing event is retried with backoff and parked
// (visible to the merchant) after MAX_ATTEMPTS, never dropped. Topics without a handler yet stay
// "received" and are applied once a handler exists. The worker's own statements are plain SQL on the
// transaction's connection (Database.transaction), as are the hot batch steps' (sqlOf(tx)): building them
// through Prisma cost more than running them (docs/decisions/015).
import type { PrismaClient, WebhookEvent } from "@prisma/client";
import { databaseOf, utcTextColumn, type Database, type SqlStatements } from "~/db/connection.server";

type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
export type WebhookHandler = (tx: Tx, event: WebhookEvent) => Promise<void>;

/**
 * A step that can also apply many events at once. `many(tx, events)` must leave the database exactly as
 * `one` applied to each event in turn (events come in triggered order) would; it may throw for the whole
 * batch whenever one event can't be applied, since the worker then retries smaller batches and, around the
 * failing event, one event at a time.
 */
export interface BatchWebhookStep {
  one: WebhookHandler;
  many: (tx: Tx, events: WebhookEvent[]) => Promise<void>;
}
export type WebhookStep = WebhookHandler | BatchWebhookStep;

/**
 * What the worker runs for a topic: a function applying one event. When it also carries its `steps`, a run
 * of consecutive events whose topics have the same steps is applied step by step over the whole run.
 */
export type TopicHandler = WebhookHandler & { steps?: readonly WebhookStep[] };

/** A topic handler that runs `steps` in order for one event, and offers them to the worker for batches. */
export function topicHandler(steps: readonly WebhookStep[]): TopicHandler {
  const handler: WebhookHandler = async (tx, event) => {
    for (const step of steps) await (typeof step === "function" ? step(tx, event) : step.one(tx, event));
  };
  return Object.assign(handler, { steps });
}

export const MAX_ATTEMPTS = 8;

/** A failed set-based batch this small is applied event by event rather than split again. */
const SMALLEST_SPLIT = 8;

/**
 * Thrown by a step when the payload itself can never be applied (a malformed order, say): retrying cannot
 * help, so the event is parked at once with this message as its lastError for the merchant to see.
 */
export class UnusablePayloadError extends Error {
  override name = "UnusablePayloadError";
}

export function retryDelayMs(attempts: number): number {
  // 1 s, 2 s, 4 s … capped at 10 minutes.
  return Math.min(1000 * 2 ** Math.max(0, attempts - 1), 10 * 60 * 1000);
}

const TRANSACTION = { maxWait: 30_000, timeout: 120_000 };

export class WebhookWorker {
  private stopped = false;
  private readonly database: Database;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly handlers: Record<string, TopicHandler>,
    private readonly batchSize = 500,
    /** How a batch is applied: "set" (set-based, falling back to "each") or "each" (a savepoint per event). */
    private readonly mode: "set" | "each" = "set",
  ) {
    this.database = databaseOf(prisma);
  }

  /**
   * When the shop's inbox next has an event to apply: now or earlier if one is due, the earliest retry time if
   * only failed events wait, null if nothing of it waits.
   */
  async nextDue(shop: string): Promise<Date | null> {
    const [row] = await this.database.sql.query<{ at: string | null }>(
      `SELECT to_char(min("nextAttemptAt"), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at FROM "WebhookEvent"
        WHERE "status" = 'received' AND "shop" = $1 AND "topic" = ANY($2::text[])`,
      [shop, Object.keys(this.handlers)],
    );
    return row?.at ? new Date(row.at) : null;
  }

  /** The shops with an event due now (the engine's sweep sends each an apply job). */
  async shopsWithDueEvents(now = new Date()): Promise<string[]> {
    const rows = await this.database.sql.query<{ shop: string }>(
      `SELECT DISTINCT "shop" FROM "WebhookEvent" WHERE "status" = 'received' AND "nextAttemptAt" <= $1::timestamp(3) AND "topic" = ANY($2::text[])`,
      [now.toISOString(), Object.keys(this.handlers)],
    );
    return rows.map((r) => r.shop);
  }

  /**
   * Takes no new batch: a drain in progress ends after the batch in hand, which the job engine's graceful stop
   * waits for (drains run inside its apply jobs).
   */
  async stop(): Promise<void> {
    this.stopped = true;
  }

  /** Applies every due event for topics with a handler (of one shop, if given); returns how many were applied. */
  async drain(now = () => new Date(), shop?: string): Promise<number> {
    const topics = Object.keys(this.handlers);
    let applied = 0;
    for (;;) {
      // Stopping (SIGTERM): the batch in hand was finished; what is left stays due for the next instance.
      if (this.stopped) return applied;
      const rows = await this.database.sql.query<EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM "WebhookEvent"
          WHERE "status" = 'received' AND "topic" = ANY($1::text[]) AND "nextAttemptAt" <= $2::timestamp(3)
            AND ($4::text IS NULL OR "shop" = $4::text)
          ORDER BY "triggeredAt" ASC, "id" ASC LIMIT $3`, // events about the same resource apply in the order Shopify triggered them
        [topics, now().toISOString(), this.batchSize, shop ?? null],
      );
      const due = rows.map(eventFromRow);
      if (due.length === 0) return applied;
      applied += await this.applyBatch(due, now);
    }
  }

  /**
   * Applies a batch set-based: one transaction that claims every event in one statement and runs each
   * step once over a run of events (see applyTogether). If anything in it throws, nothing of it was
   * committed; the batch is split in halves that are tried again the same way, so a poison event costs a
   * few set-based attempts instead of sending the whole batch down the slow path, and a handful of events
   * around it are applied event by event (applyEach), which isolates it and records its failure.
   */
  private async applyBatch(events: WebhookEvent[], now: () => Date): Promise<number> {
    if (this.mode === "set") {
      try {
        return await this.applyTogether(events, now);
      } catch {
        if (events.length > SMALLEST_SPLIT) {
          const half = Math.ceil(events.length / 2);
          return (await this.applyBatch(events.slice(0, half), now)) + (await this.applyBatch(events.slice(half), now));
        }
      }
    }
    if (events.length === 1) return (await this.apply(events[0], now)) ? 1 : 0;
    return this.applyEach(events, now);
  }

  private async applyTogether(events: WebhookEvent[], now: () => Date): Promise<number> {
    return this.database.transaction(
      async (tx, sql) => {
        const claimed = await claimEvents(sql, events, now);
        const mine = events.filter((e) => claimed.has(String(e.id)) && this.handlers[e.topic]);
        // Runs of consecutive events with the same steps, so events keep their triggered order across topics.
        for (let from = 0; from < mine.length; ) {
          const steps = this.handlers[mine[from].topic].steps;
          let to = from + 1;
          while (to < mine.length && sameSteps(this.handlers[mine[to].topic].steps, steps)) to++;
          const run = mine.slice(from, to);
          if (!steps) {
            for (const event of run) await this.handlers[event.topic](tx, event);
          } else {
            for (const step of steps) {
              if (typeof step !== "function") await step.many(tx, run);
              else for (const event of run) await step(tx, event);
            }
          }
          from = to;
        }
        return mine.length;
      },
      TRANSACTION,
    );
  }

  /**
   * Applies a batch in one transaction, each event inside its own savepoint: one commit per batch instead
   * of one per event, while a failing event is still rolled back alone and retried or parked as before.
   * If the batch as a whole fails (a lost connection), nothing of it was committed and each event is
   * applied on its own.
   */
  private async applyEach(events: WebhookEvent[], now: () => Date): Promise<number> {
    let applied = 0;
    try {
      await this.database.transaction(async (tx, sql) => {
        applied = 0;
        for (const event of events) {
          const handler = this.handlers[event.topic];
          if (!handler) continue;
          await sql.execute("SAVEPOINT treue_event");
          try {
            if (await claim(sql, event, now)) {
              await handler(tx, event);
              applied++;
            }
            await sql.execute("RELEASE SAVEPOINT treue_event");
          } catch (error) {
            await sql.execute("ROLLBACK TO SAVEPOINT treue_event");
            await sql.execute("RELEASE SAVEPOINT treue_event");
            await this.recordFailure(tx, event, error, now);
          }
        }
      }, TRANSACTION);
      return applied;
    } catch {
      let one = 0;
      for (const event of events) if (await this.apply(event, now)) one++;
      return one;
    }
  }

  private async apply(event: WebhookEvent, now: () => Date): Promise<boolean> {
    const handler = this.handlers[event.topic];
    if (!handler) return false;
    try {
      await this.database.transaction(async (tx, sql) => {
        // Claim inside the transaction: a concurrent worker that claimed it first makes this a no-op.
        if (await claim(sql, event, now)) await handler(tx, event);
      });
      return true;
    } catch (error) {
      await this.recordFailure(this.prisma, event, error, now);
      return false;
    }
  }

  private async recordFailure(db: Pick<PrismaClient, "webhookEvent">, event: WebhookEvent, error: unknown, now: () => Date): Promise<void> {
    const attempts = event.attempts + 1;
    const unusable = error instanceof UnusablePayloadError;
    const parked = unusable || attempts >= MAX_ATTEMPTS;
    await db.webhookEvent.update({
      where: { id: event.id },
      data: {
        attempts,
        status: parked ? "parked" : "received",
        lastError: (unusable ? `${event.topic}: ${error.message}` : String((error as Error)?.stack ?? error)).slice(0, 4000),
        nextAttemptAt: new Date(now().getTime() + retryDelayMs(attempts)),
      },
    });
  }
}

/**
 * Marks the events processed unless they are no longer "received" (another worker applied them meanwhile:
 * their status is re-checked under the row lock); returns the ids claimed. Locked in id order, so two workers
 * with overlapping batches wait for each other instead of deadlocking.
 */
async function claimEvents(sql: SqlStatements, events: readonly WebhookEvent[], now: () => Date): Promise<Set<string>> {
  const claimed = await sql.query<{ id: string }>(
    `WITH due AS (SELECT "id" FROM "WebhookEvent" WHERE "id" = ANY($1::bigint[]) AND "status" = 'received' ORDER BY "id" FOR UPDATE)
     UPDATE "WebhookEvent" e SET "status" = 'processed', "processedAt" = $2::timestamp(3), "attempts" = e."attempts" + 1, "lastError" = NULL
       FROM due WHERE e."id" = due."id" RETURNING e."id"::text AS id`,
    [events.map((e) => String(e.id)), now().toISOString()],
  );
  return new Set(claimed.map((r) => r.id));
}

/** claimEvents for one event: true if it was claimed. */
async function claim(sql: SqlStatements, event: WebhookEvent, now: () => Date): Promise<boolean> {
  return (await claimEvents(sql, [event], now)).size === 1;
}

// Times as text (see SqlStatements): TIMESTAMP(3) columns hold UTC wall time.
const EVENT_COLUMNS = [
  `"id"::text AS "id"`,
  `"shop"`,
  `"topic"`,
  `"eventId"`,
  `"webhookId"`,
  `"apiVersion"`,
  utcTextColumn("triggeredAt"),
  utcTextColumn("receivedAt"),
  `"payload"`,
  `"status"`,
  `"attempts"`,
  utcTextColumn("nextAttemptAt"),
  `"lastError"`,
  utcTextColumn("processedAt"),
].join(", ");

type EventRow = Omit<WebhookEvent, "id" | "triggeredAt" | "receivedAt" | "nextAttemptAt" | "processedAt"> & {
  id: string;
  triggeredAt: string | null;
  receivedAt: string;
  nextAttemptAt: string;
  processedAt: string | null;
};

function eventFromRow(row: EventRow): WebhookEvent {
  return {
    ...row,
    id: BigInt(row.id),
    triggeredAt: row.triggeredAt === null ? null : new Date(row.triggeredAt),
    receivedAt: new Date(row.receivedAt),
    nextAttemptAt: new Date(row.nextAttemptAt),
    processedAt: row.processedAt === null ? null : new Date(row.processedAt),
  };
}

function sameSteps(a: readonly WebhookStep[] | undefined, b: readonly WebhookStep[] | undefined): boolean {
  if (!a || !b) return false;
  return a === b || (a.length === b.length && a.every((step, i) => step === b[i]));
}
