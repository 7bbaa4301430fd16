-- Rollup dirty marks become a log (docs/decisions/007, "Open", now closed). With one row per customer, a
-- writer whose customer was already marked inserted nothing (ON CONFLICT DO NOTHING takes no lock), so a
-- refresh could delete that mark and rebuild the customer before the writer committed: the writer's change
-- then waited for the customer's next write. Now every writing statement appends its own marks. A refresh
-- deletes only marks it can see — those of committed writers, whose rows its rebuild (a later statement)
-- sees too — and a mark still uncommitted stays for the next refresh. No locks are taken, so writers touching
-- several customers can't deadlock with a refresh.
ALTER TABLE "HistoryRollupDirty" DROP CONSTRAINT "HistoryRollupDirty_pkey";
ALTER TABLE "HistoryRollupDirty" ADD COLUMN "id" BIGSERIAL NOT NULL;
ALTER TABLE "HistoryRollupDirty" ADD CONSTRAINT "HistoryRollupDirty_pkey" PRIMARY KEY ("id");
CREATE INDEX "HistoryRollupDirty_shop_customerId_idx" ON "HistoryRollupDirty"("shop", "customerId");

CREATE OR REPLACE FUNCTION "history_rollup_orders_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "HistoryRollupDirty" ("shop", "customerId")
    SELECT DISTINCT n."shop", n."customerId" FROM new_rows n WHERE n."customerId" IS NOT NULL;
  INSERT INTO "HistoryRollupCount" ("shop", "orders") SELECT n."shop", count(*) FROM new_rows n GROUP BY n."shop";
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION "history_rollup_orders_updated"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "HistoryRollupDirty" ("shop", "customerId")
    SELECT n."shop", n."customerId" FROM new_rows n WHERE n."customerId" IS NOT NULL
    UNION SELECT o."shop", o."customerId" FROM old_rows o WHERE o."customerId" IS NOT NULL;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION "history_rollup_orders_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "HistoryRollupDirty" ("shop", "customerId")
    SELECT DISTINCT o."shop", o."customerId" FROM old_rows o WHERE o."customerId" IS NOT NULL;
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

CREATE OR REPLACE FUNCTION "history_rollup_refunds_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "HistoryRollupDirty" ("shop", "customerId")
    SELECT DISTINCT h."shop", h."customerId" FROM new_rows n
      JOIN "HistoryOrder" h ON h."shop" = n."shop" AND h."id" = n."orderId" WHERE h."customerId" IS NOT NULL;
  INSERT INTO "HistoryRollupCount" ("shop", "refunds") SELECT n."shop", count(*) FROM new_rows n GROUP BY n."shop";
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION "history_rollup_refunds_updated"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "HistoryRollupDirty" ("shop", "customerId")
    SELECT h."shop", h."customerId" FROM new_rows n
      JOIN "HistoryOrder" h ON h."shop" = n."shop" AND h."id" = n."orderId" WHERE h."customerId" IS NOT NULL
    UNION SELECT h."shop", h."customerId" FROM old_rows o
      JOIN "HistoryOrder" h ON h."shop" = o."shop" AND h."id" = o."orderId" WHERE h."customerId" IS NOT NULL;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION "history_rollup_refunds_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "HistoryRollupDirty" ("shop", "customerId")
    SELECT DISTINCT h."shop", h."customerId" FROM old_rows o
      JOIN "HistoryOrder" h ON h."shop" = o."shop" AND h."id" = o."orderId" WHERE h."customerId" IS NOT NULL;
  INSERT INTO "HistoryRollupCount" ("shop", "refunds") SELECT o."shop", -count(*) FROM old_rows o GROUP BY o."shop";
  RETURN NULL;
END $$;
