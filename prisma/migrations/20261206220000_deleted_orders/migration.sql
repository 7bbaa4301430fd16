-- orders/delete: when Shopify deleted the order. An order deleted before the engine saw it keeps a row with no
-- snapshot, so an orders/create or orders/updated arriving after the deletion earns nothing.
ALTER TABLE "OrderPoints" ADD COLUMN "deletedAt" TIMESTAMP(3);
