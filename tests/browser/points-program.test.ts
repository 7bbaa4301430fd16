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
  it("takes a campaign's start and end on the shop's clock, with no id to type", async () => {
    await t.db.prisma.shop.update({ where: { domain: TEST_SHOP }, data: { timezone: "Europe/Berlin" } });
    const page = await browser.newPage({ userAgent: BROWSER_USER_AGENT });
    const failures: string[] = [];
    page.on("pageerror", (e) => failures.push(e.message));
    await page.goto(t.adminUrl("/app/program"), { waitUntil: "domcontentloaded" });
    await waitForHydration(page);
    expect(await page.getByLabel("Campaign id").count()).toBe(0);
    await page.locator("button", { hasText: "Add" }).nth(1).click();
    await page.getByLabel("Name").last().fill("Summer double points");
    // A summer morning (CEST, +2) and a winter evening (CET, +1) in Berlin.
    await page.getByLabel("Starts (shop time, Europe/Berlin)").fill("2026-07-01T09:00");
    await page.getByLabel("Ends (shop time, Europe/Berlin)").fill("2026-12-24T18:00");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("Program saved.").waitFor();
    const saved = (await t.db.prisma.loyaltyProgram.findUnique({ where: { shop: TEST_SHOP } }))?.settings as { campaigns: { id: string; startsAt: string; endsAt: string }[] };
    expect(saved.campaigns).toEqual([expect.objectContaining({ id: "campaign-1", startsAt: "2026-07-01T07:00:00.000Z", endsAt: "2026-12-24T17:00:00.000Z" })]);
    await page.goto(t.adminUrl("/app/program"), { waitUntil: "domcontentloaded" });
    expect(await page.getByLabel("Starts (shop time, Europe/Berlin)").inputValue()).toBe("2026-07-01T09:00");
    expect(await page.getByLabel("Ends (shop time, Europe/Berlin)").inputValue()).toBe("2026-12-24T18:00");
    expect(failures.filter((m) => !/shopify|app-bridge/i.test(m))).toEqual([]);
    await page.close();
    await t.db.prisma.loyaltyProgram.deleteMany({ where: { shop: TEST_SHOP } });
    await t.db.prisma.shop.update({ where: { domain: TEST_SHOP }, data: { timezone: null } });
  });

  it("chooses a bonus's collection with Shopify's resource picker, not by typing its id", async () => {
    const collection = await t.standin.createCollection({ title: "Sommerhüte", skus: ["HAT-1", "HAT-2"] });
    const page = await browser.newPage({ userAgent: BROWSER_USER_AGENT });
    const failures: string[] = [];
    page.on("pageerror", (e) => failures.push(e.message));
    await page.goto(t.adminUrl("/app/program", { locale: "de" }), { waitUntil: "domcontentloaded" });
    await waitForHydration(page);
    await page.click("#bonus-add");
    await page.getByLabel("Gilt für").last().selectOption("collection");
    await page.click("#bonus-pick-0");
    await page.locator("#standin-resource-picker").getByRole("button", { name: "Sommerhüte" }).click();
    await expect.poll(() => page.locator("#bonus-target-0").innerText()).toBe("Sommerhüte");
    await page.getByRole("button", { name: "Speichern" }).click();
    await page.getByText("Programm gespeichert.").waitFor();
    const saved = await t.db.prisma.loyaltyProgram.findUnique({ where: { shop: TEST_SHOP } });
    expect((saved?.settings as { productBonuses: unknown[] }).productBonuses).toEqual([{ target: "collection", targetId: String(collection.id), pointsPerUnit: 10 }]);
    // Opened again, the page names the collection from Shopify.
    await page.goto(t.adminUrl("/app/program", { locale: "de" }), { waitUntil: "domcontentloaded" });
    expect(await page.locator("#bonus-target-0").innerText()).toBe("Sommerhüte");
    expect(failures.filter((m) => !/shopify|app-bridge/i.test(m))).toEqual([]);
    await page.close();
    await t.db.prisma.loyaltyProgram.deleteMany({ where: { shop: TEST_SHOP } });
  });

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
