// The app's Admin API client shape (AdminGraphql), posting to the local Shopify stand-in with the shop's
// offline token: for tests and benchmarks that run a service in their own process instead of in the app.
import type { AdminGraphql } from "../../app/shopify/admin-graphql.server";
import type { ShopifyStandin } from "../shopify-standin/index";

export function standinAdminGraphql(standin: Pick<ShopifyStandin, "url" | "accessTokenFor">, shop: string, apiVersion = "2026-10"): AdminGraphql {
  return (async (query: string, options?: { variables?: Record<string, unknown> }) =>
    fetch(`${standin.url}/admin/api/${apiVersion}/graphql.json`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": standin.accessTokenFor(shop), "X-Forwarded-Host": shop },
      body: JSON.stringify({ query, variables: options?.variables }),
    })) as unknown as AdminGraphql;
}
