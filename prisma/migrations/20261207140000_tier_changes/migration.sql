-- Every change of a member's VIP tier or tier period, recorded by the database whichever code wrote it (an order's
-- upgrade, the batch path's, the tier review, Flow's "Set VIP tier", a balance import), so that member e-mails and
-- the Flow trigger hear of each once (app/engagement/tier-events.server.ts). Who made it is read from the
-- transaction's setting `treue.tier_source` ('import', 'flow'; unset: the program's own rules).
CREATE TABLE "TierChange" (
    "id" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "fromTierId" TEXT,
    "toTierId" TEXT,
    "fromPeriodEnd" TIMESTAMP(3),
    "toPeriodEnd" TIMESTAMP(3),
    "source" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    CONSTRAINT "TierChange_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "TierChange_at_idx" ON "TierChange" ("at");
CREATE INDEX "TierChange_shop_customerId_idx" ON "TierChange" ("shop", "customerId");

CREATE FUNCTION "member_tier_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "TierChange" ("shop", "customerId", "fromTierId", "toTierId", "fromPeriodEnd", "toPeriodEnd", "source")
  VALUES (NEW."shop", NEW."customerId", OLD."tierId", NEW."tierId", OLD."tierPeriodEnd", NEW."tierPeriodEnd",
          NULLIF(current_setting('treue.tier_source', true), ''));
  RETURN NULL;
END $$;

-- Only statements that set a tier column run it (the ledger's balance updates do not), and only for a real change.
CREATE TRIGGER "Member_tier_changed" AFTER UPDATE OF "tierId", "tierPeriodEnd" ON "Member"
  FOR EACH ROW WHEN (OLD."tierId" IS DISTINCT FROM NEW."tierId" OR OLD."tierPeriodEnd" IS DISTINCT FROM NEW."tierPeriodEnd")
  EXECUTE FUNCTION "member_tier_changed"();

-- Tier e-mails, each on by default like the others.
ALTER TABLE "ShopMailSettings" ADD COLUMN "tierUp" BOOLEAN NOT NULL DEFAULT true,
                               ADD COLUMN "tierKept" BOOLEAN NOT NULL DEFAULT true,
                               ADD COLUMN "tierLost" BOOLEAN NOT NULL DEFAULT true;
