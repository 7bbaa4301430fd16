// shop/update: the shop's name, currency and time zone as Shopify now has them (the time zone decides the shop's
// calendar days). Newest wins by the payload's updated_at, so a late or replayed delivery changes nothing.
import { sqlOf } from "~/db/connection.server";
import { isTimeZone } from "~/shops/domain/zoned";
import { parseInstant } from "~/points/domain/time";
import { markAllRollupsDirty } from "~/history/history-rollups.server";
import type { Db } from "~/points/points-ledger.server";
import { UnusablePayloadError, type WebhookStep } from "~/webhooks/webhook-worker.server";

export interface ShopSettings {
  name: string | null;
  currency: string | null;
  timezone: string | null;
  settingsAt: Date;
}

/** The settings a shop/update payload (REST shop JSON) carries; a field it lacks or spells wrongly is null. */
export function shopSettingsOf(payload: unknown): ShopSettings {
  const p = (payload ?? {}) as { name?: unknown; currency?: unknown; iana_timezone?: unknown; updated_at?: unknown };
  const settingsAt = typeof p.updated_at === "string" ? parseInstant(p.updated_at) : null;
  if (!settingsAt) throw new UnusablePayloadError("the payload is not a shop: updated_at missing or without time zone");
  const currency = typeof p.currency === "string" && /^[A-Z]{3}$/.test(p.currency) ? p.currency : null;
  const timezone = typeof p.iana_timezone === "string" && isTimeZone(p.iana_timezone) ? p.iana_timezone : null;
  const name = typeof p.name === "string" && p.name.trim() ? p.name.trim().slice(0, 255) : null;
  return { name, currency, timezone, settingsAt };
}

export async function updateShopSettings(tx: Db, event: { shop: string; payload: unknown }): Promise<void> {
  const s = shopSettingsOf(event.payload);
  const [row] = await sqlOf(tx).query<{ before: string | null; after: string | null }>(
    `UPDATE "Shop" AS s SET "name" = COALESCE($2, s."name"), "currency" = COALESCE($3, s."currency"), "timezone" = COALESCE($4, s."timezone"),
            "settingsAt" = $5::timestamp(3), "updatedAt" = (now() AT TIME ZONE 'UTC')
       FROM (SELECT "domain", "timezone" FROM "Shop" WHERE "domain" = $1 FOR UPDATE) AS old
      WHERE s."domain" = old."domain" AND (s."settingsAt" IS NULL OR s."settingsAt" <= $5::timestamp(3))
     RETURNING old."timezone" AS before, s."timezone" AS after`,
    [event.shop, s.name, s.currency, s.timezone, s.settingsAt.toISOString().slice(0, 23)],
  );
  // Another zone moves every order to another day number: the figures are rebuilt on the new calendar.
  if (row && row.before !== row.after) await markAllRollupsDirty(tx, event.shop);
}

export const shopSettingsSteps: Record<string, WebhookStep[]> = {
  SHOP_UPDATE: [updateShopSettings],
};
