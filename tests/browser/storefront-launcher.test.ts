// The storefront launcher (theme app extension) in real Chromium: the app embed's Liquid (blocks/launcher.liquid,
// rendered with liquidjs as a theme renders it, texts from the extension's locale) and its deferred script on a
// storefront page; the page's request to /apps/treue/loyalty goes where Shopify's app proxy sends it: to the
// running app, signed for the logged-in customer (the stand-in signs as Shopify does). Members see their balance,
// guests how the program works; the launcher moves nothing on the page (no layout shift).
import fs from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { BROWSER_USER_AGENT, startTreue, TEST_SHOP, type TreueHarness } from "../support/treue-harness";
import { launchChromium } from "../support/chromium";
import { themeRenderer } from "../support/theme-liquid";

const EXTENSION = path.resolve(import.meta.dirname, "../../extensions/treue-launcher");
const SCRIPT = fs.readFileSync(path.join(EXTENSION, "assets/launcher.js"), "utf8");
const STOREFRONT = `https://${TEST_SHOP}`;

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

/** The embed as the theme renders it (tests/support/theme-liquid.ts). */
function renderEmbed(opts: { loggedIn: boolean; locale: "en" | "de" }): Promise<string> {
  return themeRenderer(EXTENSION, { locale: opts.locale, currency: t.standin.state.shops[TEST_SHOP].info.currency }).render("launcher", {
    customer: opts.loggedIn ? { id: 1 } : null,
    routes: { account_register_url: "/account/register", account_login_url: "/account/login", account_url: "/account" },
    shop: { url: STOREFRONT },
  });
}

async function openStorefront(opts: { customerId: number | null; locale?: "en" | "de" }): Promise<Page> {
  const locale = opts.locale ?? "en";
  const page = await browser.newPage({ userAgent: BROWSER_USER_AGENT });
  const embed = await renderEmbed({ loggedIn: opts.customerId !== null, locale });
  await page.route(`${STOREFRONT}/**`, async (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === "/apps/treue/loyalty") {
      // Shopify's app proxy: the storefront path goes to the app's proxy URL with its query, signed for the
      // logged-in customer.
      const query = Object.fromEntries(url.searchParams);
      const res = await fetch(t.standin.appProxyUrl("/loyalty", { loggedInCustomerId: opts.customerId, query }), { headers: { "User-Agent": BROWSER_USER_AGENT } });
      return route.fulfill({ status: res.status, contentType: res.headers.get("content-type") ?? "application/json", body: Buffer.from(await res.arrayBuffer()) });
    }
    if (url.pathname === "/cdn/launcher.js") return route.fulfill({ contentType: "text/javascript", body: SCRIPT });
    return route.fulfill({
      contentType: "text/html",
      body: `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><title>Shop</title></head><body>
        <header style="height:80px;background:#eee">Shop</header><main><h1>Tea</h1><p style="height:1200px">Our teas.</p></main>
        ${embed}
        <script src="/cdn/launcher.js" defer></script></body></html>`,
    });
  });
  // Layout shifts as Cumulative Layout Shift counts them (not those right after the shopper's own input).
  await page.addInitScript(() => {
    const w = window as unknown as { treueShifts: number; treueShiftSources: string[] };
    w.treueShifts = 0;
    w.treueShiftSources = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as unknown as { value: number; hadRecentInput: boolean; sources?: { node?: Node }[] }[]) {
        if (e.hadRecentInput) continue;
        w.treueShifts += e.value;
        for (const s of e.sources ?? []) w.treueShiftSources.push((s.node as Element | undefined)?.outerHTML?.slice(0, 80) ?? String(s.node?.nodeName));
      }
    }).observe({ type: "layout-shift", buffered: true });
  });
  await page.goto(`${STOREFRONT}/products/tea`);
  return page;
}

describe("storefront launcher in Chromium", () => {
  it("shows a logged-in member their balance and what their points buy, without moving the page", async () => {
    const customer = await t.memberWithPoints(620, "launcher-member@example.com");

    const page = await openStorefront({ customerId: customer.id });
    const failures: string[] = [];
    page.on("pageerror", (e) => failures.push(e.message));
    // A slow answer (a busy shop, a phone network): the page still must not move when it arrives.
    await page.route("**/apps/treue/loyalty**", async (route) => {
      await new Promise((r) => setTimeout(r, 900));
      await route.fallback();
    });
    await page.getByRole("button", { name: "Rewards" }).click();
    await page.getByText("You have 620 points").waitFor({ timeout: 15_000 });
    await page.getByText("£5.00 store credit: 500 points").waitFor();
    expect(await page.getByRole("link", { name: "Redeem in your account" }).getAttribute("href")).toBe("/account");
    await page.screenshot({ path: "test-results/storefront-launcher.png" });
    expect(await page.evaluate(() => (window as unknown as { treueShiftSources: string[] }).treueShiftSources)).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { treueShifts: number }).treueShifts)).toBe(0);
    expect(failures).toEqual([]);
    await page.close();
  });

  it("shows a guest, in German, how the program works and where to join", async () => {
    const page = await openStorefront({ customerId: null, locale: "de" });
    await page.getByRole("button", { name: "Prämien" }).click();
    await page.getByText("Sammeln Sie 1 Punkte für jede 1 GBP, die Sie ausgeben.").waitFor({ timeout: 15_000 });
    expect(await page.getByRole("link", { name: "Mitglied werden und Punkte sammeln" }).getAttribute("href")).toBe("/account/register");
    expect(await page.getByText("Sie haben").count()).toBe(0);
    // The storefront's language reaches the app: the default rewards are named in German.
    await page.getByText(/5,00\s£ Guthaben/).waitFor();
    await page.close();
  });

  it("keeps its script small: under 20 KB gzip, loaded deferred", () => {
    expect(gzipSync(SCRIPT).byteLength).toBeLessThan(20 * 1024);
    expect(fs.readFileSync(path.join(EXTENSION, "blocks/launcher.liquid"), "utf8")).toMatch(/"javascript": "launcher\.js"/);
  });
});
