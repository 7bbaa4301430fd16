-- Segment tags by bulk mutation for big changes (docs/decisions/012): what one bulk round is doing, so a
-- restarted app picks up the running Shopify operation instead of starting over.

-- One round per shop: "add" (tagsAdd of each tagged customer's segment tag) then "remove" (tagsRemove of
-- the other tags), each one bulk operation; operationId is null until Shopify has accepted the phase's run.
CREATE TABLE "SegmentSyncBulk" (
  "shop" TEXT NOT NULL,
  "phase" TEXT NOT NULL,
  "operationId" TEXT,
  "customers" INTEGER NOT NULL,
  "startedAt" TIMESTAMP(3) NOT NULL,
  CONSTRAINT "SegmentSyncBulk_pkey" PRIMARY KEY ("shop")
);

-- The round's customers in JSONL order ("position"); "failed" holds Shopify's refusal for a customer, who
-- is then left out of the later phase and not recorded as synced, so the next run retries them.
CREATE TABLE "SegmentSyncBulkCustomer" (
  "shop" TEXT NOT NULL,
  "position" INTEGER NOT NULL,
  "customerId" BIGINT NOT NULL,
  "segment" TEXT,
  "failed" TEXT,
  CONSTRAINT "SegmentSyncBulkCustomer_pkey" PRIMARY KEY ("shop", "position")
);
