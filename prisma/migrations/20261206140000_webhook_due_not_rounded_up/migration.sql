-- A new event's "nextAttemptAt" defaulted to CURRENT_TIMESTAMP stored as TIMESTAMP(3): PostgreSQL rounds the
-- microseconds to the nearest millisecond, so an event recorded in the last half millisecond was due up to 0.5 ms
-- in the future and a drain right after it skipped it until its next poll (seen as a flaky worker test).
-- Truncating never rounds up.
ALTER TABLE "WebhookEvent" ALTER COLUMN "nextAttemptAt" SET DEFAULT date_trunc('milliseconds', CURRENT_TIMESTAMP);
