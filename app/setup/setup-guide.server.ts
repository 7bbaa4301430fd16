// The setup guide's state per shop (domain: setup-guide.ts): which steps are marked done and by whom, and
// whether the merchant dismissed the guide. One small row; the app marks a step when the merchant does it in the
// app (program saved, reward changed, balances imported), the merchant marks the steps done in Shopify's editors.
import type { SqlClient } from "~/history/history-store.server";
import { setupGuide, type MarkedBy, type SetupGuide, type SetupStep } from "~/setup/domain/setup-guide";

interface Row {
  marks: Record<string, { by: MarkedBy; at: string }> | null;
  dismissedAt: Date | null;
}

export async function loadSetupGuide(db: SqlClient, shop: string): Promise<SetupGuide> {
  const [row] = await db.$queryRawUnsafe<Row[]>(`SELECT "marks", "dismissedAt" FROM "SetupGuide" WHERE "shop" = $1`, shop);
  const marks = new Map<string, MarkedBy>();
  for (const [step, mark] of Object.entries(row?.marks ?? {})) marks.set(step, mark.by === "app" ? "app" : "merchant");
  return setupGuide(marks, !!row?.dismissedAt);
}

/**
 * Marks a step done. A mark by the app replaces the merchant's (it is certain); the merchant's never replaces the
 * app's. Idempotent: marking again keeps the first time.
 */
export async function markSetupStep(db: SqlClient, shop: string, step: SetupStep, by: MarkedBy, now = new Date()): Promise<void> {
  const mark = JSON.stringify({ [step]: { by, at: now.toISOString() } });
  await db.$executeRawUnsafe(
    `INSERT INTO "SetupGuide" ("shop", "marks") VALUES ($1, $2::jsonb)
     ON CONFLICT ("shop") DO UPDATE SET "marks" = CASE
       WHEN "SetupGuide"."marks" -> $3 IS NULL OR ($4 = 'app' AND "SetupGuide"."marks" -> $3 ->> 'by' <> 'app')
         THEN "SetupGuide"."marks" || EXCLUDED."marks"
       ELSE "SetupGuide"."marks" END`,
    shop,
    mark,
    step,
    by,
  );
}

/** Takes back the merchant's own mark (the app's marks stay: what it saw was done). */
export async function unmarkSetupStep(db: SqlClient, shop: string, step: SetupStep): Promise<void> {
  await db.$executeRawUnsafe(
    `UPDATE "SetupGuide" SET "marks" = "marks" - $2 WHERE "shop" = $1 AND "marks" -> $2 ->> 'by' = 'merchant'`,
    shop,
    step,
  );
}

export async function setSetupGuideDismissed(db: SqlClient, shop: string, dismissed: boolean, now = new Date()): Promise<void> {
  await db.$executeRawUnsafe(
    `INSERT INTO "SetupGuide" ("shop", "dismissedAt") VALUES ($1, $2::timestamp(3))
     ON CONFLICT ("shop") DO UPDATE SET "dismissedAt" = EXCLUDED."dismissedAt"`,
    shop,
    dismissed ? now.toISOString() : null,
  );
}
