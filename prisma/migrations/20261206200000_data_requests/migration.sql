-- customers/data_request: each request Shopify forwards, once per Shopify data request id, and each download of
-- its file by the merchant (how often, when last): the log of who got a customer's data.
CREATE TABLE "DataRequest" (
  "id" BIGSERIAL PRIMARY KEY,
  "shop" TEXT NOT NULL,
  "customerId" TEXT NOT NULL,
  "requestId" TEXT NOT NULL,
  "ordersRequested" JSONB NOT NULL DEFAULT '[]',
  "requestedAt" TIMESTAMP(3) NOT NULL,
  "downloads" INTEGER NOT NULL DEFAULT 0,
  "lastDownloadAt" TIMESTAMP(3),
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
);
CREATE UNIQUE INDEX "DataRequest_shop_requestId_key" ON "DataRequest" ("shop", "requestId");
CREATE INDEX "DataRequest_shop_requestedAt_idx" ON "DataRequest" ("shop", "requestedAt");
