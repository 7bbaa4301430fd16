// The customer data requests page in real Chromium: a forwarded request is listed (in English and German), and
// its file downloads with the customer's data; the page then shows the download.
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { BROWSER_USER_AGENT, startTreue, TEST_SHOP, type TreueHarness } from "../support/treue-harness";
import { launchChromium } from "../support/chromium";

let t: TreueHarness;
let browser: Browser;
let customerId: number;

beforeAll(async () => {
  t = await startTreue({ appEnv: { WEBHOOK_WORKER: "1" } });
  customerId = (await t.memberWithPoints(120, "ines.browser@example.com")).id;
  await t.standin.requestCustomerData(customerId);
  for (let i = 0; (await t.db.prisma.dataRequest.count()) === 0; i++) {
    if (i > 100) throw new Error("the customers/data_request webhook was not applied within 10 s");
    await new Promise((r) => setTimeout(r, 100));
  }
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe("customer data requests page in Chromium", () => {
  it("lists the request and downloads its file", async () => {
    const page = await browser.newPage({ userAgent: BROWSER_USER_AGENT, acceptDownloads: true });
    const failures: string[] = [];
    page.on("pageerror", (e) => failures.push(e.message));
    expect((await page.goto(t.adminUrl("/app/data-requests"), { waitUntil: "domcontentloaded" }))?.status()).toBe(200);
    await page.getByRole("heading", { name: "Customer data requests" }).waitFor();
    const row = page.locator("tr", { hasText: String(customerId) });
    await expect.poll(() => row.innerText()).toContain("Not yet");

    const [download] = await Promise.all([page.waitForEvent("download"), row.getByText("Download file (JSON)").click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^treue-customer-${customerId}-data-request-\\d+\\.json$`));
    const file = JSON.parse(await readFile((await download.path())!, "utf8"));
    expect(file.customer).toMatchObject({ id: String(customerId), email: "ines.browser@example.com", points: 120 });

    await page.reload({ waitUntil: "domcontentloaded" });
    await expect.poll(() => page.locator("tr", { hasText: String(customerId) }).innerText()).toMatch(/1×, last on/);
    expect(failures.filter((m) => !/shopify|app-bridge/i.test(m))).toEqual([]);
    await page.close();
  });

  it("shows when on the shop's clock, its zone named", async () => {
    await t.db.prisma.shop.update({ where: { domain: TEST_SHOP }, data: { timezone: "Asia/Tokyo" } });
    try {
      const { requestedAt } = await t.db.prisma.dataRequest.findFirstOrThrow({ where: { customerId: String(customerId) } });
      // Tokyo is UTC+9 all year: the hour shown is the UTC hour + 9, on Tokyo's day.
      const tokyo = new Date(requestedAt.getTime() + 9 * 3_600_000);
      const hourMinute = `${String(tokyo.getUTCHours()).padStart(2, "0")}:${String(tokyo.getUTCMinutes()).padStart(2, "0")}`;
      const page = await browser.newPage({ userAgent: BROWSER_USER_AGENT });
      await page.goto(t.adminUrl("/app/data-requests"), { waitUntil: "domcontentloaded" });
      const row = page.locator("tr", { hasText: String(customerId) });
      await expect.poll(() => row.innerText()).toContain(`${tokyo.getUTCDate()} `);
      const text = await row.innerText();
      expect(text).toContain(hourMinute);
      expect(text).toContain("GMT+9");
      await page.close();
    } finally {
      await t.db.prisma.shop.update({ where: { domain: TEST_SHOP }, data: { timezone: "Europe/London" } });
    }
  });

  it("speaks German", async () => {
    const page = await browser.newPage({ userAgent: BROWSER_USER_AGENT });
    await page.goto(t.adminUrl("/app/data-requests", { locale: "de" }), { waitUntil: "domcontentloaded" });
    await page.getByRole("heading", { name: "Datenauskünfte" }).waitFor();
    expect(await page.getByText("Datei herunterladen (JSON)").count()).toBe(1);
    await page.close();
  });
});
