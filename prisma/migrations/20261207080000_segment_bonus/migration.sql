-- "Give points to this segment" (app/points/segment-bonus.server.ts): one row per form submission, the segment's
-- customers fixed when its run starts, each marked done in the batch that posts their ledger entry.
CREATE TABLE "SegmentBonus" (
    "id" TEXT NOT NULL DEFAULT gen_random_uuid()::text,
    "shop" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "segment" TEXT NOT NULL,
    "points" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "staffId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "recipients" INTEGER NOT NULL DEFAULT 0,
    "awarded" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    CONSTRAINT "SegmentBonus_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "SegmentBonus_shop_requestId_key" ON "SegmentBonus"("shop", "requestId");
CREATE INDEX "SegmentBonus_shop_createdAt_idx" ON "SegmentBonus"("shop", "createdAt");

CREATE TABLE "SegmentBonusRecipient" (
    "bonusId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "done" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "SegmentBonusRecipient_pkey" PRIMARY KEY ("bonusId", "customerId"),
    CONSTRAINT "SegmentBonusRecipient_bonusId_fkey" FOREIGN KEY ("bonusId") REFERENCES "SegmentBonus"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
