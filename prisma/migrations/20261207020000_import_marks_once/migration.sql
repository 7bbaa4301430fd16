-- A bulk import marks the customers whose rollups it changed once, at its end, instead of in every one of its
-- statements (issue 15): the per-statement marks were a million-row log with an index on random customer ids,
-- and made a 1 M-order backfill superlinear (9,000 orders/s falling to 4,500; 151 s, against 84 s and a flat
-- 12,000/s without them). A transaction that sets treue.rollup_marks to 'deferred' (set_config(…, true): this
-- transaction only) takes on that duty; every other writer (webhooks, CSV, redaction) marks as before. Row
-- counts are still appended per statement.

CREATE OR REPLACE FUNCTION "history_rollup_orders_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('treue.rollup_marks', true) IS DISTINCT FROM 'deferred' THEN
    INSERT INTO "HistoryRollupDirty" ("shop", "customerId")
      SELECT DISTINCT n."shop", n."customerId" FROM new_rows n WHERE n."customerId" IS NOT NULL;
  END IF;
  INSERT INTO "HistoryRollupCount" ("shop", "orders") SELECT n."shop", count(*) FROM new_rows n GROUP BY n."shop";
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION "history_rollup_orders_updated"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('treue.rollup_marks', true) IS DISTINCT FROM 'deferred' THEN
    INSERT INTO "HistoryRollupDirty" ("shop", "customerId")
      SELECT n."shop", n."customerId" FROM new_rows n WHERE n."customerId" IS NOT NULL
      UNION SELECT o."shop", o."customerId" FROM old_rows o WHERE o."customerId" IS NOT NULL;
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION "history_rollup_refunds_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('treue.rollup_marks', true) IS DISTINCT FROM 'deferred' THEN
    INSERT INTO "HistoryRollupDirty" ("shop", "customerId")
      SELECT DISTINCT h."shop", h."customerId" FROM new_rows n
        JOIN "HistoryOrder" h ON h."shop" = n."shop" AND h."id" = n."orderId" WHERE h."customerId" IS NOT NULL;
  END IF;
  INSERT INTO "HistoryRollupCount" ("shop", "refunds") SELECT n."shop", count(*) FROM new_rows n GROUP BY n."shop";
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION "history_rollup_refunds_updated"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('treue.rollup_marks', true) IS DISTINCT FROM 'deferred' THEN
    INSERT INTO "HistoryRollupDirty" ("shop", "customerId")
      SELECT h."shop", h."customerId" FROM new_rows n
        JOIN "HistoryOrder" h ON h."shop" = n."shop" AND h."id" = n."orderId" WHERE h."customerId" IS NOT NULL
      UNION SELECT h."shop", h."customerId" FROM old_rows o
        JOIN "HistoryOrder" h ON h."shop" = o."shop" AND h."id" = o."orderId" WHERE h."customerId" IS NOT NULL;
  END IF;
  RETURN NULL;
END $$;
