// Opens the admin home page in real Chromium, as a merchant would from the demo's printed URL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { startTreue, BROWSER_USER_AGENT, TEST_SHOP, type TreueHarness } from "../support/treue-harness";
import { launchChromium } from "../support/chromium";

let t: TreueHarness;
let browser: Browser;

beforeAll(async () => {
  t = await startTreue();
  await t.standin.createOrder(
    { customer: { email: "kim@example.com", firstName: "Kim", lastName: "Muster" }, lines: [{ sku: "A", quantity: 2, unitPriceMinor: 999 }] },
    { webhooks: "none" },
  );
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe("admin home in Chromium", () => {
  it("renders the Polaris page with the shop's counts", async () => {
    const page = await browser.newPage({ userAgent: BROWSER_USER_AGENT });
    const failures: string[] = [];
    page.on("pageerror", (e) => failures.push(e.message));
    const response = await page.goto(t.adminUrl(), { waitUntil: "domcontentloaded" });
    expect(response?.status()).toBe(200);
    await page.locator("#figure-customers").waitFor();
    const shop = t.standin.state.shops[TEST_SHOP];
    expect(await page.locator("#figure-customers").innerText()).toBe(String(shop.customers.length));
    expect(await page.locator("#figure-orders").innerText()).toBe(String(shop.orders.length));
    // Shopify's customer count, the buyers the segments count and the period's active customers, told apart.
    expect(await page.locator("#customer-totals").innerText()).toMatch(/^Counted by Shopify for .+ \d+ have ordered: the segments below count them\. \d+ ordered in the period \(Last 365 days\): the active customers\.$/);
    expect(await page.locator(".Polaris-Page").count()).toBeGreaterThan(0);
    // Polaris' stylesheet is served by the app and applied (not the browser's default font size).
    const headingSize = await page.locator("h1").first().evaluate((el) => getComputedStyle(el).fontSize);
    expect(headingSize).not.toBe("32px");
    await page.screenshot({ path: "test-results/admin-home.png", fullPage: true });
    expect(failures.filter((m) => !/shopify|app-bridge/i.test(m))).toEqual([]);
    await page.close();
  });
});

describe("App Bridge stand-in", () => {
  it("brings a page opened without a session token back with one, as Shopify's bounce page does", async () => {
    const page = await browser.newPage({ userAgent: BROWSER_USER_AGENT });
    const url = new URL(t.adminUrl());
    url.searchParams.delete("id_token");
    await page.goto(url.toString(), { waitUntil: "domcontentloaded" });
    await page.locator("#figure-customers").waitFor({ timeout: 20_000 });
    expect(new URL(page.url()).searchParams.get("id_token")).toBeTruthy();
    // The app's own fetches carry a fresh session token.
    const data = await page.evaluate(async () => {
      const res = await fetch("/app?index&_data=routes%2Fapp._index");
      return { status: res.status, body: await res.text(), redirect: res.headers.get("x-remix-redirect") };
    });
    expect(data.redirect).toBeNull();
    expect(data.status).toBe(200);
    expect(data.body).toContain('"customerCount"');
    await page.close();
  });
});
