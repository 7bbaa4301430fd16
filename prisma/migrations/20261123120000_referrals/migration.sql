-- Referrals: member codes, referred orders, referral settings.
CREATE TABLE "ReferralCode" (
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "email" TEXT,
    "phone" TEXT,
    "address" JSONB,
    "discountId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReferralCode_pkey" PRIMARY KEY ("shop","customerId")
);
CREATE UNIQUE INDEX "ReferralCode_shop_code_key" ON "ReferralCode"("shop", "code");

CREATE TABLE "Referral" (
    "id" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "orderName" TEXT,
    "code" TEXT NOT NULL,
    "advocateCustomerId" TEXT NOT NULL,
    "friendCustomerId" TEXT,
    "status" TEXT NOT NULL,
    "blockReason" TEXT,
    "voidReason" TEXT,
    "orderPlacedAt" TIMESTAMP(3) NOT NULL,
    "orderUpdatedAt" TIMESTAMP(3) NOT NULL,
    "paidAt" TIMESTAMP(3),
    "cancelledAt" TIMESTAMP(3),
    "fullyRefundedAt" TIMESTAMP(3),
    "creditedAt" TIMESTAMP(3),
    "points" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Referral_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "Referral_shop_orderId_key" ON "Referral"("shop", "orderId");
CREATE INDEX "Referral_shop_advocateCustomerId_orderPlacedAt_idx" ON "Referral"("shop", "advocateCustomerId", "orderPlacedAt");
CREATE INDEX "Referral_status_orderPlacedAt_idx" ON "Referral"("status", "orderPlacedAt");

CREATE TABLE "ReferralSettings" (
    "shop" TEXT NOT NULL,
    "advocatePoints" INTEGER NOT NULL DEFAULT 500,
    "friendPercentOff" INTEGER NOT NULL DEFAULT 10,
    "windowDays" INTEGER NOT NULL DEFAULT 14,
    "monthlyCap" INTEGER DEFAULT 10,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ReferralSettings_pkey" PRIMARY KEY ("shop")
);
