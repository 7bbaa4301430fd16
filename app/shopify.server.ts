import "@shopify/shopify-app-remix/adapters/node";
import {
  ApiVersion,
  AppDistribution,
  LogSeverity,
  shopifyApp,
} from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import prisma from "./db.server";
import { env } from "./env.server";
import { sendShopRequestsTo } from "./shopify/shop-origin.server";
import { recordInstallation, shopCurrencyOrDefault } from "./shops/shops.server";
import { loadLoyaltyProgram } from "./points/loyalty-program.server";
import { publishStorefrontEarning } from "./storefront/earning-metafield.server";
import { startHistoryImportOnInstall } from "./history/history-import.server";
import { CachedSessionStorage, SESSION_STORAGE } from "./shopify/session-cache.server";
import { processSingleton } from "./singletons.server";

const config = env();
sendShopRequestsTo(config.SHOPIFY_SHOP_ORIGIN);

export const API_VERSION = ApiVersion.October26;

/** The app's session storage (PostgreSQL), with a short cache for webhook bursts. */
export function cachedSessions(): CachedSessionStorage {
  return processSingleton(SESSION_STORAGE, () => new CachedSessionStorage(new PrismaSessionStorage(prisma)));
}

const shopify = shopifyApp({
  apiKey: config.SHOPIFY_API_KEY,
  apiSecretKey: config.SHOPIFY_API_SECRET,
  apiVersion: API_VERSION,
  scopes: config.SCOPES?.split(",").map((s) => s.trim()).filter(Boolean),
  appUrl: config.SHOPIFY_APP_URL,
  authPathPrefix: "/auth",
  sessionStorage: cachedSessions(),
  distribution: AppDistribution.AppStore,
  // The libraries' warnings and errors only: at their default (info) every buyer request and webhook wrote a
  // line such as "Authenticating checkout request | {shop: null}" beside the app's own request line.
  logger: { level: LogSeverity.Warning },
  future: {
    unstable_newEmbeddedAuthStrategy: true,
  },
  hooks: {
    afterAuth: async ({ session, admin }) => {
      await recordInstallation(prisma, admin.graphql, session.shop);
      // The theme blocks read the program's earning rules from Shopify: publish them before the merchant edits any.
      void loadLoyaltyProgram(prisma, session.shop)
        .then(async (program) => publishStorefrontEarning(admin.graphql, program, await shopCurrencyOrDefault(prisma, session.shop)))
        .catch((e) => console.error("[treue] storefront earning rules:", e));
      void startHistoryImportOnInstall(prisma, session.shop).catch((e) => console.error("[treue] history import:", e));
    },
  },
  ...(config.SHOP_CUSTOM_DOMAIN ? { customShopDomains: [config.SHOP_CUSTOM_DOMAIN] } : {}),
});

export default shopify;
export const apiVersion = API_VERSION;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;
export const sessionStorage = shopify.sessionStorage;
