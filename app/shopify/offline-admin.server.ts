// An Admin API client for a shop from its offline session: what jobs use, as they have no request to authenticate.
// shopify.server is loaded on first use, so modules that name a job can be imported (by tests) without the app's
// Shopify configuration.
import type { AdminGraphql } from "~/shopify/admin-graphql.server";

/** Gives the Admin API client a job uses for a shop (tests pass one pointed at the stand-in). */
export type AdminFor = (shop: string) => Promise<AdminGraphql>;

export const offlineAdminGraphql: AdminFor = async (shop) => {
  const { unauthenticated } = await import("~/shopify.server");
  return (await unauthenticated.admin(shop)).admin.graphql;
};
