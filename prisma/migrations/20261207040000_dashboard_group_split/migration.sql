-- The dashboard's member split and referral totals per shop and day (app/analytics/dashboard-groups.server.ts):
-- valid for one generation of the rollups and one stamp of the members and referrals, so a view reads one row
-- instead of every member's id and rollups. Computed by the periodic summary job and by a view that finds none.
CREATE TABLE "DashboardGroupSplit" (
  "shop" TEXT NOT NULL,
  -- The shop's calendar day the periods end with, YYYY-MM-DD (as DashboardSummary."asOf").
  "asOf" TEXT NOT NULL,
  "generation" BIGINT NOT NULL,
  "stamp" TEXT NOT NULL,
  -- JSON: member and referred counts, and each group's totals for every period window.
  "state" TEXT NOT NULL,
  "computedAt" TIMESTAMP(3) NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
  CONSTRAINT "DashboardGroupSplit_pkey" PRIMARY KEY ("shop", "asOf")
);
