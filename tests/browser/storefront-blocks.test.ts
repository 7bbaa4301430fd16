// The theme app extension's product and cart blocks in real Chromium. The merchant saves the program in the admin;
// the app publishes its earning rules as an app-data metafield in Shopify (the stand-in); the blocks' Liquid is
// rendered as the storefront renders it, with that metafield as `app.metafields.treue.earning`; the shopper sees
// what a product and a cart earn — and the ledger then awards exactly that for the same cart.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { BROWSER_USER_AGENT, browserFetch, startTreue, TEST_SHOP, type TreueHarness } from "../support/treue-harness";
import { launchChromium } from "../support/chromium";
import { themeRenderer, type ThemeLocale } from "../support/theme-liquid";

const EXTENSION = path.resolve(import.meta.dirname, "../../extensions/treue-launcher");
const STOREFRONT = `https://${TEST_SHOP}`;

let t: TreueHarness;
let browser: Browser;
let currency: string;
let teapot: { productId: number; variantId: number };

beforeAll(async () => {
  t = await startTreue({ appEnv: { WEBHOOK_WORKER: "1" } });
  browser = await launchChromium();
  currency = t.standin.state.shops[TEST_SHOP].info.currency;
  // GIVEN a teapot the shop sells at 12.95 and a program of 2 points per 1.00, 10 per order, 25 extra per teapot,
  // from orders of 20.00
  const buyer = await t.standin.createCustomer({ email: "teapot-first@example.com" });
  await t.standin.createOrder({ customerId: buyer.id, lines: [{ sku: "TEAPOT", title: "Teapot", quantity: 1, unitPriceMinor: 1295 }] });
  const [productId, variantId] = t.standin.state.shops[TEST_SHOP].products.TEAPOT;
  teapot = { productId, variantId };
  const url = new URL(t.adminUrl("/app/program"));
  const program = { earnRate: { points: 2, perCurrencyUnits: 1 }, pointsPerOrder: 10, minimumOrderMinor: 2000, productBonuses: [{ target: "product", targetId: String(productId), pointsPerUnit: 25 }] };
  const saved = await browserFetch(url.toString(), {
    method: "POST",
    headers: { Authorization: `Bearer ${url.searchParams.get("id_token")}`, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ program: JSON.stringify(program) }).toString(),
  });
  expect(saved.status).toBe(200);
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** The app-data metafield as Shopify holds it after the save: owned by the app's installation. */
function earningMetafield() {
  const found = t.standin.state.shops[TEST_SHOP].metafields.find((m) => m.namespace === "treue" && m.key === "earning");
  if (!found) throw new Error("the app published no treue.earning metafield");
  return found;
}

interface CartLine { sku: "TEAPOT" | "LAMP"; quantity: number; unitPriceMinor: number }

function liquidCart(lines: CartLine[]) {
  const products = t.standin.state.shops[TEST_SHOP].products;
  const items = lines.map((l) => ({ product_id: products[l.sku]?.[0] ?? 0, quantity: l.quantity, final_line_price: l.quantity * l.unitPriceMinor, gift_card: false }));
  return { currency: { iso_code: currency }, item_count: lines.reduce((n, l) => n + l.quantity, 0), items };
}

async function openPage(locale: ThemeLocale, block: "product-points" | "cart-points", data: Record<string, unknown>): Promise<Page> {
  const theme = themeRenderer(EXTENSION, { locale, currency });
  const html = await theme.render(block, { app: { metafields: { treue: { earning: { value: JSON.parse(earningMetafield().value) } } } }, ...data });
  const page = await browser.newPage({ userAgent: BROWSER_USER_AGENT });
  await page.route(`${STOREFRONT}/**`, (route) =>
    route.fulfill({ contentType: "text/html", body: `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><title>Shop</title></head><body><main><h1>Shop</h1>${html}</main></body></html>` }),
  );
  await page.goto(`${STOREFRONT}/${block === "product-points" ? "products/teapot" : "cart"}`);
  return page;
}

describe("theme blocks: what a product and a cart earn", () => {
  it("publishes the saved program's earning rules as an app-data metafield", () => {
    const metafield = earningMetafield();
    expect(metafield.ownerGid).toMatch(/^gid:\/\/shopify\/AppInstallation\/\d+$/);
    expect(metafield.type).toBe("json");
    expect(JSON.parse(metafield.value)).toEqual({
      currency, points: 2, per_minor: 100, minimum_order_minor: 2000, points_per_order: 10, product_bonuses: { [String(teapot.productId)]: 25 },
    });
  });

  it("says on the product page what one teapot earns, in English and German", async () => {
    const product = { id: teapot.productId, price: 1295, "gift_card?": false, selected_or_first_available_variant: { id: teapot.variantId, price: 1295 } };
    for (const [locale, text] of [["en", "Earn 50 points with this product"], ["de", "50 Punkte für dieses Produkt sammeln"]] as const) {
      const page = await openPage(locale, "product-points", { product, cart: liquidCart([]) });
      await expect(page.locator("[data-treue=product-points]").innerText()).resolves.toBe(text);
      await page.close();
    }
  });

  it("says in the cart what the order earns, and the ledger then awards exactly that", async () => {
    const lines: CartLine[] = [{ sku: "TEAPOT", quantity: 2, unitPriceMinor: 1295 }, { sku: "LAMP", quantity: 1, unitPriceMinor: 1000 }];
    const page = await openPage("en", "cart-points", { cart: liquidCart(lines), customer: null, routes: { account_url: "/account", account_login_url: "/account/login" } });
    // 35.90 × 2 = 71, + 10 for the order, + 2 × 25 for the teapots
    await expect(page.locator("[data-treue=cart-points] p").first().innerText()).resolves.toBe("This order earns 131 points");
    expect(await page.getByRole("link", { name: "Log in so this order's points are yours" }).getAttribute("href")).toBe("/account/login");
    await page.close();

    const customer = await t.standin.createCustomer({ email: "cart-shopper@example.com" });
    await t.standin.createOrder({ customerId: customer.id, lines });
    await expect
      .poll(async () => (await t.db.prisma.member.findUnique({ where: { shop_customerId: { shop: TEST_SHOP, customerId: String(customer.id) } } }))?.points, { timeout: 15_000 })
      .toBe(131);
  });

  it("tells a cart below the program's minimum how much more to spend", async () => {
    const page = await openPage("de", "cart-points", { cart: liquidCart([{ sku: "LAMP", quantity: 1, unitPriceMinor: 1250 }]), customer: { id: 1 }, routes: { account_url: "/account" } });
    const expected = `Noch ${new Intl.NumberFormat("de-DE", { style: "currency", currency }).format(7.5)} bis zu Punkten für diese Bestellung`;
    await expect(page.locator("[data-treue=cart-points]").innerText()).resolves.toBe(expected);
    await page.close();
  });
});
