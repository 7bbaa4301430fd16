// The rewards page in real Chromium: a free-product reward's product is chosen in Shopify's resource picker (no
// variant GID to type), saved with the variant's id, and named by Shopify's title when the reward is opened again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { startTreue, BROWSER_USER_AGENT, TEST_SHOP, type TreueHarness } from "../support/treue-harness";
import { launchChromium, waitForHydration } from "../support/chromium";

let t: TreueHarness;
let browser: Browser;

beforeAll(async () => {
  t = await startTreue();
  browser = await launchChromium();
  await t.standin.createCollection({ title: "Tassen", skus: ["Treue-Tasse"] });
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe("rewards in Chromium", () => {
  it("chooses a free product with the resource picker and names it when opened again", async () => {
    const page = await browser.newPage({ userAgent: BROWSER_USER_AGENT });
    const failures: string[] = [];
    page.on("pageerror", (e) => failures.push(e.message));
    await page.goto(t.adminUrl("/app/rewards", { locale: "de", reward: "new" }), { waitUntil: "domcontentloaded" });
    await waitForHydration(page);
    await page.getByLabel("Titel (für Mitglieder sichtbar)").fill("Gratis-Tasse");
    await page.getByLabel("Art", { exact: true }).selectOption("free-product");
    await page.getByLabel("Punktepreis").fill("400");
    expect(await page.locator("#reward-variant").innerText()).toBe("Noch kein Produkt gewählt");
    await page.click("#reward-pick-variant");
    await page.locator("#standin-resource-picker").getByRole("button", { name: "Treue-Tasse" }).click();
    await expect.poll(() => page.locator("#reward-variant").innerText()).toBe("Treue-Tasse - Default Title");
    await page.getByRole("button", { name: "Prämie speichern" }).click();
    const variantId = t.standin.state.shops[TEST_SHOP].products["Treue-Tasse"][1];
    await expect
      .poll(async () => ((await t.db.prisma.reward.findMany({ where: { shop: TEST_SHOP } })).find((r) => (r.definition as { title?: string }).title === "Gratis-Tasse")?.definition as { productVariantId?: string } | undefined)?.productVariantId, { timeout: 20_000 })
      .toBe(`gid://shopify/ProductVariant/${variantId}`);
    const saved = (await t.db.prisma.reward.findMany({ where: { shop: TEST_SHOP } })).find((r) => (r.definition as { title?: string }).title === "Gratis-Tasse")!;
    await page.goto(t.adminUrl("/app/rewards", { locale: "de", reward: saved.id }), { waitUntil: "domcontentloaded" });
    expect(await page.locator("#reward-variant").innerText()).toBe("Treue-Tasse - Default Title");
    expect(failures.filter((m) => !/shopify|app-bridge/i.test(m))).toEqual([]);
    await page.close();
  });
});
