-- "Reward unlocked" e-mails (app/engagement/reward-unlocked.server.ts), on by default like the others.
ALTER TABLE "ShopMailSettings" ADD COLUMN "rewardUnlocked" BOOLEAN NOT NULL DEFAULT true;

-- When a positive entry became spendable: its availableAt, or when it was written if that was later (an order's
-- points are written after the order was paid). The mail job reads the entries that became spendable since its
-- last run; without this index it would read the ledger every minute.
CREATE INDEX "LedgerEntry_spendable_from_idx" ON "LedgerEntry" (GREATEST("availableAt", "createdAt")) WHERE "points" > 0;

-- Where an event scan stopped (one row per scan): the next run reads from there, so a job that was down reads
-- what it missed instead of losing it.
CREATE TABLE "EventCursor" (
    "name" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "EventCursor_pkey" PRIMARY KEY ("name")
);
