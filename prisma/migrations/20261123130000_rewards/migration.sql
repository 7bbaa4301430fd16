-- Rewards catalog per shop and one row per redemption (its code's lifecycle). See docs/decisions/006.

-- CreateTable
CREATE TABLE "Reward" (
    "shop" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "definition" JSONB NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Reward_pkey" PRIMARY KEY ("shop", "id")
);

-- CreateTable
CREATE TABLE "Redemption" (
    "shop" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "memberId" BIGINT NOT NULL,
    "customerId" TEXT NOT NULL,
    "rewardId" TEXT NOT NULL,
    "reward" JSONB NOT NULL,
    "pointsCost" INTEGER NOT NULL,
    "code" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'issuing',
    "createdAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "issuedAt" TIMESTAMP(3),
    "redeemedAt" TIMESTAMP(3),
    "orderId" TEXT,
    "returnedAt" TIMESTAMP(3),
    "returnReason" TEXT,

    CONSTRAINT "Redemption_pkey" PRIMARY KEY ("shop", "idempotencyKey")
);

-- CreateIndex
CREATE UNIQUE INDEX "Redemption_shop_code_key" ON "Redemption"("shop", "code");

-- CreateIndex
CREATE INDEX "Redemption_status_expiresAt_idx" ON "Redemption"("status", "expiresAt");

-- CreateIndex
CREATE INDEX "Redemption_status_createdAt_idx" ON "Redemption"("status", "createdAt");
