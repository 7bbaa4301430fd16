-- Member cards (docs/decisions/011-member-cards.md): the shop's discount card and stamp card settings, and the
-- per-member discount codes of the discount card. Stamp card rewards are Redemption rows (pointsCost 0).

-- CreateTable
CREATE TABLE "MemberCards" (
    "shop" TEXT NOT NULL,
    "settings" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MemberCards_pkey" PRIMARY KEY ("shop")
);

-- CreateTable
CREATE TABLE "MemberDiscountCode" (
    "shop" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "percent" INTEGER NOT NULL,
    "combinesWithOtherDiscounts" BOOLEAN NOT NULL DEFAULT false,
    "status" TEXT NOT NULL DEFAULT 'creating',
    "discountId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "activeAt" TIMESTAMP(3),
    "removedAt" TIMESTAMP(3),
    "lastError" TEXT,

    CONSTRAINT "MemberDiscountCode_pkey" PRIMARY KEY ("shop", "code")
);

-- CreateIndex
CREATE INDEX "MemberDiscountCode_shop_customerId_idx" ON "MemberDiscountCode"("shop", "customerId");

-- CreateIndex
CREATE INDEX "MemberDiscountCode_shop_status_idx" ON "MemberDiscountCode"("shop", "status");

-- CreateTable: how many stamp card rewards a member was issued per card (cache of their Redemption rows
-- `stamp/<cardId>/<customerId>/<n>`, written in the same transaction under the member's row lock).
CREATE TABLE "StampCardMember" (
    "shop" TEXT NOT NULL,
    "cardId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "rewardsIssued" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StampCardMember_pkey" PRIMARY KEY ("shop", "cardId", "customerId")
);
