// The e-mails page in Chromium, as a merchant uses it: typing a subject, a note and an accent colour changes the
// preview at once (rendered in the browser, nothing saved yet); switching the language shows the other wording;
// saving keeps it. At a desktop and a phone width, in German.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { startTreue, BROWSER_USER_AGENT, TEST_SHOP, type TreueHarness } from "../support/treue-harness";
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

describe("the e-mails page in Chromium", () => {
  for (const width of [1440, 390]) {
    it(`previews the merchant's wording and colour as they type, and saves them (German, ${width} px)`, async () => {
      await t.db.prisma.mailWording.deleteMany();
      await t.db.prisma.shopMailSettings.deleteMany();
      const page = await browser.newPage({ userAgent: BROWSER_USER_AGENT, viewport: { width, height: 900 } });
      const failures: string[] = [];
      page.on("pageerror", (e) => failures.push(e.message));
      const response = await page.goto(t.adminUrl("/app/emails", { locale: "de" }), { waitUntil: "domcontentloaded" });
      expect(response?.status()).toBe(200);
      await page.locator("html[data-hydrated]").waitFor({ timeout: 20_000 });
      expect(await page.locator("h1").first().innerText()).toBe("E-Mails an Mitglieder");
      expect(await page.locator("#preview-points-earned-subject").innerText()).toBe("Betreff: Sie haben 120 Punkte bei Treue Test gesammelt");

      await page.fill("#emails-subject-points-earned", `{first_name}, {points} Punkte für Sie (${width})`);
      await page.fill("#emails-intro-points-earned", "Danke, dass Sie bei uns kaufen.");
      await page.fill("#emails-accent", "#FFD700");
      await expect.poll(() => page.locator("#preview-points-earned-subject").innerText()).toBe(`Betreff: Anna, 120 Punkte für Sie (${width})`);
      const srcdoc = () => page.locator("#preview-points-earned").getAttribute("srcdoc");
      await expect.poll(srcdoc).toContain("<p>Danke, dass Sie bei uns kaufen.</p>");
      expect(await srcdoc()).toContain("background:#ffd700;color:#000000");
      expect(await t.db.prisma.mailWording.count({ where: { shop: TEST_SHOP } })).toBe(0); // typing saves nothing

      // The English wording is its own: empty, so the preview is the app's.
      await page.selectOption("#emails-preview-language", "en");
      await expect.poll(() => page.locator("#preview-points-earned-subject").innerText()).toBe("Betreff: You earned 120 points at Treue Test");
      expect(await page.inputValue("#emails-subject-points-earned")).toBe("");
      await page.selectOption("#emails-preview-language", "de");

      await page.getByRole("button", { name: "Speichern" }).click();
      await expect.poll(() => t.db.prisma.mailWording.findFirst({ where: { shop: TEST_SHOP, kind: "points-earned", locale: "de" } }).then((w) => w?.subject), { timeout: 20_000 }).toBe(
        `{first_name}, {points} Punkte für Sie (${width})`,
      );
      expect((await t.db.prisma.shopMailSettings.findUniqueOrThrow({ where: { shop: TEST_SHOP } })).accentColor).toBe("#ffd700");
      expect(await elementsPastRightEdge(page)).toEqual([]);
      await page.screenshot({ path: `test-results/emails-de-${width}.png`, fullPage: true });
      expect(failures).toEqual([]);
      await page.close();
    });
  }
});
