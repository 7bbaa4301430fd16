// Applies recorded webhook events. Each topic's handler runs in its own transaction with the event's
// status change, so an event is applied exactly once; a failing event is retried with backoff and
// parked (visible to the merchant) after MAX_ATTEMPTS, never dropped. Topics without a handler yet
// stay "received" and are applied once a handler exists.
import type { PrismaClient, WebhookEvent } from "@prisma/client";

type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
export type WebhookHandler = (tx: Tx, event: WebhookEvent) => Promise<void>;

export const MAX_ATTEMPTS = 8;

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
      for (const event of due) {
        if (await this.apply(event, now)) applied++;
      }
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
      const attempts = event.attempts + 1;
      const parked = attempts >= MAX_ATTEMPTS;
      await this.prisma.webhookEvent.update({
        where: { id: event.id },
        data: {
          attempts,
          status: parked ? "parked" : "received",
          lastError: String((error as Error)?.stack ?? error).slice(0, 4000),
          nextAttemptAt: new Date(now().getTime() + retryDelayMs(attempts)),
        },
      });
      return false;
    }
  }
}
