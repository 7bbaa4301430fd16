-- Rollups for the retention dashboard (docs/decisions/007): one row per customer holding that customer's
-- orders at day resolution, so a cold dashboard reads ~250 k short texts instead of a million orders.
-- Kept current incrementally: statement triggers on the history tables mark the touched customers dirty
-- (whatever wrote the rows: import, webhooks, CSV, redaction), and readers refresh only those customers
-- (app/services/history-rollups.server.ts).

CREATE TABLE "HistoryCustomerRollup" (
  "shop" TEXT NOT NULL,
  "customerId" BIGINT NOT NULL,
  -- Orders as "placedDay:amount[:eventDay:eventAmount]*", space-separated, by order id; days since
  -- 1970-01-01 UTC; events are refunds and a cancellation's remainder (negative amounts).
  "facts" TEXT NOT NULL,
  "orders" INTEGER NOT NULL,
  "refunds" INTEGER NOT NULL,
  "refreshedAt" TIMESTAMP(3) NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
  CONSTRAINT "HistoryCustomerRollup_pkey" PRIMARY KEY ("shop", "customerId")
);

CREATE TABLE "HistoryRollupDirty" (
  "shop" TEXT NOT NULL,
  "customerId" BIGINT NOT NULL,
  CONSTRAINT "HistoryRollupDirty_pkey" PRIMARY KEY ("shop", "customerId")
);

