// The admin keeps the merchant's language: Shopify names it once, in the URL it opens the app with (`locale`);
// every in-app navigation after that (the nav menu, a reward's edit link) must carry it, and the document declares
// it in <html lang> for screen readers and the browser's spelling and hyphenation.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import de from "../../app/i18n/locales/de.json";
import en from "../../app/i18n/locales/en.json";
import { startTreue, BROWSER_USER_AGENT, type TreueHarness } from "../support/treue-harness";
import { launchChromium } from "../support/chromium";

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

const NAV = [
  ["/app/members", "nav.members", "members.heading"],
  ["/app/loyalty", "nav.loyalty", "loyalty.heading"],
  ["/app/program", "nav.program", "program.heading"],
  ["/app/rewards", "nav.rewards", "rewards.heading"],
  ["/app/referrals", "nav.referrals", "referrals.heading"],
  ["/app/analytics/segments", "nav.segments", null],
  ["/app/rewards", "nav.rewards", "rewards.heading"],
] as const;

async function openAdmin(locale: string): Promise<{ page: Page; failures: string[] }> {
  const page = await browser.newPage({ userAgent: BROWSER_USER_AGENT });
  const failures: string[] = [];
  page.on("pageerror", (e) => failures.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") failures.push(m.text());
  });
  const response = await page.goto(t.adminUrl("/app", { locale }), { waitUntil: "domcontentloaded" });
  expect(response?.status()).toBe(200);
  await page.locator("html[data-hydrated]").waitFor({ timeout: 20_000 });
  return { page, failures };
}

describe("the admin's language in Chromium", () => {
  for (const [locale, messages] of [["de", de], ["en", en]] as const) {
    it(`stays ${locale} through every navigation of the nav menu, declared in <html lang>`, async () => {
      const { page, failures } = await openAdmin(locale);
      expect(await page.getAttribute("html", "lang")).toBe(locale);
      for (const [path, navKey, headingKey] of NAV) {
        await page.locator("ui-nav-menu a", { hasText: messages[navKey] }).first().click();
        await page.waitForURL((url) => url.pathname === path, { timeout: 20_000 });
        if (headingKey) await expect.poll(() => page.locator("h1").first().innerText(), { timeout: 20_000 }).toBe(messages[headingKey]);
        else await page.locator("html[data-hydrated]").waitFor();
        expect(await page.getAttribute("html", "lang"), path).toBe(locale);
      }
      // A link inside a page (the rewards page's "new reward") keeps it too.
      await page.locator("a", { hasText: messages["rewards.new"] }).first().click();
      await page.waitForURL((url) => url.searchParams.get("reward") === "new", { timeout: 20_000 });
      expect(new URL(page.url()).searchParams.get("locale")).toBe(locale === "en" ? null : locale);
      expect(await page.getAttribute("html", "lang")).toBe(locale);
      expect(failures.filter((m) => !/shopify|app-bridge|cdn\.shopify|ERR_|Failed to load resource/i.test(m))).toEqual([]);
      await page.close();
    });
  }
});
