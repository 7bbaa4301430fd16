// Starts what an integration test needs: a fresh PostgreSQL database, the local Shopify stand-in
// and the built app as a child process pointed at both — real HTTP everywhere.
import { startShopifyStandin, type ShopifyStandin } from "../shopify-standin/index";
import type { StandinState } from "../shopify-standin/state";
import { databaseTarget, openDatabase, type Database } from "../../app/db/connection.server";
import { startAppProcess, BROWSER_USER_AGENT, type AppProcess } from "../../scripts/demo/app-process";
import { installDemoShop } from "../../scripts/demo/install-demo-shop";
import { createTestDatabase, ensureTemplateDatabase, type TestDatabase } from "./postgres";

export const TEST_SHOP = "treue-test.myshopify.com";
export const TEST_API_KEY = "treue-test-api-key";
export const TEST_API_SECRET = "treue-test-api-secret";
export const TEST_SCOPES = "read_customers,write_customers,read_orders,read_all_orders,read_products,write_discounts,read_store_credit_account_transactions,write_store_credit_account_transactions";
export { BROWSER_USER_AGENT };

export interface TreueHarness {
  standin: ShopifyStandin;
  app: AppProcess;
  database: TestDatabase;
  db: Database;
  /**
   * Another app instance on the same database (as a second server behind a load balancer), with `env` over the
   * start's environment. The stand-in keeps sending to the first; the caller stops it.
   */
  startInstance(env?: Record<string, string>): Promise<AppProcess>;
  /** Stops (or kills) the app and starts it again, with `env` over the start's environment. */
  restartApp(opts?: { kill?: boolean; env?: Record<string, string> }): Promise<AppProcess>;
  adminUrl(path?: string, params?: Record<string, string>): string;
  /** An admin page's form POSTed as the embedded admin posts it (the session token as bearer). */
  adminPost(path: string, form: Record<string, string>, params?: Record<string, string>): Promise<Response>;
  /**
   * A customer who holds `points` (one paid order of points × 1.00 at the default 1 point per 1.00, through the
   * signed webhooks and the worker): waits until the member row shows them. Needs WEBHOOK_WORKER=1.
   */
  memberWithPoints(points: number, email: string): Promise<{ id: number }>;
  close(): Promise<void>;
}

export async function startTreue(opts: {
  installed?: boolean;
  state?: StandinState;
  appEnv?: Record<string, string>;
  /** The DATABASE_URL the app gets for the test database (e.g. through a pooler); the harness's own client connects directly. */
  appDatabaseUrl?: (directUrl: string) => Promise<string> | string;
  /** How long each step of a bulk operation takes in the stand-in (default 50 ms): longer shows an import's progress. */
  bulkDelayMs?: number;
} = {}): Promise<TreueHarness> {
  const database = await createTestDatabase(await ensureTemplateDatabase());
  const appDatabaseUrl = opts.appDatabaseUrl ? await opts.appDatabaseUrl(database.url) : database.url;
  const standin = await startShopifyStandin({
    shop: TEST_SHOP,
    apiKey: TEST_API_KEY,
    apiSecret: TEST_API_SECRET,
    port: 0,
    state: opts.state,
    bulkDelayMs: opts.bulkDelayMs,
  });
  if (opts.installed !== false) {
    await installDemoShop({
      databaseUrl: database.url,
      shop: TEST_SHOP,
      accessToken: standin.accessTokenFor(TEST_SHOP),
      scope: TEST_SCOPES,
      shopName: standin.state.shops[TEST_SHOP]?.info?.name ?? "Treue Test",
      currency: standin.state.shops[TEST_SHOP]?.info?.currency ?? "EUR",
      timezone: standin.state.shops[TEST_SHOP]?.info?.timezone,
    });
  }
  const launch = async (extraEnv: Record<string, string> = {}, { primary = true } = {}) => {
    const app = await startAppProcess({
      env: {
        SHOPIFY_API_KEY: TEST_API_KEY,
        SHOPIFY_API_SECRET: TEST_API_SECRET,
        SCOPES: TEST_SCOPES,
        DATABASE_URL: appDatabaseUrl,
        SHOPIFY_SHOP_ORIGIN: standin.url,
        APP_BRIDGE_URL: `${standin.url}/__standin/app-bridge.js`,
        // Tests run the periodic jobs (tiers, birthdays, expiry) themselves, at chosen times.
        PERIODIC_JOBS: "0",
        ...opts.appEnv,
        ...extraEnv,
      },
    });
    if (primary) standin.setAppUrl(app.url);
    return app;
  };
  let app = await launch();
  const db = await openDatabase(databaseTarget(database.url));
  const harness: TreueHarness = {
    standin,
    get app() {
      return app;
    },
    database,
    db,
    startInstance: (env = {}) => launch(env, { primary: false }),
    async restartApp({ kill = false, env = {} } = {}) {
      if (kill) await app.kill();
      else await app.stop();
      app = await launch(env);
      return app;
    },
    adminUrl(path = "/app", params = {}) {
      const host = Buffer.from(`admin.shopify.com/store/${TEST_SHOP.replace(".myshopify.com", "")}`).toString("base64url");
      const query = new URLSearchParams({
        embedded: "1",
        shop: TEST_SHOP,
        host,
        id_token: standin.mintAdminIdToken({ shop: TEST_SHOP }),
        ...params,
      });
      return `${app.url}${path}?${query}`;
    },
    adminPost(path, form, params = {}) {
      const url = new URL(this.adminUrl(path, params));
      return browserFetch(url.toString(), {
        method: "POST",
        headers: { Authorization: `Bearer ${url.searchParams.get("id_token")}`, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(form).toString(),
      });
    },
    async memberWithPoints(points, email) {
      const customer = await standin.createCustomer({ email });
      await standin.createOrder({ customerId: customer.id, lines: [{ sku: "TEA", quantity: 1, unitPriceMinor: points * 100 }] });
      const where = { shop_customerId: { shop: TEST_SHOP, customerId: String(customer.id) } };
      const deadline = Date.now() + 20_000;
      let held: number | null = null;
      while ((held = (await db.prisma.member.findUnique({ where }))?.points ?? null) !== points) {
        if (Date.now() > deadline) throw new Error(`${email} holds ${held} points after 20 s, not ${points}: is the app's webhook worker on (WEBHOOK_WORKER=1)?`);
        await new Promise((r) => setTimeout(r, 100));
      }
      return { id: customer.id };
    },
    async close() {
      await app.stop().catch(() => {});
      await db.close().catch(() => {});
      await standin.close().catch(() => {});
      await database.drop().catch(() => {});
    },
  };
  return harness;
}

export function browserFetch(url: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  headers.set("User-Agent", BROWSER_USER_AGENT);
  return fetch(url, { ...init, headers, redirect: "manual" });
}

/**
 * Waits (outside a test body, where expect.poll is not available) until the shop has at least `count` members,
 * as the customers/create webhooks make them; fails naming what did not happen.
 */
export async function waitForMembers(t: TreueHarness, count: number, timeoutMs = 15_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; (await t.db.prisma.member.count({ where: { shop: TEST_SHOP } })) < count; ) {
    if (Date.now() > deadline) throw new Error(`the customers/create webhooks made fewer than ${count} members within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
