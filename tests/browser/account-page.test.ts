// The rewards page in the customer account as Shopify runs it, in real Chromium: the bundle the Shopify CLI built
// (extensions/treue-account/dist) is loaded into a page on Shopify's extension origin under a small host that
// provides the `shopify` global (a customer-account session token, i18n from the extension's own locale file).
// Its requests go to the running app over real HTTP, so the balance, the store credit redemption, the credit on
// the shopper's account in the stand-in and the debit are the app's own. Works for shops on every plan.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { accountsOfCustomer, balanceMinor } from "../shopify-standin/store-credit";
import { startTreue, TEST_SHOP, type TreueHarness } from "../support/treue-harness";
import { launchChromium } from "../support/chromium";
import { openExtensionHost } from "../support/extension-host";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BUNDLE = path.join(ROOT, "extensions/treue-account/dist/treue-account.js");
const LOCALE = JSON.parse(fs.readFileSync(path.join(ROOT, "extensions/treue-account/locales/en.default.json"), "utf8"));
const HOST_STYLE = `
  body { font: 14px system-ui, sans-serif; max-width: 640px; margin: 24px; }
  s-page::before { content: attr(heading); display: block; font-size: 24px; font-weight: 600; margin-bottom: 12px; }
  s-stack { display: flex; flex-direction: column; gap: 8px; }
  s-stack[direction="inline"] { flex-direction: row; align-items: center; justify-content: space-between; }
  s-section { display: block; border: 1px solid #ddd; border-radius: 8px; padding: 12px; margin-bottom: 12px; }
  s-section[heading]::before { content: attr(heading); display: block; font-weight: 600; margin-bottom: 6px; }
  s-banner { display: block; border: 1px solid #7fc7a3; background: #eefaf3; border-radius: 8px; padding: 12px; }
  s-button { display: inline-block; border: 1px solid #888; border-radius: 6px; padding: 4px 12px; cursor: pointer; }
  s-heading { display: block; font-size: 18px; font-weight: 600; }
`;

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

async function openAccountPage(customerGid: string): Promise<Page> {
  const { page, loadBundle } = await openExtensionHost(browser, { appUrl: t.app.url, bundle: BUNDLE, style: HOST_STYLE, locale: LOCALE });
  const token = t.standin.mintCustomerAccountToken({ customerGid });
  await page.evaluate((token) => {
    const w = window as unknown as Record<string, unknown> & { treueHost: { targets: Record<string, () => unknown> } };
    w.shopify = {
      extend: (target: string, run: () => unknown) => (w.treueHost.targets[target] = run),
      sessionToken: { get: async () => token },
      i18n: w.treueI18n,
    };
  }, token);
  await loadBundle("customer-account.page.render");
  return page;
}

describe("the rewards page in the customer account, in Chromium", () => {
  it("shows a member their points and turns 500 of them into store credit with one tap", async () => {
    // GIVEN a member with 600 points on a shop that is not on Plus (the stand-in's default)
    const customer = await t.memberWithPoints(600, "account-browser@example.com");

    // WHEN they open the rewards page in their account
    const page = await openAccountPage(`gid://shopify/Customer/${customer.id}`);
    const failures: string[] = [];
    page.on("pageerror", (e) => failures.push(e.message));
    // THEN they see their balance and the default rewards they can afford
    await page.getByText("You have 600 points").waitFor({ timeout: 15_000 });
    await page.getByText("£5.00 store credit for 500 points").waitFor();
    // …and their history: the order that earned the points
    const history = page.locator("s-section[heading='Your points history']");
    await history.getByText("+600 points").waitFor({ timeout: 15_000 });
    await history.getByText("Order", { exact: true }).waitFor();
    await page.screenshot({ path: "test-results/account-page.png", fullPage: true });

    // WHEN they tap Redeem on the store credit
    await page.locator("s-stack[direction=inline]", { hasText: "£5.00 store credit" }).locator("s-button").click();
    // THEN the credit is on their Shopify store credit account, once, and the points are spent once
    await page.getByText(/was added to your store credit for 500 points/).waitFor({ timeout: 15_000 });
    await page.getByText("You have 100 points").waitFor();
    // …and the history gains the redemption, newest first
    await history.getByText("Redeemed: £5.00 store credit").waitFor({ timeout: 15_000 });
    expect(await history.locator("s-stack[direction=inline]").allInnerTexts()).toEqual([
      expect.stringMatching(/^Redeemed: £5\.00 store credit[\s\S]*−500 points$/),
      expect.stringMatching(/^Order[\s\S]*\+600 points$/),
    ]);
    const shop = t.standin.state.shops[TEST_SHOP];
    const [account] = accountsOfCustomer(shop, customer.id);
    expect(balanceMinor(account)).toBe(500);
    expect(account.transactions.filter((x) => x.kind === "credit")).toHaveLength(1);
    const member = await t.db.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop: TEST_SHOP, customerId: String(customer.id) } } });
    expect(member.points).toBe(100);
    expect(failures).toEqual([]);
    await page.close();
  });
});
