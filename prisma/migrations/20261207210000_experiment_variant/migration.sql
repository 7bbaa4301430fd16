-- A/B tests of two versions of an e-mail (app/engagement/experiments.server.ts): the second version's subject and
-- opening note (placeholders as the merchant's wording); both null: the test is the e-mail against no e-mail.
ALTER TABLE "Experiment" ADD COLUMN "variantSubject" TEXT,
                         ADD COLUMN "variantIntro" TEXT;
