-- The merchant's lifecycle segment rules (thresholds for new, at risk, lost, VIP); a shop without a row
-- uses the defaults (app/domain/analytics/lifecycle-segments.ts).
CREATE TABLE "SegmentRules" (
    "shop" TEXT NOT NULL,
    "thresholds" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "SegmentRules_pkey" PRIMARY KEY ("shop")
);
