// Raw webhook payloads carry names, e-mails and addresses; once an event is applied, nothing reads its payload
// again (the engines keep what they need in their own tables). A week after an event was applied its payload
// is emptied; the row stays (event id, topic, times: the audit trail, and the key that keeps a late retry of the
// same delivery from being applied twice). Parked and failed events keep theirs for the retry.
import type { PrismaClient } from "@prisma/client";
import { sqlOf } from "~/db/connection.server";
import type { PeriodicJob } from "~/jobs/periodic-jobs.server";

export const PAYLOAD_RETENTION_DAYS = 7;
export const PURGED_PAYLOAD = { purged: true } as const;
const BATCH = 5_000;

/** Empties the payloads of events applied before `now` − retention, a batch at a time; returns how many. */
export async function purgeAppliedPayloads(db: PrismaClient, now: Date, retentionDays = PAYLOAD_RETENTION_DAYS): Promise<number> {
  const before = new Date(now.getTime() - retentionDays * 86_400_000);
  let total = 0;
  for (;;) {
    const n = await sqlOf(db).execute(
      `UPDATE "WebhookEvent" SET "payload" = $2::jsonb
        WHERE "id" IN (SELECT "id" FROM "WebhookEvent"
                        WHERE "status" = 'processed' AND "processedAt" < $1::timestamp(3) AND "payload" <> $2::jsonb AND "payload" <> '{"redacted": true}'::jsonb
                        LIMIT ${BATCH})`,
      [before.toISOString(), JSON.stringify(PURGED_PAYLOAD)],
    );
    total += n;
    if (n < BATCH) return total;
  }
}

export const payloadRetentionJob: PeriodicJob = {
  name: "webhook-payload-retention",
  everyMs: 60 * 60 * 1000,
  run: async (db, now) => void (await purgeAppliedPayloads(db, now)),
};
