-- customers/update: the member's contact details as of the customer's updated_at (newest wins, whichever webhook
-- arrives first) and their e-mail marketing consent. shop/update: the shop's time zone (calendar days are the
-- shop's) and when its settings were described, so an older shop/update cannot undo a newer one.
ALTER TABLE "Member" ADD COLUMN "contactAt" TIMESTAMP(3);
ALTER TABLE "Member" ADD COLUMN "emailMarketing" TEXT;
ALTER TABLE "Shop" ADD COLUMN "timezone" TEXT;
ALTER TABLE "Shop" ADD COLUMN "settingsAt" TIMESTAMP(3);
