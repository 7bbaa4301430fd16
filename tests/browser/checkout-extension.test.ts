// The checkout extension as Shopify runs it, in real Chromium: the bundle the Shopify CLI built
// (extensions/treue-checkout/dist) is loaded into a page on Shopify's extension origin under a small host
// that provides the `shopify` global the extension reads (session token, i18n from the extension's own
// locale file, subtotal, applyDiscountCodeChange). Its requests to the app go to the running app over real
// HTTP with a real session token, so the buyer's balance, the redemption, the code in the shop and the
// debit are the app's own. Preact renders the extension's `s-*` elements into the page, where the test reads
// and taps them as a buyer would.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page, Route } from "playwright-core";
import { BROWSER_USER_AGENT, startTreue, TEST_SHOP, type TreueHarness } from "../support/treue-harness";
import { launchChromium } from "../support/chromium";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BUNDLE = path.join(ROOT, "extensions/treue-checkout/dist/treue-checkout.js");
const LOCALE = JSON.parse(fs.readFileSync(path.join(ROOT, "extensions/treue-checkout/locales/en.default.json"), "utf8"));
// Shopify serves extension code from its CDN origin; the bundle was built for this app URL (npm test's pretest).
const HOST_ORIGIN = "https://extensions.shopifycdn.com";
const PLACEHOLDER_APP_URL = "https://treue-app-url-not-set.invalid";

// Shopify's checkout draws the `s-*` elements with its own components; a rough look-alike keeps the
// screenshot readable (the test reads text and taps buttons, it does not judge the look).
const HOST_STYLE = `
  body { font: 14px system-ui, sans-serif; max-width: 480px; margin: 24px; }
  s-stack { display: flex; flex-direction: column; gap: 8px; }
  s-stack[direction="inline"] { flex-direction: row; align-items: center; justify-content: space-between; }
  s-banner { display: block; border: 1px solid #8bb8ff; background: #eef4ff; border-radius: 8px; padding: 12px; }
  s-banner[tone="success"] { border-color: #7fc7a3; background: #eefaf3; }
  s-banner[heading]::before { content: attr(heading); display: block; font-weight: 600; margin-bottom: 6px; }
  s-button { display: inline-block; border: 1px solid #888; border-radius: 6px; padding: 4px 12px; cursor: pointer; }
  s-text[color="subdued"] { color: #666; }
`;

let t: TreueHarness;
let browser: Browser;

beforeAll(async () => {
  t = await startTreue({ appEnv: { WEBHOOK_WORKER: "1" } });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** The page's requests to the app URL compiled into the bundle go to the running app, answered as it answers. */
async function forwardToApp(route: Route) {
  const request = route.request();
  const url = new URL(request.url());
  const headers = { ...request.headers() };
  delete headers.host;
  const res = await fetch(`${t.app.url}${url.pathname}${url.search}`, {
    method: request.method(),
    headers,
    body: request.method() === "GET" || request.method() === "HEAD" ? undefined : (request.postData() ?? undefined),
  });
  await route.fulfill({ status: res.status, headers: Object.fromEntries(res.headers), body: Buffer.from(await res.arrayBuffer()) });
}

/** A checkout page with the extension at purchase.checkout.reductions.render-after for this buyer. */
async function openCheckout(opts: { customerGid: string | null; subtotal: number }): Promise<Page> {
  // A buyer's browser: the Shopify library answers headless user agents (bots) with 410.
  const page = await browser.newPage({ userAgent: BROWSER_USER_AGENT });
  const token = t.standin.mintCheckoutToken({ customerGid: opts.customerGid });
  await page.route(`${PLACEHOLDER_APP_URL}/**`, forwardToApp);
  await page.route(`${HOST_ORIGIN}/**`, (route) =>
    route.request().url().endsWith("/treue-checkout.js")
      ? route.fulfill({ contentType: "text/javascript", body: fs.readFileSync(BUNDLE, "utf8") })
      : route.fulfill({ contentType: "text/html", body: `<!doctype html><html><head><style>${HOST_STYLE}</style></head><body></body></html>` }),
  );
  await page.goto(`${HOST_ORIGIN}/checkout.html`);
  await page.evaluate(
    ({ token, locale, customerGid, subtotal }) => {
      const w = window as unknown as Record<string, unknown>;
      const targets: Record<string, () => unknown> = {};
      const applied: unknown[] = [];
      const lookup = (key: string) => key.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], locale);
      w.treueHost = { targets, applied };
      w.shopify = {
        extend: (target: string, run: () => unknown) => (targets[target] = run),
        sessionToken: { get: async () => token },
        i18n: {
          // Shopify's rules: {{name}} placeholders, and `count` picks the plural form.
          translate(key: string, options: Record<string, unknown> = {}) {
            let text = lookup(key);
            if (text && typeof text === "object") text = (text as Record<string, string>)[options.count === 1 ? "one" : "other"];
            if (typeof text !== "string") return key;
            return text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(options[name] ?? ""));
          },
          formatNumber: (n: number) => new Intl.NumberFormat("en-GB").format(n),
          formatCurrency: (n: number, o: { currencyCode?: string } = {}) => new Intl.NumberFormat("en-GB", { style: "currency", currency: o.currencyCode ?? "GBP" }).format(n),
        },
        buyerIdentity: { customer: { value: customerGid ? { id: customerGid } : undefined } },
        cost: { subtotalAmount: { value: { amount: subtotal, currencyCode: "GBP" } } },
        instructions: { value: { discounts: { canUpdateDiscountCodes: true } } },
        applyDiscountCodeChange: async (change: unknown) => {
          applied.push(change);
          return { type: "success" };
        },
      };
    },
    { token, locale: LOCALE, customerGid: opts.customerGid, subtotal: opts.subtotal },
  );
  await page.addScriptTag({ url: `${HOST_ORIGIN}/treue-checkout.js` });
  await page.evaluate(() => (window as unknown as { treueHost: { targets: Record<string, () => unknown> } }).treueHost.targets["purchase.checkout.reductions.render-after"]());
  return page;
}

