-- Which member e-mails a shop sends (app/engagement/mail-settings.server.ts); a shop without a row sends all.
CREATE TABLE "ShopMailSettings" (
    "shop" TEXT NOT NULL,
    "pointsEarned" BOOLEAN NOT NULL DEFAULT true,
    "pointsExpiring" BOOLEAN NOT NULL DEFAULT true,
    "winBack" BOOLEAN NOT NULL DEFAULT true,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ShopMailSettings_pkey" PRIMARY KEY ("shop")
);
