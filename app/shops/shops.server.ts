import type { PrismaClient } from "@prisma/client";
import { SHOP_IDENTITY_QUERY } from "~/shops/graphql/ShopIdentity";
import type { ShopIdentityQuery } from "~/types/admin.generated";
import { runAdminOperation, type AdminGraphql } from "~/shopify/admin-graphql.server";


/** Remembers the shop (and clears an earlier uninstall) each time Shopify authenticates it. */
export async function recordInstallation(prisma: PrismaClient, graphql: AdminGraphql, shopDomain: string) {
  const { shop } = await runAdminOperation<ShopIdentityQuery>(graphql, SHOP_IDENTITY_QUERY);
  await prisma.shop.upsert({
    where: { domain: shopDomain },
    create: { domain: shopDomain, name: shop.name, currency: shop.currencyCode, timezone: shop.ianaTimezone },
    update: { name: shop.name, currency: shop.currencyCode, timezone: shop.ianaTimezone, uninstalledAt: null },
  });
}

/** Shopify sends app/uninstalled: the shop's sessions go, its data stays for the grace period. */
export async function recordUninstallation(prisma: PrismaClient, shopDomain: string, at = new Date()) {
  await prisma.$transaction([
    prisma.session.deleteMany({ where: { shop: shopDomain } }),
    prisma.shop.updateMany({ where: { domain: shopDomain }, data: { uninstalledAt: at } }),
  ]);
}

/** The currency admin forms take amounts in: the shop's, or EUR until Shopify has told us (before the first visit). */
export async function shopCurrencyOrDefault(prisma: Pick<PrismaClient, "shop">, shopDomain: string): Promise<string> {
  return (await prisma.shop.findUnique({ where: { domain: shopDomain }, select: { currency: true } }))?.currency ?? "EUR";
}
