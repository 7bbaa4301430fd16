// `npm run demo`: the whole product on this machine with no Shopify account and no database server.
// Starts the local Shopify stand-in as the demo shop (seeded from the Online Retail history in data/, dates
// shifted to end today), a PostgreSQL server from npm (unless DATABASE_URL names one), migrates it, installs
// the app on the shop, starts the built app and prints a URL that opens the embedded admin in a normal browser.
//
//   npm run demo [-- --full]     --full (or DEMO_HISTORY=<file>): seed from the full Online Retail data set
import fs from "node:fs";
import path from "node:path";
import { startShopifyStandin, loadStandinState, type ShopifyStandin } from "../tests/shopify-standin/index";
import { startSmtpCapture } from "../tests/support/smtp-capture";
import { DEFAULT_ONLINE_RETAIL_FILE, FULL_ONLINE_RETAIL_FILE, loadOnlineRetailSeed } from "../tests/shopify-standin/seed/online-retail";
import { ensureAppBuild } from "./demo/build";
import { startAppProcess } from "./demo/app-process";
import { installDemoShop } from "./demo/install-demo-shop";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "./lib/embedded-postgres";

const started = Date.now();
const config = {
  apiKey: process.env.SHOPIFY_API_KEY || "treue-demo-api-key",
  apiSecret: process.env.SHOPIFY_API_SECRET || "treue-demo-api-secret",
  port: Number(process.env.PORT || 3000),
  shop: process.env.DEMO_SHOP || "treue-demo.myshopify.com",
  dataDir: path.resolve(process.env.DEMO_DATA_DIR || ".demo-data"),
  databaseUrl: process.env.DATABASE_URL || undefined,
  history: process.argv.includes("--full") ? FULL_ONLINE_RETAIL_FILE : process.env.DEMO_HISTORY || DEFAULT_ONLINE_RETAIL_FILE,
  standinPort: Number(process.env.DEMO_STANDIN_PORT || 0),
  scopes:
    process.env.SCOPES || "read_customers,write_customers,read_orders,read_all_orders,read_products,write_discounts,read_store_credit_account_transactions,write_store_credit_account_transactions",
};
const log = (line: string) => console.log(`[demo ${((Date.now() - started) / 1000).toFixed(1)}s] ${line}`);
for (const arg of process.argv.slice(2)) {
  if (arg !== "--full") {
    console.error(`npm run demo: unknown argument ${arg} (usage: npm run demo [-- --full])`);
    process.exit(2);
  }
}

fs.mkdirSync(config.dataDir, { recursive: true });
const snapshot = path.join(config.dataDir, "shopify-standin.json");

ensureAppBuild(log);

let standin: ShopifyStandin;
if (fs.existsSync(snapshot)) {
  standin = await startShopifyStandin({ ...standinOptions(), state: await loadStandinState(snapshot) });
  log(`Shopify stand-in restored from ${path.relative(process.cwd(), snapshot)}.`);
  if (config.history !== DEFAULT_ONLINE_RETAIL_FILE) {
    log(`The demo shop was seeded on an earlier start; delete ${path.relative(process.cwd(), config.dataDir)}/ to seed it from ${config.history}.`);
  }
} else {
  // The first start seeds the demo shop: a missing history file is named, not an ENOENT stack trace.
  if (!fs.existsSync(config.history)) {
    console.error(
      `The demo shop is seeded from the Online Retail data set, expected at ${config.history}.\n` +
        (config.history === FULL_ONLINE_RETAIL_FILE
          ? `The full data set is not part of the repository; without --full the demo uses the sample in data/online-retail/.`
          : `Set DEMO_HISTORY to an Online Retail CSV (gzip) or leave it unset for the sample in data/online-retail/.`),
    );
    process.exit(1);
  }
  standin = await startShopifyStandin(standinOptions());
  const { seed, report } = await loadOnlineRetailSeed({ file: config.history, shopName: "Treue Demo" });
  standin.importSeed(seed, config.shop);
  await standin.saveState(snapshot);
  log(
    `Demo shop seeded from ${path.relative(process.cwd(), config.history)}: ${report.customers} customers, ${report.orders} orders, ` +
      `${report.refunds} refunds (history ends ${report.lastOrderAt.slice(0, 10)}).`,
  );
}

// A PostgreSQL server from npm in the demo folder, unless DATABASE_URL names one.
let postgres: EmbeddedPostgres | null = null;
let databaseUrl = config.databaseUrl;
if (!databaseUrl) {
  postgres = await startEmbeddedPostgres({ dataDir: path.join(config.dataDir, "postgres"), keep: true, log });
  await postgres.ensureDatabase("treue");
  databaseUrl = postgres.url("treue");
}

function standinOptions() {
  return {
    shop: config.shop,
    apiKey: config.apiKey,
    apiSecret: config.apiSecret,
    port: config.standinPort,
    host: "127.0.0.1",
    appUrl: `http://localhost:${config.port}`,
  };
}

