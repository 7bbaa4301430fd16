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
    const id = `offline_${opts.shop}`;
    await db.prisma.session.upsert({
      where: { id },
      create: { id, shop: opts.shop, state: "", isOnline: false, scope: opts.scope, accessToken: opts.accessToken },
      update: { accessToken: opts.accessToken, scope: opts.scope },
    });
    await db.prisma.shop.upsert({
      where: { domain: opts.shop },
      create: { domain: opts.shop, name: opts.shopName, currency: opts.currency, timezone: opts.timezone ?? null },
      update: { name: opts.shopName, currency: opts.currency, timezone: opts.timezone ?? null, uninstalledAt: null },
    });
    return { applied };
  } finally {
    await db.close();
  }
}
