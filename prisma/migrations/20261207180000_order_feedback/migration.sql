-- The thank-you after a member's first order (a marketing mail, on by default like the others) and the feedback it
-- asks for: one answer per order, changeable through the mail's link (app/engagement/feedback.server.ts).
ALTER TABLE "ShopMailSettings" ADD COLUMN "thankYou" BOOLEAN NOT NULL DEFAULT true;

CREATE TABLE "OrderFeedback" (
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "orderName" TEXT NOT NULL,
    "rating" INTEGER NOT NULL,
    "comment" TEXT,
    "locale" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "OrderFeedback_pkey" PRIMARY KEY ("shop", "orderId"),
    CONSTRAINT "OrderFeedback_rating_check" CHECK ("rating" BETWEEN 1 AND 5)
);
CREATE INDEX "OrderFeedback_shop_updatedAt_idx" ON "OrderFeedback" ("shop", "updatedAt");
CREATE INDEX "OrderFeedback_shop_customerId_idx" ON "OrderFeedback" ("shop", "customerId");
