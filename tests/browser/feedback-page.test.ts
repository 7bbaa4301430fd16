// The feedback page a member opens from the thank-you mail, in Chromium at a phone and a desktop width: choose the
// stars, write a comment, send; the answer is kept and the page thanks them, in the mail's language.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { feedbackToken } from "~/engagement/domain/feedback-token";
import { startTreue, BROWSER_USER_AGENT, TEST_API_SECRET, TEST_SHOP, type TreueHarness } from "../support/treue-harness";
import { elementsPastRightEdge, launchChromium } from "../support/chromium";

let t: TreueHarness;
let browser: Browser;

beforeAll(async () => {
  t = await startTreue();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe("the feedback page in Chromium", () => {
  for (const [width, locale] of [[390, "de"], [1280, "en"]] as const) {
    it(`takes the stars and a comment and thanks the member (${locale}, ${width} px)`, async () => {
      const orderId = `90${width}`;
      const token = feedbackToken({ shop: TEST_SHOP, customerId: "7", orderId, orderName: `#${width}`, locale }, TEST_API_SECRET);
      const page = await browser.newPage({ userAgent: BROWSER_USER_AGENT, viewport: { width, height: 800 } });
      const failures: string[] = [];
      page.on("pageerror", (e) => failures.push(e.message));
      const response = await page.goto(`${t.app.url}/feedback?t=${token}`);
      expect(response?.status()).toBe(200);
      expect(await page.locator("h1").innerText()).toBe(locale === "de" ? `Wie war Ihre Bestellung #${width}?` : `How was your order #${width}?`);
      expect(await elementsPastRightEdge(page)).toEqual([]);
      await page.check('input[name="rating"][value="5"]');
      await page.fill("#feedback-comment", "Lovely tea, quick delivery.");
      await page.click('#feedback-form button[type="submit"]');
      await page.locator("#feedback-thanks").waitFor({ timeout: 10_000 });
      expect(await page.locator("#feedback-thanks").innerText()).toContain(locale === "de" ? "hat Ihre Bewertung erhalten" : "has your rating");
      expect(await t.db.prisma.orderFeedback.findUniqueOrThrow({ where: { shop_orderId: { shop: TEST_SHOP, orderId } } })).toMatchObject({ rating: 5, comment: "Lovely tea, quick delivery.", locale });
      await page.screenshot({ path: `test-results/feedback-${locale}-${width}.png`, fullPage: true });
      expect(failures).toEqual([]);
      await page.close();
    });
  }
});
