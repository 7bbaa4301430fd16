-- Each customer's lifecycle facts beside their rollup text (issue 15): the customers page then draws a segment
-- from these columns in SQL instead of loading every customer's history into the web process. Days are the
-- shop's day numbers, as in "facts"; an order counts while what it still holds is positive. The CLV forecast
-- reads its sufficient statistics (x, t_x, T, repeat spend) from the same columns.
ALTER TABLE "HistoryCustomerRollup"
  ADD COLUMN "countingOrders" INTEGER,
  ADD COLUMN "firstDay" INTEGER,
  ADD COLUMN "lastDay" INTEGER,
  ADD COLUMN "monetaryMinor" BIGINT,
  ADD COLUMN "lastEventDay" INTEGER,
  -- For the CLV forecast's frequency and repeat spend: days with a counting order, and what the first holds.
  ADD COLUMN "purchaseDays" INTEGER,
  ADD COLUMN "firstDaySpendMinor" BIGINT;
-- Rows without the facts yet, or with an event dated after the day asked about, send the page back to the
-- full computation: both found through this index.
CREATE INDEX "HistoryCustomerRollup_shop_lastEventDay_idx" ON "HistoryCustomerRollup" ("shop", "lastEventDay");
-- Every existing row gets its facts at the next refresh.
INSERT INTO "HistoryRollupDirty" ("shop", "customerId") SELECT "shop", "customerId" FROM "HistoryCustomerRollup";
