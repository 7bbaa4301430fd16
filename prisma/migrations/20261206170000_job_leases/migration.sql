-- Periodic jobs take a lease instead of holding a transaction (and a connection) with an advisory lock for as
-- long as they run: one row per job, claimed when free or lapsed, renewed while the job runs, released at its
-- end (app/services/periodic-jobs.server.ts). Behind a transaction pooler a held transaction pins one of its
-- few server connections; a lease pins nothing.
CREATE TABLE "JobLease" (
    "name" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "JobLease_pkey" PRIMARY KEY ("name")
);
