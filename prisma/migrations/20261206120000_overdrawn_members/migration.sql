-- Members whose points fell below zero (a refund took back points they had spent): the redemption-codes job
-- looks for them every minute and ends the codes those points bought. Few rows match, so the index stays tiny.
-- A partial index: Prisma's schema cannot express it (schema.prisma notes it on Member).
CREATE INDEX "Member_overdrawn_idx" ON "Member" ("shop", "customerId") WHERE "points" < 0;
