-- A segment bonus may come with a win-back e-mail (marketing: only to members who agreed to it).
ALTER TABLE "SegmentBonus" ADD COLUMN "mail" BOOLEAN NOT NULL DEFAULT false;
