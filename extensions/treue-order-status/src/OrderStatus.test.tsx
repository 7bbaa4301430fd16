/// <reference types="@shopify/ui-extensions/customer-account.order-status.block.render" />
import { getExtension } from "@shopify/ui-extensions-tester";
import { render } from "preact";
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import checkoutEn from "../../treue-checkout/locales/en.default.json";
import checkoutDe from "../../treue-checkout/locales/de.json";
import { appServer, loyaltyBody, signal, translatorFor } from "../../treue-checkout/src/test-support";
import de from "../locales/de.json";
import en from "../locales/en.default.json";

vi.stubEnv("APP_URL", "https://treue.test");

const extension = getExtension("customer-account.order-status.block.render");
const text = () => document.body.textContent ?? "";

beforeEach(() => {
  extension.setUp();
  extension.shopify.i18n.translate = translatorFor("en", en) as typeof extension.shopify.i18n.translate;
  extension.shopify.order = signal({ id: "gid://shopify/Order/77", name: "#1077" }) as typeof extension.shopify.order;
});
afterEach(() => {
  render(null, document.body);
  extension.tearDown();
  vi.restoreAllMocks();
});

test("the Order status page shows points earned by the order, the balance and the referral code", async () => {
  const app = appServer({ "GET /api/loyalty": () => Response.json({ ...loyaltyBody, order: { pointsEarned: 57, status: "earned" } }) });
  extension.fetch = app.fetch;

  await extension.render();

  await vi.waitFor(() => expect(text()).toContain("This order earned you 57 points."));
  expect(app.calls[0]!.url).toBe("https://treue.test/api/loyalty?orderId=gid%3A%2F%2Fshopify%2FOrder%2F77");
  expect(text()).toContain("You have 620 points");
  expect(text()).toContain("Your referral code: ANNA-7K3Q");
  expect([...document.body.querySelectorAll("s-link")].map((l) => l.getAttribute("href"))[0]).toMatch(/^https:\/\/wa\.me\/\?text=/);
  expect(document.body.querySelector("s-clipboard-item")?.getAttribute("text")).toBe(loyaltyBody.referral.url);
});

test("this extension's locale files carry the shared block's strings unchanged", () => {
  for (const [mine, checkout] of [
    [en, checkoutEn],
    [de, checkoutDe],
  ] as const) {
    for (const [key, value] of Object.entries(mine)) expect(value, key).toEqual((checkout as Record<string, unknown>)[key]);
  }
});