describe("checkout extension in Chromium", () => {
  it("shows a member their points and redeems a reward with one tap", async () => {
    // GIVEN a member with 620 points (an order of 620.00 at 1 point per 1.00)
    const customer = await t.standin.createCustomer({ email: "checkout-browser@example.com" });
    await t.standin.createOrder({ customerId: customer.id, lines: [{ sku: "TEA", quantity: 1, unitPriceMinor: 62_000 }] });
    await expect
      .poll(async () => (await t.db.prisma.member.findUnique({ where: { shop_customerId: { shop: TEST_SHOP, customerId: String(customer.id) } } }))?.points, { timeout: 20_000 })
      .toBe(620);

    // WHEN they reach checkout
    const page = await openCheckout({ customerGid: `gid://shopify/Customer/${customer.id}`, subtotal: 57.9 });
    const failures: string[] = [];
    page.on("pageerror", (e) => failures.push(e.message));
    // THEN the block shows their balance and the default reward they can afford
    await page.getByText("You have 620 points").waitFor({ timeout: 15_000 });
    await page.getByText("5.00 off for 500 points").waitFor();
    await page.screenshot({ path: "test-results/checkout-extension.png", fullPage: true });

    // WHEN they tap Redeem
    await page.locator("s-button", { hasText: "Redeem" }).first().click();
    // THEN the code is applied to the checkout, the points are spent once, and the code exists in the shop
    await page.getByText(/Done: TREUE-[A-Z0-9-]+ is applied to this order for 500 points\./).waitFor({ timeout: 15_000 });
    const applied = await page.evaluate(() => (window as unknown as { treueHost: { applied: { code: string }[] } }).treueHost.applied);
    expect(applied).toHaveLength(1);
    const code = applied[0].code;
    expect(t.standin.state.shops[TEST_SHOP].discounts.some((d) => d.code === code)).toBe(true);
    const member = await t.db.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop: TEST_SHOP, customerId: String(customer.id) } } });
    expect(member.points).toBe(120);
    expect(await t.db.prisma.redemption.count({ where: { shop: TEST_SHOP, code } })).toBe(1);
    expect(failures).toEqual([]);
    await page.close();
  });

  it("invites a guest to log in and shows what the order would earn", async () => {
    const page = await openCheckout({ customerGid: null, subtotal: 57.9 });
    await page.getByText("This order would earn you 57 points.").waitFor({ timeout: 15_000 });
    await page.getByText("Log in to earn points on this order").waitFor();
    await page.close();
  });
});
