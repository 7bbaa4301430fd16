// What each webhook topic does once recorded. A topic's steps run in order in one transaction
// with the event's status change. Features add their step to the topics they need:
//   history (order/refund/customer records for retention analytics) and points (the ledger).
// A topic with no steps yet stays in the inbox ("received") and is applied once it has one.
// A step is `(tx, event)`, or `{ one, many }` when it can apply a run of events set-based (the worker
// runs each step over the run in turn; see docs/decisions/008).
import { memberMailSteps } from "~/engagement/member-mails.server";
import { topicHandler, type TopicHandler, type WebhookStep } from "./webhook-worker.server";
import { historySteps } from "~/history/history-webhooks.server";
import { pointsSteps } from "~/points/points-webhooks.server";
import { removeShopSessions } from "~/shopify/session-cache.server";
import { redemptionSteps } from "~/rewards/redemption-lifecycle.server";
import { referralSteps } from "~/referrals/referrals.server";
import { segmentSyncSteps } from "~/analytics/segment-sync.server";
import { memberCardSteps } from "~/rewards/member-cards.server";
import { customerDeletionAs, privacySteps } from "~/privacy/erase-customer.server";
import { dataRequestSteps } from "~/privacy/customer-data.server";
import { shopSettingsSteps } from "~/shops/settings.server";
import { shopErasureSteps } from "~/privacy/erase-shop.server";
import { productCollectionSteps } from "~/points/product-collections.server";

type Steps = Record<string, WebhookStep[]>;

const lifecycleSteps: Steps = {
  APP_UNINSTALLED: [
    async (tx, event) => {
      await removeShopSessions(tx, event.shop);
      await tx.shop.updateMany({ where: { domain: event.shop }, data: { uninstalledAt: event.triggeredAt ?? new Date() } });
    },
  ],
  APP_SCOPES_UPDATE: [
    async (tx, event) => {
      const current = (event.payload as { current?: string[] }).current;
      if (Array.isArray(current)) {
        await tx.session.updateMany({ where: { shop: event.shop }, data: { scope: current.join(",") } });
      }
    },
  ],
  // Compliance topics: the inbox row is the audit trail Shopify asks for; features that store
  // personal data add their erasure step (and the data request its record) with their feature steps.
  CUSTOMERS_DATA_REQUEST: [],
  CUSTOMERS_REDACT: [],
  SHOP_REDACT: [
    async (tx, event) => {
      await removeShopSessions(tx, event.shop);
      await tx.shop.deleteMany({ where: { domain: event.shop } });
    },
  ],
};

/** Feature steps, registered per topic (see app/shopify/*-webhooks.server.ts). */
const featureSteps: Steps[] = [];
featureSteps.push(historySteps);
featureSteps.push(redemptionSteps); // marks our codes used on an order; no query unless the order has one
featureSteps.unshift(pointsSteps); // first: its payload check parks a malformed order at once (UnusablePayloadError)
featureSteps.push(referralSteps); // after history: the existing-customer check reads HistoryOrder
featureSteps.push(segmentSyncSteps); // bulk_operations/finish of a bulk mutation: segment tag rounds
featureSteps.push(memberCardSteps); // discounts/delete: a member code deleted in Shopify is replaced
featureSteps.push(memberMailSteps); // customers/redact: the customer's mail records and opt-outs
featureSteps.push(privacySteps); // last: customers/redact empties the inbox payloads about the customer
featureSteps.push(shopErasureSteps); // last: shop/redact deletes the shop's rows from every table
featureSteps.push(shopSettingsSteps); // shop/update: name, currency, time zone
featureSteps.push(dataRequestSteps); // customers/data_request: logged, its file downloaded in the admin
featureSteps.push(productCollectionSteps); // collections/update, products/update: what a collection bonus reads again

export function composeWebhookHandlers(...sources: Steps[]): Record<string, TopicHandler> {
  const merged: Record<string, WebhookStep[]> = {};
  for (const source of sources) {
    for (const [topic, steps] of Object.entries(source)) (merged[topic] ??= []).push(...steps);
  }
  // A customer deleted in Shopify is erased as a redacted one is (every feature's redaction step, in order).
  if (merged.CUSTOMERS_REDACT?.length) merged.CUSTOMERS_DELETE = [customerDeletionAs(merged.CUSTOMERS_REDACT)];
  const handlers: Record<string, TopicHandler> = {};
  for (const [topic, steps] of Object.entries(merged)) {
    // Compliance topics with no data to touch are still "applied" (answered); other topics wait for a step.
    if (steps.length === 0 && !/^(CUSTOMERS_DATA_REQUEST|CUSTOMERS_REDACT|SHOP_REDACT)$/.test(topic)) continue;
    handlers[topic] = topicHandler(steps);
  }
  return handlers;
}

export const webhookHandlers = composeWebhookHandlers(lifecycleSteps, ...featureSteps);
