-- A segment bonus as an A/B test (app/points/segment-bonus.server.ts, subject "segment-bonus" of the experiments):
-- while such a test runs, each recipient of a bonus is assigned an arm when the run starts; the holdout's customers
-- get neither the points nor the win-back e-mail. The arm is stored with the recipient, so the report reads who
-- entered the test when, and the bonus counts whom it held out.
ALTER TABLE "SegmentBonus" ADD COLUMN "heldOut" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "SegmentBonusRecipient" ADD COLUMN "experimentId" TEXT,
                                    ADD COLUMN "arm" TEXT;
CREATE INDEX "SegmentBonusRecipient_experimentId_idx" ON "SegmentBonusRecipient" ("experimentId") WHERE "experimentId" IS NOT NULL;
