// Which products are in the collections a product bonus targets (issue 16: a collection bonus could be set and was
// never applied, because an order names its products and not their collections). Kept in ProductCollection for
// the targeted collections only, read from the Admin API outside any transaction by jobs: every targeted collection
// after the program is saved and hourly (smart collections follow product edits), one collection after
// collections/update, one product after products/update (webhook steps only mark what to read). The points engine
// reads it when it first sees an order (the order's terms).
import type { PrismaClient } from "@prisma/client";
import type { LoyaltyProgram } from "~/points/domain/program";
import type { SqlClient } from "~/history/history-store.server";
import type { PeriodicJob } from "~/jobs/periodic-jobs.server";
import type { WebhookStep } from "~/webhooks/webhook-worker.server";
import { restIdOf } from "~/shopify/domain/rest-id";
import { sqlOf, transactionOn } from "~/db/connection.server";
import { runAdminOperation, type AdminGraphql } from "~/shopify/admin-graphql.server";
import { offlineAdminGraphql, type AdminFor } from "~/shopify/offline-admin.server";
import { loadLoyaltyProgram } from "~/points/loyalty-program.server";
import { COLLECTION_PRODUCTS_QUERY } from "~/points/graphql/CollectionProducts";
import { PRODUCT_COLLECTIONS_QUERY } from "~/points/graphql/ProductCollections";
import type { CollectionProductsQuery, ProductCollectionsQuery } from "~/types/admin.generated";

/** The collections the program's bonuses target (Shopify's numeric ids, as the program stores them). */
export function targetedCollections(program: Pick<LoyaltyProgram, "productBonuses">): string[] {
  return [...new Set(program.productBonuses.filter((b) => b.target === "collection").map((b) => b.targetId))].sort();
}

const numericId = (gid: string) => /(\d+)$/.exec(gid)?.[1] ?? gid;
const MAX_PAGES = 400; // 100,000 products in one collection

type IdPage = { nodes: { id: string }[]; pageInfo: { hasNextPage: boolean; endCursor?: string | null } } | null | undefined;

/** The numeric ids of every node of a connection, a page at a time (`page(after)` reads one; none: nothing there). */
async function allIds(page: (after: string | null) => Promise<IdPage>): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (let n = 0; n < MAX_PAGES; n++) {
    const connection = await page(after);
    if (!connection) break;
    for (const node of connection.nodes) ids.push(numericId(node.id));
    if (!connection.pageInfo.hasNextPage) break;
    after = connection.pageInfo.endCursor ?? null;
  }
  return ids;
}

/** Reads a collection's products from Shopify and replaces what is kept for it. Returns how many it holds (0 when Shopify has no such collection). */
export async function syncCollection(db: PrismaClient, shop: string, graphql: AdminGraphql, collectionId: string): Promise<number> {
  const products = await allIds(async (after) => {
    const data = await runAdminOperation<CollectionProductsQuery>(graphql, COLLECTION_PRODUCTS_QUERY, { id: `gid://shopify/Collection/${collectionId}`, after });
    return data.collection?.products;
  });
  await transactionOn(db, async (tx) => {
    const sql = sqlOf(tx);
    await sql.execute(`DELETE FROM "ProductCollection" WHERE "shop" = $1 AND "collectionId" = $2`, [shop, collectionId]);
    if (products.length > 0) {
      await sql.execute(
        `INSERT INTO "ProductCollection" ("shop", "collectionId", "productId") SELECT $1, $2, p FROM unnest($3::text[]) AS p ON CONFLICT DO NOTHING`,
        [shop, collectionId, products],
      );
    }
  });
  return products.length;
}

/** Every targeted collection read again; what is kept for collections no longer targeted goes. */
export async function syncTargetedCollections(db: PrismaClient, shop: string, graphql: AdminGraphql, program?: LoyaltyProgram): Promise<void> {
  const targets = targetedCollections(program ?? (await loadLoyaltyProgram(db, shop)));
  await db.$executeRawUnsafe(`DELETE FROM "ProductCollection" WHERE "shop" = $1 AND NOT ("collectionId" = ANY($2::text[]))`, shop, targets);
  for (const collectionId of targets) await syncCollection(db, shop, graphql, collectionId);
}

/** After products/update: which targeted collections the product is in now. */
export async function syncProduct(db: PrismaClient, shop: string, graphql: AdminGraphql, productId: string): Promise<void> {
  const targets = targetedCollections(await loadLoyaltyProgram(db, shop));
  if (targets.length === 0) return;
  const inCollections = new Set(
    await allIds(async (after) => {
      const data = await runAdminOperation<ProductCollectionsQuery>(graphql, PRODUCT_COLLECTIONS_QUERY, { id: `gid://shopify/Product/${productId}`, after });
      return data.product?.collections;
    }),
  );
  const holding = targets.filter((c) => inCollections.has(c));
  await transactionOn(db, async (tx) => {
    const sql = sqlOf(tx);
    await sql.execute(`DELETE FROM "ProductCollection" WHERE "shop" = $1 AND "productId" = $2 AND "collectionId" = ANY($3::text[])`, [shop, productId, targets]);
    if (holding.length > 0) {
      await sql.execute(`INSERT INTO "ProductCollection" ("shop", "collectionId", "productId") SELECT $1, c, $2 FROM unnest($3::text[]) AS c ON CONFLICT DO NOTHING`, [shop, productId, holding]);
    }
  });
}

