// The setup guide in real Chromium, as a merchant walks it after installing: German at 1440 px and English at
// 390 px; a step marked done moves the progress without reloading the page, the program step's button opens the
// program page in the same language and saving there marks the step, the guide hides and comes back. No error in
// the page or its console, nothing wider than the screen; screenshots for README.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import de from "../../app/i18n/locales/de.json";
import en from "../../app/i18n/locales/en.json";
import { startTreue, BROWSER_USER_AGENT, TEST_SHOP, type TreueHarness } from "../support/treue-harness";
import { answerShopifyCdn, elementsPastRightEdge, launchChromium } from "../support/chromium";

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

describe("the setup guide in Chromium", () => {
  for (const [locale, messages, width] of [["de", de, 1440], ["en", en, 390]] as const) {
    it(`walks the merchant through setup (${locale}, ${width} px)`, async () => {
      await t.db.prisma.setupGuide.deleteMany({ where: { shop: TEST_SHOP } });
      const page = await browser.newPage({ userAgent: BROWSER_USER_AGENT, viewport: { width, height: 900 } });
      const failures: string[] = [];
      page.on("pageerror", (e) => failures.push(e.message));
      page.on("console", (m) => {
        if (m.type() === "error") failures.push(m.text());
      });
      await answerShopifyCdn(page);
      const progress = (done: number) => messages["setup.progress"].replace("{done}", String(done)).replace("{total}", "4");
      await page.goto(t.adminUrl("/app", { locale }), { waitUntil: "domcontentloaded" });
      await page.locator("html[data-hydrated]").waitFor({ timeout: 20_000 });
      await page.locator("#setup-guide").waitFor();
      expect(await page.locator("#setup-guide h2").innerText()).toBe(messages["setup.heading"]);
      expect(await page.locator("#setup-progress").innerText()).toBe(progress(0));

      // Marked in place: the progress moves, the page is not reloaded.
      await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
      await page.click("#setup-mark-storefront");
      await expect.poll(() => page.locator("#setup-progress").innerText(), { timeout: 20_000 }).toBe(progress(1));
      expect(await page.getAttribute("#setup-step-storefront", "data-done")).toBe("true");
      expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
      expect(await elementsPastRightEdge(page, "#setup-guide")).toEqual([]);
      await page.locator("#setup-guide").screenshot({ path: `test-results/setup-guide-${locale}-${width}.png` });

      // The program step opens the program page in the merchant's language; saving there marks the step.
      await page.locator("#setup-step-earning a", { hasText: messages["setup.step.earning.action"] }).click();
      await page.waitForURL((url) => url.pathname === "/app/program", { timeout: 20_000 });
      expect(await page.getAttribute("html", "lang")).toBe(locale);
      await page.locator("html[data-hydrated]").waitFor({ timeout: 20_000 });
      await page.getByRole("button", { name: messages["program.save"] }).click();
      await page.getByText(messages["program.saved"]).waitFor({ timeout: 20_000 });
      await page.goto(t.adminUrl("/app", { locale }), { waitUntil: "domcontentloaded" });
      await page.locator("#setup-guide").waitFor();
      expect(await page.locator("#setup-progress").innerText()).toBe(progress(2));
      expect(await page.locator("#setup-step-earning").innerText()).toContain(messages["setup.seen"]);

      // Hidden, then brought back.
      await page.locator("html[data-hydrated]").waitFor({ timeout: 20_000 });
      await page.click("#setup-dismiss");
      await page.locator("#setup-restore").waitFor({ timeout: 20_000 });
      expect(await page.locator("#setup-guide").count()).toBe(0);
      await page.click("#setup-restore");
      await page.locator("#setup-guide").waitFor({ timeout: 20_000 });
      expect(failures).toEqual([]);
      await page.close();
    });
  }
});
