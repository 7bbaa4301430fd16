// The merchant's lifecycle segment rules: stored per shop, the defaults until the merchant saves their own.
import type { SegmentThresholds } from "~/analytics/domain/lifecycle-segments";
import { segmentThresholdsFromStored } from "~/analytics/domain/segment-form";
import type { SqlClient } from "~/history/history-store.server";

export async function loadSegmentThresholds(db: SqlClient, shop: string): Promise<SegmentThresholds> {
  const [row] = await db.$queryRawUnsafe<{ thresholds: unknown }[]>(`SELECT "thresholds" FROM "SegmentRules" WHERE "shop" = $1`, shop);
  return segmentThresholdsFromStored(row?.thresholds);
}

export async function saveSegmentThresholds(db: SqlClient, shop: string, thresholds: SegmentThresholds, now = new Date()): Promise<void> {
  await db.$executeRawUnsafe(
    `INSERT INTO "SegmentRules" ("shop", "thresholds", "updatedAt") VALUES ($1, $2::jsonb, $3)
     ON CONFLICT ("shop") DO UPDATE SET "thresholds" = EXCLUDED."thresholds", "updatedAt" = EXCLUDED."updatedAt"`,
    shop,
    JSON.stringify(thresholds),
    now,
  );
}
