// Webhook events the worker gave up on ("parked"): listed for the merchant, and put back in the queue on
// request once the cause is fixed.
import type { PrismaClient } from "@prisma/client";

export async function listParkedEvents(prisma: PrismaClient, shop: string, take = 100) {
  const rows = await prisma.webhookEvent.findMany({
    where: { shop, status: "parked" },
    orderBy: { id: "desc" },
    take,
    select: { id: true, topic: true, eventId: true, receivedAt: true, attempts: true, lastError: true },
  });
  return rows.map((r) => ({ ...r, id: String(r.id), receivedAt: r.receivedAt.toISOString(), lastError: (r.lastError ?? "").split("\n")[0].slice(0, 500) }));
}

/** Puts a parked event back as new (attempts reset); true if it was parked in this shop. */
export async function retryParkedEvent(prisma: PrismaClient, shop: string, id: bigint, now = new Date()): Promise<boolean> {
  const { count } = await prisma.webhookEvent.updateMany({
    where: { id, shop, status: "parked" },
    data: { status: "received", attempts: 0, nextAttemptAt: now },
  });
  return count === 1;
}
