-- Store credit rewards (app/rewards/store-credit.server.ts): a redemption remembers when it last asked Shopify
-- to credit (a lost answer is not sent again until Shopify has surely finished with it) and which credit
-- transaction is its own (one transaction can be claimed by one redemption only).
ALTER TABLE "Redemption" ADD COLUMN "creditSentAt" TIMESTAMP(3);
ALTER TABLE "Redemption" ADD COLUMN "creditTransactionId" TEXT;
CREATE UNIQUE INDEX "Redemption_shop_creditTransactionId_key" ON "Redemption" ("shop", "creditTransactionId");
