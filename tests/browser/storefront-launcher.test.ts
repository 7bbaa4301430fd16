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
import { heldOutOfProgram } from "~/engagement/domain/experiments";

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
function renderEmbed(opts: { customerId: number | null; locale: "en" | "de" }): Promise<string> {
  return themeRenderer(EXTENSION, { locale: opts.locale, currency: t.standin.state.shops[TEST_SHOP].info.currency }).render("launcher", {
    customer: opts.customerId !== null ? { id: opts.customerId } : null,
    routes: { account_register_url: "/account/register", account_login_url: "/account/login", account_url: "/account" },
    shop: { url: STOREFRONT },
  });
}

async function openStorefront(opts: { customerId: number | null; locale?: "en" | "de" }): Promise<Page> {
  const locale = opts.locale ?? "en";
  const page = await browser.newPage({ userAgent: BROWSER_USER_AGENT });
  const embed = await renderEmbed({ customerId: opts.customerId, locale });
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

  it("disappears for a customer a test of the whole program holds out, and stays away on the next page", async () => {
    // Started a few seconds ago: Shopify's created_at has whole seconds, so a customer created in the test's first
    // second would count as one from before it.
    const test = await t.db.prisma.experiment.create({ data: { shop: TEST_SHOP, name: "Program or not", subject: "program", holdoutPercent: 50, windowDays: 30, startedAt: new Date(Date.now() - 5_000) } });
    try {
      let held: number | null = null;
      for (let i = 0; held === null; i++) {
        if (i >= 30) throw new Error("30 new customers and none held out at 50 %");
        const c = await t.standin.createCustomer({ email: `launcher-held-${i}@example.com` });
        if (heldOutOfProgram({ id: test.id, holdoutPercent: 50, startedAt: test.startedAt }, String(c.id), new Date())) held = c.id;
      }
      const page = await openStorefront({ customerId: held });
      await page.getByRole("button", { name: "Rewards" }).click();
      // The app says the customer is not in the program: the button goes (the launcher's root has no size of its
      // own, so it is the button that is watched).
      await page.getByRole("button", { name: "Rewards" }).waitFor({ state: "hidden", timeout: 15_000 });
      expect(await page.getByText("You have").count()).toBe(0);
      // The next page of the visit: no button at all.
      await page.goto(`${STOREFRONT}/collections/all`);
      await page.waitForFunction(() => document.getElementById("treue-launcher")?.getAttribute("data-ready") === "true");
      expect(await page.evaluate(() => document.getElementById("treue-launcher")?.hidden)).toBe(true);
      expect(await page.getByRole("button", { name: "Rewards" }).count()).toBe(0);
      await page.close();
    } finally {
      await t.db.prisma.experiment.update({ where: { id: test.id }, data: { status: "stopped", stoppedAt: new Date() } });
    }
  });

  it("keeps its script small: under 20 KB gzip, loaded deferred", () => {
    expect(gzipSync(SCRIPT).byteLength).toBeLessThan(20 * 1024);
    expect(fs.readFileSync(path.join(EXTENSION, "blocks/launcher.liquid"), "utf8")).toMatch(/"javascript": "launcher\.js"/);
  });
});
