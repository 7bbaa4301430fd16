// The loyalty figures page in real Chromium, German and English, wide and phone-sized: the figures as the
// merchant reads them (formatted for the language), the points chart drawn, nothing wider than the screen, no
// error in the page or its console. Screenshots go to test-results/ (CI artefacts, README).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { appendLedgerEntry } from "~/points/points-ledger.server";
import { startTreue, BROWSER_USER_AGENT, TEST_SHOP, type TreueHarness } from "../support/treue-harness";
import { answerShopifyCdn, elementsPastRightEdge, launchChromium } from "../support/chromium";

let t: TreueHarness;
let browser: Browser;
const DAY = 86_400_000;

beforeAll(async () => {
  t = await startTreue();
  browser = await launchChromium();
  const now = Date.now();
  for (let i = 0; i < 6; i++) {
    const member = await t.db.prisma.member.create({ data: { shop: TEST_SHOP, customerId: String(500 + i) } });
    const earned = new Date(now - (10 + i * 40) * DAY);
    await appendLedgerEntry(t.db.prisma, TEST_SHOP, member.id, { key: `earn:${i}`, kind: "earn", customerId: member.customerId, points: 1200 + i * 100, at: earned, availableAt: earned, orderId: `80${i}`, orderCreatedAt: earned });
    if (i % 2 === 0) {
      const spent = new Date(now - (5 + i) * DAY);
      await appendLedgerEntry(t.db.prisma, TEST_SHOP, member.id, { key: `redeem:${i}`, kind: "redeem", customerId: member.customerId, points: -500, at: spent, availableAt: spent });
    }
  }
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe("loyalty figures in Chromium", () => {
  for (const [locale, heading, members, outstanding] of [
    ["de", "Treue-Kennzahlen", "6", "7.200"],
    ["en", "Loyalty figures", "6", "7,200"],
  ] as const) {
    for (const width of [1440, 390]) {
      it(`shows the figures and the points chart (${locale}, ${width} px)`, async () => {
        // Reduced motion: the chart is drawn at once, so the screenshot shows its bars rather than their animation.
        const page = await browser.newPage({ userAgent: BROWSER_USER_AGENT, viewport: { width, height: 900 }, reducedMotion: "reduce" });
        const failures: string[] = [];
        page.on("pageerror", (e) => failures.push(e.message));
        page.on("console", (m) => {
          if (m.type() === "error") failures.push(m.text());
        });
        await answerShopifyCdn(page);
        const response = await page.goto(t.adminUrl("/app/loyalty", { locale, days: "365" }), { waitUntil: "domcontentloaded" });
        expect(response?.status()).toBe(200);
        await page.locator("html[data-hydrated]").waitFor({ timeout: 20_000 });
        expect(await page.locator("h1").first().innerText()).toBe(heading);
        expect(await page.locator("#loyalty-members").innerText()).toBe(members);
        // 6 members earned 1,200 … 1,700 and three of them spent 500: 8,700 − 1,500 outstanding.
        expect(await page.locator("#loyalty-outstanding").innerText()).toBe(outstanding);
        expect(await page.locator("#loyalty-redemption-rate").innerText()).toMatch(/^17[.,]2\s?%$/);
        await page.locator("#points-chart svg").first().waitFor({ timeout: 20_000 });
        expect(await elementsPastRightEdge(page)).toEqual([]);
        await page.screenshot({ path: `test-results/loyalty-figures-${locale}-${width}.png`, fullPage: true });
        expect(failures).toEqual([]);
        await page.close();
      });
    }
  }
});
