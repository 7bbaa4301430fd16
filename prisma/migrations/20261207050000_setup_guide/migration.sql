-- The setup guide on the admin home (app/setup/setup-guide.server.ts): each step marked done, by the app (the
-- merchant did it in the app) or by the merchant (done in Shopify's editors, which do not tell the app), and when
-- the merchant hid the guide.
CREATE TABLE "SetupGuide" (
  "shop" TEXT NOT NULL,
  -- {"<step>": {"by": "app" | "merchant", "at": "<ISO instant>"}}
  "marks" JSONB NOT NULL DEFAULT '{}',
  "dismissedAt" TIMESTAMP(3),
  CONSTRAINT "SetupGuide_pkey" PRIMARY KEY ("shop")
);
