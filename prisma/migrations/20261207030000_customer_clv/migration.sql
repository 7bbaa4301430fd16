-- Every customer's forecast from the daily CLV job (issue 15: results stored per customer, not only the top 20):
-- the 52-week CLV, the expected purchases and the chance the customer is still active, as of `day`. The job
-- replaces a shop's rows in one transaction; a customer without a counting order has none.
CREATE TABLE "HistoryCustomerClv" (
  "shop" TEXT NOT NULL,
  "customerId" BIGINT NOT NULL,
  "day" TEXT NOT NULL,
  "clvMinor" BIGINT NOT NULL,
  "expectedPurchases" DOUBLE PRECISION NOT NULL,
  "probabilityAlive" DOUBLE PRECISION NOT NULL,
  CONSTRAINT "HistoryCustomerClv_pkey" PRIMARY KEY ("shop", "customerId")
);
