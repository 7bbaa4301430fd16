// Webhook steps that keep the order history current after the import. Each upserts from Shopify's
// REST payload inside the inbox worker's transaction; the store's rules (newer updatedAt wins,
// cancellations stick, refunds are immutable) make duplicates and any arrival order harmless.
import type { WebhookEvent } from "@prisma/client";
import { restIdOf } from "~/shopify/domain/rest-id";
import type { BatchWebhookStep, WebhookHandler, WebhookStep } from "~/webhooks/webhook-worker.server";
import { customerFromRest, HistoryRecordError, orderFromRest, refundFromRest, numericId } from "./history-records.server";
import { nudgeHistoryImport } from "./history-import.server";
import {
  type HistoryCustomerRow,
  type HistoryOrderRow,
  type HistoryRefundRow,
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

/**
 * recordOrder for a run of order events, with the rows recordOrder would leave applied one by one: per
 * shop, customers are inserted-if-unknown from their first appearance, and orders and refunds are upserted
 * in layers (the first version of each id, then the second …) so that several versions of one order in the
 * run meet the store's newer-wins rules in their original order. The version is bumped once per shop.
 */
async function recordOrders(tx: Tx, events: readonly WebhookEvent[]) {
  const byShop = new Map<string, { customers: Map<string, HistoryCustomerRow>; orders: HistoryOrderRow[]; refunds: HistoryRefundRow[] }>();
  for (const event of events) {
    let records;
    try {
      records = orderFromRest(event.payload);
    } catch (error) {
      if (!(error instanceof HistoryRecordError)) throw error;
      console.warn(`[treue] order history skipped ${event.topic} ${event.eventId} for ${event.shop}: ${error.message}`);
      continue;
    }
    let shop = byShop.get(event.shop);
    if (!shop) byShop.set(event.shop, (shop = { customers: new Map(), orders: [], refunds: [] }));
    if (records.customer && !shop.customers.has(records.customer.id)) shop.customers.set(records.customer.id, records.customer);
    shop.orders.push(records.order);
    shop.refunds.push(...records.refunds);
  }
  for (const shop of [...byShop.keys()].sort()) {
    const { customers, orders, refunds } = byShop.get(shop)!;
    if (customers.size > 0) await ensureHistoryCustomers(tx, shop, "webhook", byId([...customers.values()]));
    for (const layer of layers(orders)) await upsertHistoryOrders(tx, shop, "webhook", layer);
    for (const layer of layers(refunds)) await upsertHistoryRefunds(tx, shop, "webhook", layer);
    await bumpHistoryVersion(tx, shop);
  }
}

/** Rows split so that each id appears once per layer, in the order given; each layer sorted by id (lock order). */
function layers<T extends { id: string }>(rows: readonly T[]): T[][] {
  const result: T[][] = [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    const n = seen.get(row.id) ?? 0;
    seen.set(row.id, n + 1);
    (result[n] ??= []).push(row);
  }
  return result.map(byId);
}

function byId<T extends { id: string }>(rows: T[]): T[] {
  return rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * orders/delete: the order history keeps a deleted order as a cancelled one at the deletion (what it earned the
 * shop is taken back then, as for a cancellation), through the same newest-wins upsert as every order event.
 */
async function recordOrderDeletion(tx: Tx, event: WebhookEvent) {
  const id = restIdOf((event.payload as { id?: unknown }).id);
  if (!id) return; // the points step parks it
  const order = await tx.historyOrder.findUnique({ where: { shop_id: { shop: event.shop, id: BigInt(id) } } });
  if (!order) return;
  const at = event.triggeredAt ?? event.receivedAt;
  await upsertHistoryOrders(tx, event.shop, "webhook", [
    {
      id: String(order.id),
      customerId: order.customerId === null ? null : String(order.customerId),
      createdAt: order.createdAt,
      updatedAt: at > order.updatedAt ? at : new Date(order.updatedAt.getTime() + 1),
      amountMinor: Number(order.amountMinor),
      currency: order.currency,
      cancelledAt: order.cancelledAt ?? at,
    },
  ]);
  await bumpHistoryVersion(tx, event.shop);
}

/** The order topics' history step: one event at a time, or a run of them set-based. */
export const orderHistoryStep: BatchWebhookStep = { one: tolerant(recordOrder), many: recordOrders };

export const historySteps: Record<string, WebhookStep[]> = {
  ORDERS_CREATE: [orderHistoryStep],
  ORDERS_UPDATED: [orderHistoryStep],
  ORDERS_CANCELLED: [orderHistoryStep],
  ORDERS_DELETE: [recordOrderDeletion],
  REFUNDS_CREATE: [tolerant(recordRefund)],
  CUSTOMERS_CREATE: [tolerant(recordCustomer)],
  CUSTOMERS_UPDATE: [tolerant(recordCustomer)], // newest wins by updated_at (upsertHistoryCustomers)
  BULK_OPERATIONS_FINISH: [
    async (_tx, event) => {
      // The import polls anyway; this only ends its current wait early (after this transaction).
      // Bulk mutations (segment tags) are segment-sync.server.ts's; the import only runs bulk queries.
      if ((event.payload as { type?: unknown }).type === "mutation") return;
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
