// What each webhook topic does once recorded. Order and refund topics are applied by the points
// engine (issue: points engine); until then their events wait in the inbox, nothing is lost.
import type { WebhookHandler } from "./webhook-worker.server";

export const webhookHandlers: Record<string, WebhookHandler> = {
  APP_UNINSTALLED: async (tx, event) => {
    await tx.session.deleteMany({ where: { shop: event.shop } });
    await tx.shop.updateMany({ where: { domain: event.shop }, data: { uninstalledAt: event.triggeredAt ?? new Date() } });
  },
  APP_SCOPES_UPDATE: async (tx, event) => {
    const current = (event.payload as { current?: string[] }).current;
    if (Array.isArray(current)) {
      await tx.session.updateMany({ where: { shop: event.shop }, data: { scope: current.join(",") } });
    }
  },
  // Treue stores no customer personal data beyond Shopify's ids yet; the compliance answers are
  // recorded in the inbox itself (the audit trail Shopify asks for).
  CUSTOMERS_DATA_REQUEST: async () => {},
  CUSTOMERS_REDACT: async () => {},
  SHOP_REDACT: async (tx, event) => {
    await tx.session.deleteMany({ where: { shop: event.shop } });
    await tx.shop.deleteMany({ where: { domain: event.shop } });
  },
};