-- Row counts of the history tables (guests included), for the dashboard's totals without a count(*):
-- the triggers append deltas (no hot row that concurrent webhook transactions would queue on), the sum
-- is the count, and `refreshRollups` folds a shop's deltas into one row.
CREATE TABLE "HistoryRollupCount" (
  "id" BIGSERIAL NOT NULL,
  "shop" TEXT NOT NULL,
  "orders" BIGINT NOT NULL DEFAULT 0,
  "refunds" BIGINT NOT NULL DEFAULT 0,
  CONSTRAINT "HistoryRollupCount_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "HistoryRollupCount_shop_idx" ON "HistoryRollupCount"("shop");

CREATE FUNCTION "history_rollup_orders_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "HistoryRollupDirty" ("shop", "customerId")
    SELECT DISTINCT n."shop", n."customerId" FROM new_rows n WHERE n."customerId" IS NOT NULL
    ON CONFLICT DO NOTHING;
  INSERT INTO "HistoryRollupCount" ("shop", "orders") SELECT n."shop", count(*) FROM new_rows n GROUP BY n."shop";
  RETURN NULL;
END $$;

CREATE FUNCTION "history_rollup_orders_updated"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "HistoryRollupDirty" ("shop", "customerId")
    SELECT n."shop", n."customerId" FROM new_rows n WHERE n."customerId" IS NOT NULL
    UNION SELECT o."shop", o."customerId" FROM old_rows o WHERE o."customerId" IS NOT NULL
    ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;

CREATE FUNCTION "history_rollup_orders_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "HistoryRollupDirty" ("shop", "customerId")
    SELECT DISTINCT o."shop", o."customerId" FROM old_rows o WHERE o."customerId" IS NOT NULL
    ON CONFLICT DO NOTHING;
  INSERT INTO "HistoryRollupCount" ("shop", "orders") SELECT o."shop", -count(*) FROM old_rows o GROUP BY o."shop";
  -- A customer left without orders (shop/redact erases the history) has nothing to roll up: drop it now,
  -- so erased history leaves no derived rows behind.
  DELETE FROM "HistoryCustomerRollup" r USING (SELECT DISTINCT "shop", "customerId" FROM old_rows) o
   WHERE r."shop" = o."shop" AND r."customerId" = o."customerId"
     AND NOT EXISTS (SELECT 1 FROM "HistoryOrder" h WHERE h."shop" = o."shop" AND h."customerId" = o."customerId");
  DELETE FROM "HistoryRollupDirty" r USING (SELECT DISTINCT "shop", "customerId" FROM old_rows) o
   WHERE r."shop" = o."shop" AND r."customerId" = o."customerId"
     AND NOT EXISTS (SELECT 1 FROM "HistoryOrder" h WHERE h."shop" = o."shop" AND h."customerId" = o."customerId");
  DELETE FROM "HistoryRollupCount" c WHERE c."shop" IN (SELECT DISTINCT "shop" FROM old_rows)
     AND NOT EXISTS (SELECT 1 FROM "HistoryOrder" h WHERE h."shop" = c."shop")
     AND NOT EXISTS (SELECT 1 FROM "HistoryRefund" r WHERE r."shop" = c."shop");
  RETURN NULL;
END $$;

-- A refund whose order is not known yet marks nobody: the order's arrival marks its customer.
CREATE FUNCTION "history_rollup_refunds_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "HistoryRollupDirty" ("shop", "customerId")
    SELECT DISTINCT h."shop", h."customerId" FROM new_rows n
      JOIN "HistoryOrder" h ON h."shop" = n."shop" AND h."id" = n."orderId" WHERE h."customerId" IS NOT NULL
    ON CONFLICT DO NOTHING;
  INSERT INTO "HistoryRollupCount" ("shop", "refunds") SELECT n."shop", count(*) FROM new_rows n GROUP BY n."shop";
  RETURN NULL;
END $$;

CREATE FUNCTION "history_rollup_refunds_updated"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "HistoryRollupDirty" ("shop", "customerId")
    SELECT h."shop", h."customerId" FROM new_rows n
      JOIN "HistoryOrder" h ON h."shop" = n."shop" AND h."id" = n."orderId" WHERE h."customerId" IS NOT NULL
    UNION SELECT h."shop", h."customerId" FROM old_rows o
      JOIN "HistoryOrder" h ON h."shop" = o."shop" AND h."id" = o."orderId" WHERE h."customerId" IS NOT NULL
    ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;

CREATE FUNCTION "history_rollup_refunds_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "HistoryRollupDirty" ("shop", "customerId")
    SELECT DISTINCT h."shop", h."customerId" FROM old_rows o
      JOIN "HistoryOrder" h ON h."shop" = o."shop" AND h."id" = o."orderId" WHERE h."customerId" IS NOT NULL
    ON CONFLICT DO NOTHING;
  INSERT INTO "HistoryRollupCount" ("shop", "refunds") SELECT o."shop", -count(*) FROM old_rows o GROUP BY o."shop";
  RETURN NULL;
END $$;

CREATE TRIGGER "HistoryOrder_rollup_inserted" AFTER INSERT ON "HistoryOrder"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "history_rollup_orders_inserted"();
CREATE TRIGGER "HistoryOrder_rollup_updated" AFTER UPDATE ON "HistoryOrder"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "history_rollup_orders_updated"();
CREATE TRIGGER "HistoryOrder_rollup_deleted" AFTER DELETE ON "HistoryOrder"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "history_rollup_orders_deleted"();
CREATE TRIGGER "HistoryRefund_rollup_inserted" AFTER INSERT ON "HistoryRefund"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "history_rollup_refunds_inserted"();
CREATE TRIGGER "HistoryRefund_rollup_updated" AFTER UPDATE ON "HistoryRefund"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "history_rollup_refunds_updated"();
CREATE TRIGGER "HistoryRefund_rollup_deleted" AFTER DELETE ON "HistoryRefund"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "history_rollup_refunds_deleted"();

-- History written before this migration: every customer is dirty, the counts start from the tables.
INSERT INTO "HistoryRollupDirty" ("shop", "customerId")
  SELECT DISTINCT "shop", "customerId" FROM "HistoryOrder" WHERE "customerId" IS NOT NULL;
INSERT INTO "HistoryRollupCount" ("shop", "orders", "refunds")
  SELECT s.shop, (SELECT count(*) FROM "HistoryOrder" o WHERE o."shop" = s.shop), (SELECT count(*) FROM "HistoryRefund" r WHERE r."shop" = s.shop)
    FROM (SELECT "shop" FROM "HistoryOrder" UNION SELECT "shop" FROM "HistoryRefund") s;

-- Lifecycle segments synced to Shopify as customer tags (app/services/segment-sync.server.ts): the tag each
-- customer was last given, so a run sends mutations only for customers whose segment changed.
CREATE TABLE "SegmentSyncCustomer" (
  "shop" TEXT NOT NULL,
  "customerId" BIGINT NOT NULL,
  "segment" TEXT NOT NULL,
  "syncedAt" TIMESTAMP(3) NOT NULL,
  CONSTRAINT "SegmentSyncCustomer_pkey" PRIMARY KEY ("shop", "customerId")
);

-- The last run per shop, for the admin's "last synced" line.
CREATE TABLE "SegmentSyncRun" (
  "shop" TEXT NOT NULL,
  "status" TEXT NOT NULL,
  "trigger" TEXT NOT NULL,
  "startedAt" TIMESTAMP(3) NOT NULL,
  "finishedAt" TIMESTAMP(3),
  "changed" INTEGER NOT NULL DEFAULT 0,
  "pending" INTEGER NOT NULL DEFAULT 0,
  "error" TEXT,
  CONSTRAINT "SegmentSyncRun_pkey" PRIMARY KEY ("shop")
);
