// The shop's calendar: its IANA time zone (from the install's shop query and shop/update) decides where its
// days begin, so "today" on the dashboard, cohorts and periods are the merchant's days, not UTC's.
import { dayIn, isTimeZone } from "~/shops/domain/zoned";
import type { SqlClient } from "~/history/history-store.server";

/** The shop's time zone; UTC for a shop that has none recorded (or one this runtime does not know). */
export async function shopTimeZone(db: SqlClient, shop: string): Promise<string> {
  const rows = await db.$queryRawUnsafe<{ timezone: string | null }[]>(`SELECT "timezone" FROM "Shop" WHERE "domain" = $1`, shop);
  const zone = rows[0]?.timezone;
  return zone && isTimeZone(zone) ? zone : "UTC";
}

/** The shop's calendar day at `now`, "YYYY-MM-DD". */
export async function shopToday(db: SqlClient, shop: string, now = new Date()): Promise<string> {
  return dayIn(now, await shopTimeZone(db, shop));
}