const shopState = standin.state.shops[config.shop];
const { applied } = await installDemoShop({
  databaseUrl,
  shop: config.shop,
  accessToken: standin.accessTokenFor(config.shop),
  scope: config.scopes,
  shopName: shopState?.info?.name ?? "Treue Demo",
  currency: shopState?.info?.currency ?? "GBP",
  timezone: shopState?.info?.timezone,
});
log(applied.length ? `Database migrated (${applied.join(", ")}).` : "Database is up to date.");

// Member e-mails go through real SMTP to a local capture that keeps each as an .eml file (unless SMTP_URL names
// a real server).
const mailDir = path.join(config.dataDir, "mail");
const smtp = process.env.SMTP_URL ? null : await startSmtpCapture({ dir: mailDir });

const app = await startAppProcess({
  port: config.port,
  echo: true,
  env: {
    SHOPIFY_API_KEY: config.apiKey,
    SHOPIFY_API_SECRET: config.apiSecret,
    SHOPIFY_APP_URL: `http://localhost:${config.port}`,
    SCOPES: config.scopes,
    DATABASE_URL: databaseUrl,
    SHOPIFY_SHOP_ORIGIN: standin.url,
    // Shopify's App Bridge can't load offline; the stand-in serves a small substitute.
    APP_BRIDGE_URL: `${standin.url}/__standin/app-bridge.js`,
    SMTP_URL: process.env.SMTP_URL || smtp!.url,
  },
});

function adminUrl(locale: string) {
  // Shopify opens an embedded app with these parameters; `host` is the base64 admin host.
  const host = Buffer.from(`admin.shopify.com/store/${config.shop.replace(".myshopify.com", "")}`).toString("base64url");
  const idToken = standin.mintAdminIdToken({ shop: config.shop, expiresInSeconds: 24 * 3600 });
  const params = new URLSearchParams({ embedded: "1", shop: config.shop, host, locale, id_token: idToken });
  return `${app.url}/app?${params}`;
}

// Shopify's install runs the app's afterAuth hook, which starts the history import (and with it the members'
// enrolment); the demo installs by writing the session directly, so it opens the admin once as the merchant's
// first visit would, and the import starts now rather than when someone opens the page.
try {
  const first = await fetch(adminUrl("en"), { headers: { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36" } });
  await first.arrayBuffer();
  if (!first.ok) log(`The admin answered ${first.status} on its first visit; the history import starts when you open it.`);
} catch (error) {
  log(`The admin's first visit failed (${(error as Error).message}); the history import starts when you open it.`);
}

log(`Ready in ${((Date.now() - started) / 1000).toFixed(1)} s. Shopify stand-in: ${standin.url}`);
// What this process keeps (the stand-in's shop, the mail capture) is about 120 MB, but seeding the shop and
// answering the history import grow V8's heap well past it, and V8 keeps a grown heap while there is room: a
// full collection every 15 s (tens of milliseconds; npm run demo passes --expose-gc) gives the rest back.
// "last-resort" compacts and gives freed pages back to the system; a plain collection keeps them committed.
const collectGarbage = (globalThis as { gc?: (options: object) => void }).gc;
if (collectGarbage) setInterval(() => collectGarbage({ type: "major", execution: "sync", flavor: "last-resort" }), 15_000).unref();
console.log(`\nOpen the Treue admin for ${config.shop} (valid for 24 hours):\n\n  ${adminUrl("en")}\n`);
console.log(`Auf Deutsch:\n\n  ${adminUrl("de")}\n`);
if (postgres) console.log(`The demo's database (for npm run ledger:check and the like): DATABASE_URL='${databaseUrl}'\n`);
// A second instance on the same database takes a share of the background work (job engine, decision 020).
console.log(
  `A second app instance sharing the work (in another terminal):\n\n  ` +
    [
      "NODE_ENV=production TREUE_DEMO=1 LOG_FORMAT=text PORT=3001 SHOPIFY_APP_URL=http://localhost:3001",
      `DATABASE_URL='${databaseUrl}' SHOPIFY_API_KEY=${config.apiKey} SHOPIFY_API_SECRET=${config.apiSecret}`,
      `SHOPIFY_SHOP_ORIGIN=${standin.url} npm start`,
    ].join(" ") +
    "\n",
);
if (smtp) console.log(`Member e-mails are caught by a local SMTP server and saved in ${mailDir} (open the .eml files in any mail program).\n`);
console.log("Press Ctrl+C to stop; the demo shop and the database are kept in", config.dataDir);

let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  await app.stop();
  await standin.saveState(snapshot);
  await standin.close();
  await smtp?.close();
  await postgres?.stop();
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
void app.exited.then((code) => {
  if (!stopping) {
    console.error(`The app stopped unexpectedly (exit code ${code}).`);
    void stop(1);
  }
});
