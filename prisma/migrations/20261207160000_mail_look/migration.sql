-- The merchant's look for member e-mails (app/engagement/mail-settings.server.ts): a logo and an accent colour per
-- shop, and per kind and language their own subject and opening note (null: the app's own).
ALTER TABLE "ShopMailSettings" ADD COLUMN "logoUrl" TEXT, ADD COLUMN "accentColor" TEXT;

CREATE TABLE "MailWording" (
    "shop" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "subject" TEXT,
    "intro" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "MailWording_pkey" PRIMARY KEY ("shop", "kind", "locale")
);
