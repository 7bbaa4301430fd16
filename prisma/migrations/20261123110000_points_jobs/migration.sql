-- Points engine jobs: tier periods, and expiry reminders recorded once per lot expiry.

-- The end of the member's current tier period: a downgrade waits for it.
ALTER TABLE "Member" ADD COLUMN "tierPeriodEnd" TIMESTAMP(3);

-- A reminder that points will expire soon, recorded by the expiry job. The message itself is sent later;
-- `covers` lists each lot expiry (`<lot>@<expiresAt>`) so no lot expiry is reminded of twice.
CREATE TABLE "PointsReminder" (
    "id" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "memberId" BIGINT NOT NULL,
    "customerId" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "points" INTEGER NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "covers" JSONB NOT NULL,
    "sentAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PointsReminder_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "PointsReminder_shop_idempotencyKey_key" ON "PointsReminder"("shop", "idempotencyKey");
CREATE INDEX "PointsReminder_shop_memberId_idx" ON "PointsReminder"("shop", "memberId");
