// The durable webhook inbox. A delivery is verified, written once (keyed by shop + event id) and
// acknowledged; processing happens afterwards, so Shopify gets its 200 in milliseconds and an
// acknowledged event survives a crash (the worker picks up whatever is still pending at start).
import type { PrismaClient, Prisma } from "@prisma/client";

export interface VerifiedWebhook {
  shop: string;
  topic: string; // as the library reports it, e.g. ORDERS_CREATE
  webhookId: string;
  eventId?: string;
  apiVersion: string;
  triggeredAt?: string;
  payload: Record<string, unknown>;
}

export interface RecordResult {
  duplicate: boolean;
}

/** Writes the event unless the same event (or, lacking an event id, the same delivery) is already in. */
export async function recordWebhook(prisma: PrismaClient, webhook: VerifiedWebhook): Promise<RecordResult> {
  const triggeredAt = webhook.triggeredAt ? new Date(webhook.triggeredAt) : null;
  const { count } = await prisma.webhookEvent.createMany({
    data: [
      {
        shop: webhook.shop,
        topic: webhook.topic,
        eventId: webhook.eventId || `webhook:${webhook.webhookId}`,
        webhookId: webhook.webhookId,
        apiVersion: webhook.apiVersion,
        triggeredAt: triggeredAt && !Number.isNaN(triggeredAt.getTime()) ? triggeredAt : null,
        payload: webhook.payload as Prisma.InputJsonValue,
      },
    ],
    skipDuplicates: true,
  });
  return { duplicate: count === 0 };
}
