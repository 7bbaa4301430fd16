// Applies recorded webhook events. Each topic's handler runs in its own transaction with the event's
// status change, so an event is applied exactly once; a failing event is retried with backoff and
// parked (visible to the merchant) after MAX_ATTEMPTS, never dropped. Topics without a handler yet
// stay "received" and are applied once a handler exists.
import type { PrismaClient, WebhookEvent } from "@prisma/client";

type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
export type WebhookHandler = (tx: Tx, event: WebhookEvent) => Promise<void>;

export const MAX_ATTEMPTS = 8;

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

export class WebhookWorker {
  private running: Promise<number> | null = null;
  private again = false;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly handlers: Record<string, WebhookHandler>,
    private readonly batchSize = 50,
  ) {}

  /** Starts a drain unless one is running; a request during a drain schedules one more pass. */
  kick(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      let total = 0;
      do {
        this.again = false;
        total += await this.drain();
      } while (this.again);
      return total;
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Applies every due event for topics with a handler; returns how many were applied. */
  async drain(now = () => new Date()): Promise<number> {
    const topics = Object.keys(this.handlers);
    let applied = 0;
    for (;;) {
      const due = await this.prisma.webhookEvent.findMany({
        where: { status: "received", topic: { in: topics }, nextAttemptAt: { lte: now() } },
        // Events about the same resource apply in the order Shopify triggered them.
        orderBy: [{ triggeredAt: "asc" }, { id: "asc" }],
        take: this.batchSize,
      });
      if (due.length === 0) return applied;
      applied += await this.applyBatch(due, now);
    }
  }

  /**
   * Applies a batch in one transaction, each event inside its own savepoint: one commit per batch instead
   * of one per event, while a failing event is still rolled back alone and retried or parked as before.
   * If the batch as a whole fails (a lost connection), nothing of it was committed and each event is
   * applied on its own.
   */
  private async applyBatch(events: WebhookEvent[], now: () => Date): Promise<number> {
    if (events.length === 1) return (await this.apply(events[0], now)) ? 1 : 0;
    let applied = 0;
    try {
      await this.prisma.$transaction(
        async (tx) => {
          applied = 0;
          for (const event of events) {
            const handler = this.handlers[event.topic];
            if (!handler) continue;
            await tx.$executeRawUnsafe("SAVEPOINT treue_event");
            try {
              const claimed = await tx.webhookEvent.updateMany({
                where: { id: event.id, status: "received" },
                data: { status: "processed", processedAt: now(), attempts: { increment: 1 }, lastError: null },
              });
              if (claimed.count === 1) {
                await handler(tx, event);
                applied++;
              }
              await tx.$executeRawUnsafe("RELEASE SAVEPOINT treue_event");
            } catch (error) {
              await tx.$executeRawUnsafe("ROLLBACK TO SAVEPOINT treue_event");
              await tx.$executeRawUnsafe("RELEASE SAVEPOINT treue_event");
              await this.recordFailure(tx, event, error, now);
            }
          }
        },
        { maxWait: 30_000, timeout: 120_000 },
      );
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
      await this.prisma.$transaction(async (tx) => {
        // Claim inside the transaction: a concurrent worker that claimed it first makes this a no-op.
        const claimed = await tx.webhookEvent.updateMany({
          where: { id: event.id, status: "received" },
          data: { status: "processed", processedAt: now(), attempts: { increment: 1 }, lastError: null },
        });
        if (claimed.count === 0) return;
        await handler(tx, event);
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
