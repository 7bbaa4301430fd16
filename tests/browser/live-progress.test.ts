// Long work shows its progress without the merchant reloading (issue 16: "Ready" came long before the figures,
// pages said "reload in a moment"): the admin home opened while the history import runs updates itself until the
// import's counts and figures are in, and the page is never reloaded.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { startTreue, BROWSER_USER_AGENT, type TreueHarness } from "../support/treue-harness";
import { answerShopifyCdn, launchChromium } from "../support/chromium";

let t: TreueHarness;
let browser: Browser;

beforeAll(async () => {
  // A slow Shopify: each step of the import's bulk operations takes 1.5 s, so the page is open while it runs.
  t = await startTreue({ bulkDelayMs: 1500 });
  for (let i = 0; i < 12; i++) {
    await t.standin.createOrder(
      {
        customer: { email: `live${i % 4}@example.com`, firstName: "Live", lastName: String(i % 4) },
        lines: [{ sku: `L${i}`, quantity: 1, unitPriceMinor: 2000 + i * 100 }],
        createdAt: new Date(Date.now() - (i + 1) * 15 * 86_400_000).toISOString().slice(0, 19) + "Z",
      },
      { webhooks: "none" },
    );
  }
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe("progress without reloading", () => {
  it("shows the history import finishing and its figures arriving on the page left open", async () => {
    const page = await browser.newPage({ userAgent: BROWSER_USER_AGENT });
    const failures: string[] = [];
    page.on("pageerror", (e) => failures.push(e.message));
    await answerShopifyCdn(page);
    // The first visit starts the import.
    await page.goto(t.adminUrl("/app"), { waitUntil: "domcontentloaded" });
    await page.locator("html[data-hydrated]").waitFor({ timeout: 20_000 });
    expect(await page.locator("#history-import-status").innerText()).not.toMatch(/^Imported/);
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

    await expect.poll(() => page.locator("#history-import-status").innerText(), { timeout: 60_000, interval: 500 }).toMatch(/^Imported 4 customers, 12 orders/);
    await expect.poll(() => page.locator("#history-held").innerText(), { timeout: 20_000, interval: 500 }).toContain("12 orders");
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(failures).toEqual([]);
    await page.close();
  }, 120_000);
});
