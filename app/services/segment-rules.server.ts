// The merchant's lifecycle segment rules: stored per shop, the defaults until the merchant saves their own.
import type { PrismaClient } from "@prisma/client";
import type { SegmentThresholds } from "~/domain/analytics/lifecycle-segments";
import { segmentThresholdsFromStored } from "~/domain/analytics/segment-form";

type Db = Pick<PrismaClient, "segmentRules">;

export async function loadSegmentThresholds(db: Db, shop: string): Promise<SegmentThresholds> {
  const row = await db.segmentRules.findUnique({ where: { shop } });
  return segmentThresholdsFromStored(row?.thresholds);
}

export async function saveSegmentThresholds(db: Db, shop: string, thresholds: SegmentThresholds, now = new Date()): Promise<void> {
  const stored = JSON.parse(JSON.stringify(thresholds));
  await db.segmentRules.upsert({ where: { shop }, create: { shop, thresholds: stored, updatedAt: now }, update: { thresholds: stored, updatedAt: now } });
}
