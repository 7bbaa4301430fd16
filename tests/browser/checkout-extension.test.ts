// The checkout extension as Shopify runs it, in real Chromium: the bundle the Shopify CLI built
// (extensions/treue-checkout/dist) is loaded into a page on Shopify's extension origin under a small host
// that provides the `shopify` global the extension reads (session token, i18n from the extension's own
// locale file, subtotal, applyDiscountCodeChange). Its requests to the app go to the running app over real
// HTTP with a real session token, so the buyer's balance, the redemption, the code in the shop and the
// debit are the app's own. Preact renders the extension's `s-*` elements into the page, where the test reads
// and taps them as a buyer would.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { startTreue, TEST_SHOP, type TreueHarness } from "../support/treue-harness";
import { launchChromium } from "../support/chromium";
import { openExtensionHost } from "../support/extension-host";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BUNDLE = path.join(ROOT, "extensions/treue-checkout/dist/treue-checkout.js");
const LOCALE = JSON.parse(fs.readFileSync(path.join(ROOT, "extensions/treue-checkout/locales/en.default.json"), "utf8"));

// Shopify's checkout draws the `s-*` elements with its own components; a rough look-alike keeps the
// screenshot readable (the test reads text and taps buttons, it does not judge the look).
const HOST_STYLE = `
  body { font: 14px system-ui, sans-serif; max-width: 480px; margin: 24px; }
  s-stack { display: flex; flex-direction: column; gap: 8px; }
  s-stack[direction="inline"] { flex-direction: row; align-items: center; justify-content: space-between; }
  s-banner { display: block; border: 1px solid #8bb8ff; background: #eef4ff; border-radius: 8px; padding: 12px; }
  s-banner[tone="success"] { border-color: #7fc7a3; background: #eefaf3; }
  s-banner[heading]::before { content: attr(heading); display: block; font-weight: 600; margin-bottom: 6px; }
  s-button { display: inline-block; border: 1px solid #888; border-radius: 6px; padding: 4px 12px; cursor: pointer; }
  s-text[color="subdued"] { color: #666; }
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

/** A checkout page with the extension at purchase.checkout.reductions.render-after for this buyer. */
async function openCheckout(opts: { customerGid: string | null; subtotal: number }): Promise<Page> {
  const { page, loadBundle } = await openExtensionHost(browser, { appUrl: t.app.url, bundle: BUNDLE, style: HOST_STYLE, locale: LOCALE });
  const token = t.standin.mintCheckoutToken({ customerGid: opts.customerGid });
  await page.evaluate(
    ({ token, customerGid, subtotal }) => {
      const w = window as unknown as Record<string, unknown> & { treueHost: { targets: Record<string, () => unknown>; applied?: unknown[] } };
      const applied: unknown[] = [];
      w.treueHost.applied = applied;
      w.shopify = {
        extend: (target: string, run: () => unknown) => (w.treueHost.targets[target] = run),
        sessionToken: { get: async () => token },
        i18n: w.treueI18n,
        buyerIdentity: { customer: { value: customerGid ? { id: customerGid } : undefined } },
        cost: { subtotalAmount: { value: { amount: subtotal, currencyCode: "GBP" } } },
        instructions: { value: { discounts: { canUpdateDiscountCodes: true } } },
        applyDiscountCodeChange: async (change: unknown) => {
          applied.push(change);
          return { type: "success" };
        },
      };
    },
    { token, customerGid: opts.customerGid, subtotal: opts.subtotal },
  );
  await loadBundle("purchase.checkout.reductions.render-after");
  return page;
}

describe("checkout extension in Chromium", () => {
  it("shows a member their points and redeems a reward with one tap", async () => {
    // GIVEN a member with 620 points (an order of 620.00 at 1 point per 1.00)
    const customer = await t.memberWithPoints(620, "checkout-browser@example.com");

    // WHEN they reach checkout
    const page = await openCheckout({ customerGid: `gid://shopify/Customer/${customer.id}`, subtotal: 57.9 });
    const failures: string[] = [];
    page.on("pageerror", (e) => failures.push(e.message));
    // THEN the block shows their balance and the default reward they can afford
    await page.getByText("You have 620 points").waitFor({ timeout: 15_000 });
    await page.getByText("£5.00 off for 500 points").waitFor();
    await page.screenshot({ path: "test-results/checkout-extension.png", fullPage: true });

    // WHEN they tap Redeem
    await page.locator("s-button", { hasText: "Redeem" }).first().click();
    // THEN the code is applied to the checkout, the points are spent once, and the code exists in the shop
    await page.getByText(/Done: TREUE-[A-Z0-9-]+ is applied to this order for 500 points\./).waitFor({ timeout: 15_000 });
    const applied = await page.evaluate(() => (window as unknown as { treueHost: { applied: { code: string }[] } }).treueHost.applied);
    expect(applied).toHaveLength(1);
    const code = applied[0].code;
    expect(t.standin.state.shops[TEST_SHOP].discounts.some((d) => d.code === code)).toBe(true);
    const member = await t.db.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop: TEST_SHOP, customerId: String(customer.id) } } });
    expect(member.points).toBe(120);
    expect(await t.db.prisma.redemption.count({ where: { shop: TEST_SHOP, code } })).toBe(1);
    expect(failures).toEqual([]);
    await page.close();
  });

  it("invites a guest to log in and shows what the order would earn", async () => {
    const page = await openCheckout({ customerGid: null, subtotal: 57.9 });
    await page.getByText("This order would earn you 57 points.").waitFor({ timeout: 15_000 });
    await page.getByText("Log in to earn points on this order").waitFor();
    await page.close();
  });
});
