// shop/update: the shop's name, currency and time zone as Shopify now has them (the time zone decides the shop's
// calendar days). Newest wins by the payload's updated_at, so a late or replayed delivery changes nothing.
import { sqlOf } from "~/db/connection.server";
import { parseInstant } from "~/domain/points/time";
import type { Db } from "~/services/points-ledger.server";
import { UnusablePayloadError, type WebhookStep } from "~/services/webhook-worker.server";

export interface ShopSettings {
  name: string | null;
  currency: string | null;
  timezone: string | null;
  settingsAt: Date;
}

/** True for an IANA zone name this runtime knows ("Europe/Berlin"), false for anything else. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return /\//.test(zone) || zone === "UTC";
  } catch {
    return false;
  }
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
  await sqlOf(tx).execute(
    `UPDATE "Shop" SET "name" = COALESCE($2, "name"), "currency" = COALESCE($3, "currency"), "timezone" = COALESCE($4, "timezone"),
            "settingsAt" = $5::timestamp(3), "updatedAt" = (now() AT TIME ZONE 'UTC')
      WHERE "domain" = $1 AND ("settingsAt" IS NULL OR "settingsAt" <= $5::timestamp(3))`,
    [event.shop, s.name, s.currency, s.timezone, s.settingsAt.toISOString().slice(0, 23)],
  );
}

export const shopSettingsSteps: Record<string, WebhookStep[]> = {
  SHOP_UPDATE: [updateShopSettings],
};
