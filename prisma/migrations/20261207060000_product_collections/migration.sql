-- Collection bonuses (app/points/product-collections.server.ts): which products the collections a product bonus
-- targets hold, read from the Admin API (an order names its products, not their collections), and what is still
-- to be read again: a whole program after it was saved, one collection after collections/update, one product
-- after products/update. Webhook steps only mark; jobs read Shopify outside any transaction.
CREATE TABLE "ProductCollection" (
  "shop" TEXT NOT NULL,
  "collectionId" TEXT NOT NULL,
  "productId" TEXT NOT NULL,
  CONSTRAINT "ProductCollection_pkey" PRIMARY KEY ("shop", "collectionId", "productId")
);
CREATE INDEX "ProductCollection_product_idx" ON "ProductCollection" ("shop", "productId");

CREATE TABLE "ProductCollectionPending" (
  "shop" TEXT NOT NULL,
  -- all | collection | product
  "kind" TEXT NOT NULL,
  -- the collection's or product's numeric id; '' for all
  "resourceId" TEXT NOT NULL,
  "markedAt" TIMESTAMP(3) NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
  CONSTRAINT "ProductCollectionPending_pkey" PRIMARY KEY ("shop", "kind", "resourceId")
);
