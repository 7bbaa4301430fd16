// The durable webhook inbox. A delivery is verified, written once (keyed by shop + event id) and
// acknowledged; processing happens afterwards, so Shopify gets its 200 in milliseconds and an
// acknowledged event survives a crash (the worker picks up whatever is still pending at start).
import type { SqlRunner } from "~/db/connection.server";

export interface VerifiedWebhook {
  shop: string;
  topic: string; // as the library reports it, e.g. ORDERS_CREATE
  webhookId: string;
  eventId?: string;
  apiVersion: string;
  triggeredAt?: string;
  payload: Record<string, unknown>;
  /** The delivered body the payload was parsed from: stored as it is, so a big order is not serialised again. */
  payloadText?: string;
}

export interface RecordResult {
  duplicate: boolean;
}

/** The inbox key: Shopify's event id, or the delivery's webhook id when a topic has none. */
export function inboxEventId(webhook: Pick<VerifiedWebhook, "eventId" | "webhookId">): string {
  return webhook.eventId || `webhook:${webhook.webhookId}`;
}

/** Shopify's trigger time as UTC text for a timestamp column (a Date would be sent in the server's zone). */
function triggeredAtOf(webhook: VerifiedWebhook): string | null {
  const at = webhook.triggeredAt ? new Date(webhook.triggeredAt) : null;
  return at && !Number.isNaN(at.getTime()) ? at.toISOString() : null;
}

const COLUMNS = 7;

/**
 * Writes webhooks with group commit: while one INSERT is in flight, deliveries arriving meanwhile
 * wait and go together in the next multi-row INSERT. A lone delivery is written at once (no added
 * latency); a burst costs one commit per batch instead of one per delivery. Each caller's promise
 * resolves only after its row is committed, so a 200 is never sent for an unwritten event.
 */
export class WebhookInbox {
  private queue: { webhook: VerifiedWebhook; resolve: (r: RecordResult) => void; reject: (e: unknown) => void }[] = [];
  private writing = false;

  constructor(
    // Plain SQL on the pool: the one statement per batch needs none of Prisma's query building.
    private readonly sql: Pick<SqlRunner, "query">,
    private readonly maxBatch = 200,
  ) {}

  record(webhook: VerifiedWebhook): Promise<RecordResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ webhook, resolve, reject });
      if (!this.writing) void this.writeBatches();
    });
  }

  private async writeBatches() {
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          const inserted = await this.insert(batch.map((b) => b.webhook));
          // Within one batch, a repeated key is written once: the first copy is the new one.
          const seen = new Set<string>();
          for (const { webhook, resolve } of batch) {
            const key = `${webhook.shop}\u0000${webhook.topic}\u0000${inboxEventId(webhook)}`;
            const isNew = inserted.has(key) && !seen.has(key);
            seen.add(key);
            resolve({ duplicate: !isNew });
          }
        } catch (error) {
          for (const { reject } of batch) reject(error);
        }
      }
    } finally {
      this.writing = false;
    }
  }

  private async insert(webhooks: VerifiedWebhook[]): Promise<Set<string>> {
    const values: unknown[] = [];
    const rows = webhooks.map((w, i) => {
      values.push(w.shop, w.topic, inboxEventId(w), w.webhookId, w.apiVersion, triggeredAtOf(w), w.payloadText ?? JSON.stringify(w.payload));
      const p = (n: number) => `$${i * COLUMNS + n}`;
      return `(${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}::timestamp(3), ${p(7)}::jsonb)`;
    });
    const inserted = await this.sql.query<{ shop: string; topic: string; eventId: string }>(
      `INSERT INTO "WebhookEvent" ("shop", "topic", "eventId", "webhookId", "apiVersion", "triggeredAt", "payload")
       VALUES ${rows.join(", ")}
       ON CONFLICT ("shop", "topic", "eventId") DO NOTHING
       RETURNING "shop", "topic", "eventId"`,
      values,
    );
    return new Set(inserted.map((r) => `${r.shop}\u0000${r.topic}\u0000${r.eventId}`));
  }
}

/** Records one webhook (tests and scripts; the app uses a shared WebhookInbox for group commit). */
export async function recordWebhook(sql: Pick<SqlRunner, "query">, webhook: VerifiedWebhook): Promise<RecordResult> {
  return new WebhookInbox(sql).record(webhook);
}
