// Names for the Shopify resources a page shows by id. A page without them still works: a failure is logged and
// the ids stand.
import { runAdminOperation, type AdminGraphql } from "~/shopify/admin-graphql.server";
import { RESOURCE_TITLES_QUERY } from "~/shopify/graphql/ResourceTitles";
import type { ResourceTitlesQuery } from "~/types/admin.generated";

/** GID → title (a variant's display name, "Hat - Red"); ids Shopify does not know are left out. */
export async function resourceTitles(graphql: AdminGraphql, gids: readonly string[], shop: string): Promise<Record<string, string>> {
  const titles: Record<string, string> = {};
  const ids = [...new Set(gids)];
  if (ids.length === 0) return titles;
  try {
    const data = await runAdminOperation<ResourceTitlesQuery>(graphql, RESOURCE_TITLES_QUERY, { ids });
    for (const node of data.nodes) {
      if (!node) continue;
      const title = "title" in node ? node.title : "displayName" in node ? node.displayName : null;
      if (title && "id" in node) titles[node.id] = title;
    }
  } catch (error) {
    console.error(`[treue] titles of ${ids.length} Shopify resources for ${shop}:`, error);
  }
  return titles;
}
