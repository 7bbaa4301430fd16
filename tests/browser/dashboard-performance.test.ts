// Opens the retention dashboard in real Chromium and measures what a merchant feels: Largest
// Contentful Paint and Cumulative Layout Shift (targets < 1 s and < 0.05; asserted loosely so a busy
// CI machine does not flake, and printed every run).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { startTreue, BROWSER_USER_AGENT, TEST_SHOP, type TreueHarness } from "../support/treue-harness";
import { launchChromium } from "../support/chromium";

let t: TreueHarness;
let browser: Browser;

beforeAll(async () => {
  t = await startTreue();
  for (let i = 0; i < 12; i++) {
    await t.standin.createOrder(
      {
        customer: { email: `p${i % 5}@example.com`, firstName: "P", lastName: String(i % 5) },
        lines: [{ sku: `S${i}`, quantity: 1, unitPriceMinor: 1000 + i * 100 }],
        createdAt: new Date(Date.now() - i * 20 * 86_400_000).toISOString().slice(0, 19) + "Z",
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

describe("dashboard in Chromium", () => {
  it("renders the imported history's figures quickly and without layout shifts", async () => {
    const page = await browser.newPage({ userAgent: BROWSER_USER_AGENT, viewport: { width: 1280, height: 900 } });
    const failures: string[] = [];
    page.on("pageerror", (e) => failures.push(e.message));
    // The first visit starts the history import; wait for it so the measured load shows real figures.
    await page.goto(t.adminUrl(), { waitUntil: "domcontentloaded" });
    await expect
      .poll(async () => (await t.db.prisma.historyImport.findFirst({ where: { shop: TEST_SHOP }, orderBy: { id: "desc" } }))?.status, { timeout: 60_000 })
      .toBe("completed");

    await page.addInitScript(() => {
      const w = window as unknown as { __lcp: number; __cls: number };
      w.__lcp = 0;
      w.__cls = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__lcp = Math.max(w.__lcp, e.startTime);
      }).observe({ type: "largest-contentful-paint", buffered: true });
      new PerformanceObserver((list) => {
        for (const e of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) {
          if (!e.hadRecentInput) w.__cls += e.value;
        }
      }).observe({ type: "layout-shift", buffered: true });
    });
    const response = await page.goto(t.adminUrl("/app", { days: "365" }), { waitUntil: "load" });
    expect(response?.status()).toBe(200);
    await page.locator("#metric-retentionRate").waitFor();
    // The trend chart is drawn in the browser only (Polaris Viz) into a box of fixed height.
    await page.locator("#trend-chart svg").first().waitFor({ timeout: 15_000 });
    await page.waitForTimeout(500);
    const { lcp, cls } = await page.evaluate(() => {
      const w = window as unknown as { __lcp: number; __cls: number };
      return { lcp: w.__lcp, cls: w.__cls };
    });
    console.log(`[dashboard] LCP ${lcp.toFixed(0)} ms, CLS ${cls.toFixed(4)}`);
    expect(await page.locator("#history-held").innerText()).toMatch(/^12 orders/);
    expect(await page.locator("#figure-orders").innerText()).toBe("12");
    expect(lcp).toBeGreaterThan(0);
    expect(lcp).toBeLessThan(3000);
    expect(cls).toBeLessThan(0.1);
    await page.screenshot({ path: "test-results/dashboard.png", fullPage: true });
    expect(failures.filter((m) => !/shopify|app-bridge/i.test(m))).toEqual([]);
    await page.close();
  });
});
