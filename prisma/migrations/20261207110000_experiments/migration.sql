-- A/B tests with a holdout (app/engagement/experiments.server.ts): a shop tests one subject at a time (for now the
-- points-earned e-mail); each mail of a member in the test records the member's arm, the holdout's mail is not sent.
CREATE TABLE "Experiment" (
    "id" TEXT NOT NULL DEFAULT gen_random_uuid()::text,
    "shop" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "holdoutPercent" INTEGER NOT NULL,
    "windowDays" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'running',
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "stoppedAt" TIMESTAMP(3),
    CONSTRAINT "Experiment_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "Experiment_shop_startedAt_idx" ON "Experiment"("shop", "startedAt");
-- One running test per subject and shop.
CREATE UNIQUE INDEX "Experiment_running_subject_key" ON "Experiment"("shop", "subject") WHERE "status" = 'running';

ALTER TABLE "MemberMail" ADD COLUMN "experimentId" TEXT, ADD COLUMN "arm" TEXT;
CREATE INDEX "MemberMail_experimentId_idx" ON "MemberMail"("experimentId") WHERE "experimentId" IS NOT NULL;
