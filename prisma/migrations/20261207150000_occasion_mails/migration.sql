-- Birthday and referral e-mails (app/engagement/member-mails.server.ts), each on by default like the others.
ALTER TABLE "ShopMailSettings" ADD COLUMN "birthday" BOOLEAN NOT NULL DEFAULT true,
                               ADD COLUMN "friendOrdered" BOOLEAN NOT NULL DEFAULT true,
                               ADD COLUMN "referralReward" BOOLEAN NOT NULL DEFAULT true;

-- The mail job looks for birthday bonuses written in the last days every minute: without this it would read the ledger.
CREATE INDEX "LedgerEntry_birthday_createdAt_idx" ON "LedgerEntry" ("createdAt") WHERE "kind" = 'birthday-bonus';
-- And for referrals credited in the last days.
CREATE INDEX "Referral_creditedAt_idx" ON "Referral" ("creditedAt") WHERE "creditedAt" IS NOT NULL;
