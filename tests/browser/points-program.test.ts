// The program settings page in real Chromium: the preview follows the form, an invalid value is refused
// with the domain's message, a valid program is saved and a member's adjustment appears in their history.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { startTreue, BROWSER_USER_AGENT, TEST_SHOP, type TreueHarness } from "../support/treue-harness";
import { launchChromium, waitForHydration } from "../support/chromium";

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

describe("points program settings in Chromium", () => {
  it("previews, refuses and saves", async () => {
    const page = await browser.newPage({ userAgent: BROWSER_USER_AGENT });
    const failures: string[] = [];
    page.on("pageerror", (e) => failures.push(e.message));
    await page.goto(t.adminUrl("/app/program"), { waitUntil: "domcontentloaded" });
    await page.locator("#program-preview").waitFor();
    await waitForHydration(page);
    expect(await page.locator("#program-preview").innerText()).toBe("An order of 57.90 GBP earns 57 points.");

    // The preview follows the form before anything is saved.
    await page.getByLabel("Points", { exact: true }).fill("2");
    await page.getByLabel("Points per order").fill("5");
    await expect.poll(() => page.locator("#program-preview").innerText()).toBe("An order of 57.90 GBP earns 120 points.");

    // Out of range: refused with the domain's rule, nothing saved.
    await page.getByLabel("Days before points can be spent").fill("400");
    await page.getByRole("button", { name: "Save" }).click();
    await page.locator("#program-errors").waitFor();
    expect(await page.locator("#program-errors").innerText()).toContain("Days before points can be spent must be a whole number from 0 to 365.");
    expect(await t.db.prisma.loyaltyProgram.findUnique({ where: { shop: TEST_SHOP } })).toMatchObject({ settings: { pendingDays: 0, pointsPerOrder: 0 } });

    await page.getByLabel("Days before points can be spent").fill("14");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("Program saved.").waitFor();
    expect(await t.db.prisma.loyaltyProgram.findUnique({ where: { shop: TEST_SHOP } })).toMatchObject({
      settings: { earnRate: { points: 2, perCurrencyUnits: 1 }, pointsPerOrder: 5, pendingDays: 14 },
    });

    // Referral rewards are set in one place: the program page has no field of its own for them (one that did
    // nothing), it links to the referrals page, whose settings the referral job reads.
    expect(await page.getByLabel("Referral bonus").count()).toBe(0);
    await page.locator("#referral-rewards-note").getByRole("link", { name: "Referrals page" }).click();
    await page.waitForURL(/\/app\/referrals/);
    await page.getByText("Referral settings").waitFor();
    expect(failures.filter((m) => !/shopify|app-bridge/i.test(m))).toEqual([]);
    await page.close();
  });
});
