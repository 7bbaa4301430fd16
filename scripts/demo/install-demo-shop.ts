// Puts the app's database in the state it has after Shopify installed the app on the demo shop:
// migrated, the shop known, and an offline session holding the stand-in's access token — so
// `authenticate.admin` needs no network (no token exchange) for the printed URL.
import { databaseTarget, openDatabase } from "../../app/db/connection.server";
import { migrate } from "../../app/db/migrate.server";

export async function installDemoShop(opts: {
  databaseUrl: string;
  shop: string;
  accessToken: string;
  scope: string;
  shopName: string;
  currency: string;
  /** The shop's IANA time zone (its calendar days); UTC when not given. */
  timezone?: string;
}): Promise<{ applied: string[] }> {
  const db = await openDatabase(databaseTarget(opts.databaseUrl));
  try {
    const { applied } = await db.session((sql) => migrate(sql));
    // Plain SQL, not Prisma: the demo's own process then never loads Prisma's query compiler (tens of MB it would
    // keep for the whole demo for these two rows; the app process has its own).
    const id = `offline_${opts.shop}`;
    await db.sql.query(
      `INSERT INTO "Session" ("id", "shop", "state", "isOnline", "scope", "accessToken") VALUES ($1, $2, '', false, $3, $4)
       ON CONFLICT ("id") DO UPDATE SET "accessToken" = EXCLUDED."accessToken", "scope" = EXCLUDED."scope"`,
      [id, opts.shop, opts.scope, opts.accessToken],
    );
    await db.sql.query(
      `INSERT INTO "Shop" ("domain", "name", "currency", "timezone", "updatedAt") VALUES ($1, $2, $3, $4, now())
       ON CONFLICT ("domain") DO UPDATE SET "name" = EXCLUDED."name", "currency" = EXCLUDED."currency", "timezone" = EXCLUDED."timezone",
         "uninstalledAt" = NULL, "updatedAt" = now()`,
      [opts.shop, opts.shopName, opts.currency, opts.timezone ?? null],
    );
    return { applied };
  } finally {
    await db.close();
  }
}
