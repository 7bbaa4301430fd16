-- Dashboard summaries (docs/decisions/007): the dashboard of one shop and day as sums over customers,
-- stored so a cold process answers without reading the rollups, and moved forward by each rollup
-- refresh (subtract the refreshed customers' old contribution, add the new one).

-- The rollups' generation: bumped by every refresh that rebuilt a customer (in the same statement) and
-- by every deletion of orders. A summary is valid only for the generation it was computed or moved to.
CREATE TABLE "HistoryRollupState" (
  "shop" TEXT NOT NULL,
  "generation" BIGINT NOT NULL DEFAULT 0,
  CONSTRAINT "HistoryRollupState_pkey" PRIMARY KEY ("shop")
);

CREATE TABLE "DashboardSummary" (
  "shop" TEXT NOT NULL,
  -- The UTC day the periods end with, YYYY-MM-DD.
  "asOf" TEXT NOT NULL,
  "generation" BIGINT NOT NULL,
  -- JSON; the sorted spend multisets inside are delta-varint, base64 (app/services/dashboard-summary.server.ts).
  "state" TEXT NOT NULL,
  "computedAt" TIMESTAMP(3) NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
  CONSTRAINT "DashboardSummary_pkey" PRIMARY KEY ("shop", "asOf")
);

-- Deleted orders (shop/redact) can drop rollup rows in the history trigger itself, outside a refresh:
-- move the generation on and drop the shop's summaries, so nothing computed before is served again.
CREATE FUNCTION "history_rollup_orders_deleted_summaries"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "HistoryRollupState" SET "generation" = "generation" + 1 WHERE "shop" IN (SELECT DISTINCT "shop" FROM old_rows);
  DELETE FROM "DashboardSummary" WHERE "shop" IN (SELECT DISTINCT "shop" FROM old_rows);
  RETURN NULL;
END $$;

CREATE TRIGGER "HistoryOrder_rollup_deleted_summaries" AFTER DELETE ON "HistoryOrder"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "history_rollup_orders_deleted_summaries"();
