// Importing points balances in Chromium, as a merchant moving from another loyalty app would: choose the file,
// check it (the columns read, the lines with problems), then import; in German, at a desktop and a phone width.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { startTreue, BROWSER_USER_AGENT, TEST_SHOP, waitForMembers, type TreueHarness } from "../support/treue-harness";
import { elementsPastRightEdge, launchChromium } from "../support/chromium";

let t: TreueHarness;
let browser: Browser;

beforeAll(async () => {
  t = await startTreue({ appEnv: { WEBHOOK_WORKER: "1" } });
  for (const email of ["ada@example.com", "bo@example.com"]) await t.standin.createCustomer({ email });
  await waitForMembers(t, 2);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe("importing balances in Chromium", () => {
  for (const width of [1440, 390]) {
    it(`checks the file, shows its problem lines, then imports the corrected file (German, ${width} px)`, async () => {
      const page = await browser.newPage({ userAgent: BROWSER_USER_AGENT, viewport: { width, height: 900 } });
      const failures: string[] = [];
      page.on("pageerror", (e) => failures.push(e.message));
      const response = await page.goto(t.adminUrl("/app/members/import", { locale: "de" }), { waitUntil: "domcontentloaded" });
      expect(response?.status()).toBe(200);
      await page.locator("html[data-hydrated]").waitFor({ timeout: 20_000 });
      expect(await page.locator("h1").first().innerText()).toBe("Punktestände importieren");

      const file = (csv: string) => ({ name: "smile-export.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
      await page.setInputFiles("#balances-file", file("email,points\nada@example.com,120\nnobody@example.com,5\n"));
      await page.click("#balances-check");
      await page.locator("#balances-summary").waitFor({ timeout: 20_000 });
      expect(await page.locator("#balances-summary").innerText()).toContain("1 Zeile nicht importierbar");
      expect(await page.locator("body").innerText()).toContain("Kein Kunde Ihres Shops hat diese E-Mail-Adresse");
      expect(await page.locator("#balances-apply").isDisabled()).toBe(true);

      await page.setInputFiles("#balances-file", file(`email,points\nada@example.com,120\nbo@example.com,${width}\n`));
      await page.click("#balances-check");
      await expect.poll(() => page.locator("#balances-summary").innerText(), { timeout: 20_000 }).toContain("0 Zeilen nicht importierbar");
      await page.click("#balances-apply");
      await page.locator("#balances-done").waitFor({ timeout: 20_000 });
      const bo = await t.db.prisma.member.findFirstOrThrow({ where: { shop: TEST_SHOP, email: "bo@example.com" } });
      expect(bo.points).toBe(width);
      // Nothing wider than the screen.
      expect(await elementsPastRightEdge(page)).toEqual([]);
      await page.screenshot({ path: `test-results/balance-import-de-${width}.png`, fullPage: true });
      expect(failures).toEqual([]);
      await page.close();
    });
  }
});