/** The kept collections of each product (only products in a targeted collection appear). */
export async function productCollectionsFor(db: SqlClient, shop: string, productIds: readonly string[]): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  if (productIds.length === 0) return out;
  const rows = await db.$queryRawUnsafe<{ productId: string; collectionId: string }[]>(
    `SELECT "productId", "collectionId" FROM "ProductCollection" WHERE "shop" = $1 AND "productId" = ANY($2::text[]) ORDER BY "collectionId"`,
    shop,
    [...new Set(productIds)],
  );
  for (const r of rows) (out[r.productId] ??= []).push(r.collectionId);
  return out;
}


// ---- what to read again: marked by the program's save and by webhooks, read by a job outside any transaction ----

export type PendingKind = "all" | "collection" | "product";

export async function markCollectionsPending(db: SqlClient, shop: string, kind: PendingKind, resourceId = ""): Promise<void> {
  await db.$executeRawUnsafe(
    `INSERT INTO "ProductCollectionPending" ("shop", "kind", "resourceId") VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
    shop,
    kind,
    resourceId,
  );
}

/** collections/update of a targeted collection, products/update of any product while a collection is targeted. */
const markFromWebhook =
  (kind: "collection" | "product"): WebhookStep =>
  async (tx, event) => {
    const id = restIdOf((event.payload as { id?: unknown } | null)?.id);
    if (!id) return;
    const targets = targetedCollections(await loadLoyaltyProgram(tx, event.shop));
    if (targets.length === 0 || (kind === "collection" && !targets.includes(id))) return;
    await markCollectionsPending(tx, event.shop, kind, id);
  };

export const productCollectionSteps: Record<string, WebhookStep[]> = {
  COLLECTIONS_UPDATE: [markFromWebhook("collection")],
  PRODUCTS_UPDATE: [markFromWebhook("product")],
};

/** Reads again what was marked; a mark is removed once read (a failure leaves it for the next run). */
export async function readPendingCollections(db: PrismaClient, adminFor: AdminFor, limit = 200): Promise<number> {
  const marks = await db.$queryRawUnsafe<{ shop: string; kind: PendingKind; resourceId: string }[]>(
    `SELECT "shop", "kind", "resourceId" FROM "ProductCollectionPending" ORDER BY "shop", "kind", "resourceId" LIMIT $1`,
    limit,
  );
  let read = 0;
  for (const mark of marks) {
    try {
      const graphql = await adminFor(mark.shop);
      if (mark.kind === "all") await syncTargetedCollections(db, mark.shop, graphql);
      else if (mark.kind === "collection") {
        if (targetedCollections(await loadLoyaltyProgram(db, mark.shop)).includes(mark.resourceId)) await syncCollection(db, mark.shop, graphql, mark.resourceId);
      } else await syncProduct(db, mark.shop, graphql, mark.resourceId);
      await db.$executeRawUnsafe(
        `DELETE FROM "ProductCollectionPending" WHERE "shop" = $1 AND "kind" = $2 AND "resourceId" = $3`,
        mark.shop,
        mark.kind,
        mark.resourceId,
      );
      read++;
    } catch (error) {
      console.error(`[treue] collection bonus products of ${mark.shop} (${mark.kind} ${mark.resourceId}) could not be read; trying again later:`, error);
    }
  }
  return read;
}

/** Every minute: what the program's save and the webhooks marked. */
export function pendingCollectionsJobWith(adminFor: AdminFor): PeriodicJob {
  return {
    name: "product-collections-pending",
    everyMs: 60_000,
    async run(db) {
      await readPendingCollections(db, adminFor);
    },
  };
}

/** Hourly: smart collections change with product edits that no collection webhook reports. */
export function productCollectionsJobWith(adminFor: AdminFor): PeriodicJob {
  return {
    name: "product-collections",
    everyMs: 60 * 60_000,
    async run(db) {
      const shops = await db.$queryRawUnsafe<{ shop: string }[]>(
        `SELECT p."shop" FROM "LoyaltyProgram" p JOIN "Shop" s ON s."domain" = p."shop" AND s."uninstalledAt" IS NULL
          WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(COALESCE(p."settings" -> 'productBonuses', '[]'::jsonb)) b WHERE b ->> 'target' = 'collection')
          ORDER BY p."shop"`,
      );
      for (const { shop } of shops) {
        try {
          await syncTargetedCollections(db, shop, await adminFor(shop));
        } catch (error) {
          console.error(`[treue] collection bonus products of ${shop} could not be read; kept as they were:`, error);
        }
      }
    },
  };
}

export const productCollectionsJob = productCollectionsJobWith(offlineAdminGraphql);
export const pendingCollectionsJob = pendingCollectionsJobWith(offlineAdminGraphql);
