// Webhook steps that keep the order history current after the import. Each upserts from Shopify's
// REST payload inside the inbox worker's transaction; the store's rules (newer updatedAt wins,
// cancellations stick, refunds are immutable) make duplicates and any arrival order harmless.
import type { WebhookEvent } from "@prisma/client";
import type { WebhookHandler } from "./webhook-worker.server";
import { customerFromRest, HistoryRecordError, orderFromRest, refundFromRest, numericId } from "./history-records.server";
import { nudgeHistoryImport } from "./history-import.server";
import {
  bumpHistoryVersion,
  ensureHistoryCustomers,
  eraseShopHistory,
  redactHistoryCustomer,
  upsertHistoryCustomers,
  upsertHistoryOrders,
  upsertHistoryRefunds,
} from "./history-store.server";

type Tx = Parameters<WebhookHandler>[0];

async function recordOrder(tx: Tx, event: WebhookEvent) {
  const { order, customer, refunds } = orderFromRest(event.payload);
  if (customer) await ensureHistoryCustomers(tx, event.shop, "webhook", [customer]);
  await upsertHistoryOrders(tx, event.shop, "webhook", [order]);
  await upsertHistoryRefunds(tx, event.shop, "webhook", refunds);
  await bumpHistoryVersion(tx, event.shop);
}

async function recordRefund(tx: Tx, event: WebhookEvent) {
  // Refund payloads carry no order currency; line subtotals name theirs, else the shop's is used.
  const shop = await tx.shop.findUnique({ where: { domain: event.shop }, select: { currency: true } });
  const payload = event.payload as { refund_line_items?: { subtotal_set?: unknown }[] };
  const named = payload.refund_line_items?.some((l) => l.subtotal_set);
  await upsertHistoryRefunds(tx, event.shop, "webhook", [refundFromRest(event.payload, named ? null : (shop?.currency ?? "USD"))]);
  await bumpHistoryVersion(tx, event.shop);
}

async function recordCustomer(tx: Tx, event: WebhookEvent) {
  await upsertHistoryCustomers(tx, event.shop, "webhook", [customerFromRest(event.payload)]);
  await bumpHistoryVersion(tx, event.shop);
}

/**
 * A payload the history cannot read is skipped with a warning instead of failing the topic: the
 * topic's other steps (points) share the transaction and must not be held back by analytics, and a
 * retry would read the same payload. The next update of the record or a re-import repairs the row.
 */
function tolerant(step: WebhookHandler): WebhookHandler {
  return async (tx, event) => {
    try {
      await step(tx, event);
    } catch (error) {
      if (!(error instanceof HistoryRecordError)) throw error;
      console.warn(`[treue] order history skipped ${event.topic} ${event.eventId} for ${event.shop}: ${error.message}`);
    }
  };
}

export const historySteps: Record<string, WebhookHandler[]> = {
  ORDERS_CREATE: [tolerant(recordOrder)],
  ORDERS_UPDATED: [tolerant(recordOrder)],
  ORDERS_CANCELLED: [tolerant(recordOrder)],
  REFUNDS_CREATE: [tolerant(recordRefund)],
  CUSTOMERS_CREATE: [tolerant(recordCustomer)],
  BULK_OPERATIONS_FINISH: [
    async (_tx, event) => {
      // The import polls anyway; this only ends its current wait early (after this transaction).
      setImmediate(() => nudgeHistoryImport(event.shop));
    },
  ],
  CUSTOMERS_REDACT: [
    async (tx, event) => {
      const customer = (event.payload as { customer?: { id?: unknown } }).customer;
      if (customer?.id !== undefined) await redactHistoryCustomer(tx, event.shop, numericId(customer.id, "customers/redact"));
    },
  ],
  SHOP_REDACT: [(tx, event) => eraseShopHistory(tx, event.shop)],
};
