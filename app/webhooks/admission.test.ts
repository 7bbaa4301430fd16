import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { admission, routeTopicOf } from "./admission";

describe("which deliveries the inbox takes", () => {
  it("reads the topic from the route, for every subscription in shopify.app.toml", () => {
    const toml = fs.readFileSync(path.resolve(import.meta.dirname, "../../shopify.app.toml"), "utf8");
    const subscriptions = [...toml.matchAll(/(?:compliance_)?topics = \["([^"]+)"\]\s*\n\s*uri = "([^"]+)"/g)].map((m) => [m[1], m[2]]);
    expect(subscriptions.length).toBeGreaterThanOrEqual(12);
    for (const [topic, uri] of subscriptions) expect(routeTopicOf(`https://treue.example.com${uri}`), uri).toBe(topic.toUpperCase().replace("/", "_"));
    expect(routeTopicOf("/webhooks/orders/create?x=1")).toBe("ORDERS_CREATE");
    expect(routeTopicOf("/app/webhooks")).toBeNull();
  });

  it("drops a delivery whose header names another topic than its route", () => {
    expect(admission({ topic: "ORDERS_CREATE", url: "https://a/webhooks/customers/redact" }, "installed")).toEqual({ admit: false, reason: "topic-not-this-route" });
    expect(admission({ topic: "ORDERS_CREATE", url: "https://a/webhooks/orders/create" }, "installed")).toEqual({ admit: true });
  });

  it("takes only the uninstall and compliance topics from an uninstalled shop, and nothing from a shop that never installed", () => {
    const at = (topic: string) => `https://a/webhooks/${topic.toLowerCase().replace("_", "/")}`;
    for (const topic of ["APP_UNINSTALLED", "CUSTOMERS_DATA_REQUEST", "CUSTOMERS_REDACT", "SHOP_REDACT"]) {
      expect(admission({ topic, url: at(topic) }, "uninstalled"), topic).toEqual({ admit: true });
    }
    expect(admission({ topic: "ORDERS_CREATE", url: at("ORDERS_CREATE") }, "uninstalled")).toEqual({ admit: false, reason: "shop-not-installed" });
    expect(admission({ topic: "SHOP_REDACT", url: at("SHOP_REDACT") }, "unknown")).toEqual({ admit: false, reason: "shop-unknown" });
  });
});
