// Which verified deliveries the inbox takes. The route decides the topic: Shopify sends each topic to the URI
// shopify.app.toml subscribes it to (/webhooks/orders/create for orders/create), so a delivery whose header
// names another topic than its route is not what that route handles (an order posted to the customers/redact
// route must not earn points, nor erase anyone). And only shops that installed the app have anything to
// record: an uninstalled shop still gets its uninstall and the compliance topics (Shopify sends shop/redact 48
// hours after the uninstall), nothing else; a shop that never installed gets nothing.

/** The topic a webhook route handles, from its path: "/webhooks/orders/create" → "ORDERS_CREATE". */
export function routeTopicOf(url: string): string | null {
  let pathname: string;
  try {
    pathname = new URL(url, "http://localhost").pathname;
  } catch {
    return null;
  }
  const m = /^\/webhooks\/([a-z_]+)\/([a-z_]+)$/.exec(pathname);
  return m ? `${m[1]}_${m[2]}`.toUpperCase() : null;
}

/** Delivered whatever the installation state: Shopify's mandatory compliance topics and the uninstall itself. */
export const AFTER_UNINSTALL_TOPICS: ReadonlySet<string> = new Set(["APP_UNINSTALLED", "CUSTOMERS_DATA_REQUEST", "CUSTOMERS_REDACT", "SHOP_REDACT"]);

export type ShopInstallation = "installed" | "uninstalled" | "unknown";

export type Admission = { admit: true } | { admit: false; reason: "topic-not-this-route" | "shop-not-installed" | "shop-unknown" };

export function admission(delivered: { topic: string; url: string }, shop: ShopInstallation): Admission {
  const routed = routeTopicOf(delivered.url);
  if (routed !== null && routed !== delivered.topic) return { admit: false, reason: "topic-not-this-route" };
  if (shop === "unknown") return { admit: false, reason: "shop-unknown" };
  if (shop === "uninstalled" && !AFTER_UNINSTALL_TOPICS.has(delivered.topic)) return { admit: false, reason: "shop-not-installed" };
  return { admit: true };
}
