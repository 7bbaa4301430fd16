-- Every move of a customer from one lifecycle segment to another as the segment sync records it (an UPDATE of
-- SegmentSyncCustomer; a customer's first segment is an INSERT and no move), so that Flow's "Member at risk"
-- trigger hears of each once (app/engagement/flow-triggers.server.ts). A big shop's first sync records nothing.
CREATE TABLE "SegmentChange" (
    "id" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "customerId" BIGINT NOT NULL,
    "fromSegment" TEXT NOT NULL,
    "toSegment" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    CONSTRAINT "SegmentChange_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "SegmentChange_at_idx" ON "SegmentChange" ("at");

CREATE FUNCTION "segment_sync_customer_moved"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "SegmentChange" ("shop", "customerId", "fromSegment", "toSegment") VALUES (NEW."shop", NEW."customerId", OLD."segment", NEW."segment");
  RETURN NULL;
END $$;

CREATE TRIGGER "SegmentSyncCustomer_moved" AFTER UPDATE OF "segment" ON "SegmentSyncCustomer"
  FOR EACH ROW WHEN (OLD."segment" IS DISTINCT FROM NEW."segment")
  EXECUTE FUNCTION "segment_sync_customer_moved"();
