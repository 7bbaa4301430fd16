// Running a UI extension bundle the Shopify CLI built in real Chromium, as Shopify does: the bundle is served from
// Shopify's extension origin into a page whose `shopify` global the test provides; the bundle's requests to the
// app URL compiled into it (npm test builds with a placeholder) go to the running app over real HTTP.
import fs from "node:fs";
import type { Browser, Page, Route } from "playwright-core";
import { BROWSER_USER_AGENT } from "./treue-harness";

export const HOST_ORIGIN = "https://extensions.shopifycdn.com";
export const PLACEHOLDER_APP_URL = "https://treue-app-url-not-set.invalid";

/** Answers the page's requests to the app URL with what the running app at `appUrl` answers. */
function forwardTo(appUrl: string) {
  return async (route: Route) => {
    const request = route.request();
    const url = new URL(request.url());
    const headers = { ...request.headers() };
    delete headers.host;
    const res = await fetch(`${appUrl}${url.pathname}${url.search}`, {
      method: request.method(),
      headers,
      body: request.method() === "GET" || request.method() === "HEAD" ? undefined : (request.postData() ?? undefined),
    });
    await route.fulfill({ status: res.status, headers: Object.fromEntries(res.headers), body: Buffer.from(await res.arrayBuffer()) });
  };
}

/**
 * A page on the extension origin with `style` (a rough look-alike of Shopify's components, so screenshots are
 * readable), `window.treueI18n` (Shopify's translate rules over `locale`, en-GB number and money formats) and
 * `window.treueHost.targets` for the bundle's `shopify.extend`. The test then defines `window.shopify` and calls
 * `loadBundle`.
 */
export async function openExtensionHost(browser: Browser, opts: { appUrl: string; bundle: string; style: string; locale: unknown }): Promise<{ page: Page; loadBundle(target: string): Promise<void> }> {
  // A buyer's browser: the Shopify library answers headless user agents (bots) with 410.
  const page = await browser.newPage({ userAgent: BROWSER_USER_AGENT });
  const file = opts.bundle.split("/").pop()!;
  await page.route(`${PLACEHOLDER_APP_URL}/**`, forwardTo(opts.appUrl));
  await page.route(`${HOST_ORIGIN}/**`, (route) =>
    route.request().url().endsWith(`/${file}`)
      ? route.fulfill({ contentType: "text/javascript", body: fs.readFileSync(opts.bundle, "utf8") })
      : route.fulfill({ contentType: "text/html", body: `<!doctype html><html><head><style>${opts.style}</style></head><body></body></html>` }),
  );
  await page.goto(`${HOST_ORIGIN}/host.html`);
  await page.evaluate((locale) => {
    const w = window as unknown as Record<string, unknown>;
    const lookup = (key: string) => key.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], locale);
    w.treueHost = { targets: {} };
    w.treueI18n = {
      // Shopify's rules: {{name}} placeholders, and `count` picks the plural form.
      translate(key: string, options: Record<string, unknown> = {}) {
        let text = lookup(key);
        if (text && typeof text === "object") text = (text as Record<string, string>)[options.count === 1 ? "one" : "other"];
        if (typeof text !== "string") return key;
        return text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(options[name] ?? ""));
      },
      formatNumber: (n: number) => new Intl.NumberFormat("en-GB").format(n),
      // Shopify's formatCurrency takes Intl.NumberFormat options.
      formatCurrency: (n: number, o: { currency?: string } = {}) => new Intl.NumberFormat("en-GB", { style: "currency", currency: o.currency ?? "GBP" }).format(n),
      formatDate: (d: Date, o: Intl.DateTimeFormatOptions = {}) => new Intl.DateTimeFormat("en-GB", o).format(d),
    };
  }, opts.locale);
  return {
    page,
    async loadBundle(target: string) {
      await page.addScriptTag({ url: `${HOST_ORIGIN}/${file}` });
      await page.evaluate((t) => (window as unknown as { treueHost: { targets: Record<string, () => unknown> } }).treueHost.targets[t](), target);
    },
  };
}
