/// <reference types="@shopify/ui-extensions/purchase.thank-you.block.render" />
import { getExtension } from "@shopify/ui-extensions-tester";
import { render } from "preact";
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import de from "../locales/de.json";
import en from "../locales/en.default.json";
import { appServer, heldOutBody, loyaltyBody, signal, translatorFor } from "./test-support";

vi.stubEnv("APP_URL", "https://treue.test");

const extension = getExtension("purchase.thank-you.block.render");
const text = () => document.body.textContent ?? "";
const links = () => [...document.body.querySelectorAll("s-link")].map((a) => a.getAttribute("href") ?? "");

beforeEach(() => {
  extension.setUp();
  extension.shopify.i18n.translate = translatorFor("en", en) as typeof extension.shopify.i18n.translate;
  extension.shopify.orderConfirmation = signal({ order: { id: "gid://shopify/Order/9001" }, number: "X1", isFirstOrder: false }) as typeof extension.shopify.orderConfirmation;
  vi.spyOn(console, "warn").mockImplementation(() => {});
});
afterEach(() => {
  render(null, document.body);
  extension.tearDown();
  vi.restoreAllMocks();
});

test("the Thank you page shows points earned by this order, the balance and the referral code with share links", async () => {
  const app = appServer({ "GET /api/loyalty": () => Response.json({ ...loyaltyBody, order: { pointsEarned: 57, status: "pending" } }) });
  extension.fetch = app.fetch;

  await extension.render();

  await vi.waitFor(() => expect(text()).toContain("This order will earn you 57 points once it is paid."));
  expect(app.calls[0]!.url).toBe("https://treue.test/api/loyalty?orderId=gid%3A%2F%2Fshopify%2FOrder%2F9001");
  expect(new Headers(app.calls[0]!.init?.headers).get("Authorization")).toBe("Bearer mock-session-token");
  expect(text()).toContain("You have 620 points");
  expect(text()).toContain("Your referral code: ANNA-7K3Q");

  const message = "Here is a discount for your first order with code ANNA-7K3Q: https://shop.example/?ref=ANNA-7K3Q";
  expect(links()).toEqual([
    `https://wa.me/?text=${encodeURIComponent(message)}`,
    `mailto:?subject=${encodeURIComponent(en.shareSubject)}&body=${encodeURIComponent(message)}`,
  ]);
  // Copy: a button that runs --copy on the clipboard item holding the link.
  const clipboard = document.body.querySelector("s-clipboard-item");
  expect(clipboard?.getAttribute("text")).toBe("https://shop.example/?ref=ANNA-7K3Q");
  const copy = document.body.querySelector("s-button");
  expect(copy?.getAttribute("command")).toBe("--copy");
  expect(copy?.getAttribute("commandFor") ?? copy?.getAttribute("commandfor")).toBe(clipboard?.getAttribute("id"));
});

test("German: points already earned, and no referral block when the member has no code", async () => {
  extension.shopify.i18n.translate = translatorFor("de", de) as typeof extension.shopify.i18n.translate;
  extension.fetch = appServer({ "GET /api/loyalty": () => Response.json({ ...loyaltyBody, referral: null, order: { pointsEarned: 1, status: "earned" } }) }).fetch;
  await extension.render();
  await vi.waitFor(() => expect(text()).toContain("Mit dieser Bestellung haben Sie 1 Punkt gesammelt."));
  expect(text()).not.toContain("Empfehlungscode");
  expect(links()).toEqual([]);
});

test("the stamp card's progress, in the buyer's language; nothing about stamps without a card", async () => {
  const cards = (stampsOnCurrentCard: number) => ({ discount: null, stamps: { stampsOnCurrentCard, stampsRequired: 5, rewardsEarned: 1 } });
  extension.fetch = appServer({ "GET /api/loyalty": () => Response.json({ ...loyaltyBody, order: null, cards: cards(2) }) }).fetch;
  await extension.render();
  await vi.waitFor(() => expect(text()).toContain("Stamp card: 2 of 5 – 3 more orders to your next reward"));

  render(null, document.body);
  extension.shopify.i18n.translate = translatorFor("de", de) as typeof extension.shopify.i18n.translate;
  extension.fetch = appServer({ "GET /api/loyalty": () => Response.json({ ...loyaltyBody, order: null, cards: cards(4) }) }).fetch;
  await extension.render();
  await vi.waitFor(() => expect(text()).toContain("Stempelkarte: 4 von 5 – noch 1 Bestellung bis zur nächsten Prämie"));

  render(null, document.body);
  extension.fetch = appServer({ "GET /api/loyalty": () => Response.json({ ...loyaltyBody, order: null }) }).fetch;
  await extension.render();
  await vi.waitFor(() => expect(text()).toContain("620"));
  expect(text()).not.toContain("Stempelkarte");
});

test("a guest order is invited to create an account; a failure shows a short note", async () => {
  extension.fetch = appServer({ "GET /api/loyalty": () => Response.json({ customerId: null, balance: 0 }) }).fetch;
  await extension.render();
  await vi.waitFor(() => expect(text()).toBe(en.guestAfterOrder));

  render(null, document.body);
  extension.fetch = vi.fn(async () => {
    throw new TypeError("Failed to fetch");
  }) as typeof fetch;
  await extension.render();
  await vi.waitFor(() => expect(text()).toBe(en.unavailableAfterOrder));
});

test("a customer a test of the whole program holds out sees nothing after the order", async () => {
  const app = appServer({ "GET /api/loyalty": () => Response.json(heldOutBody) });
  extension.fetch = app.fetch;
  await extension.render();
  await vi.waitFor(() => expect(app.calls).toHaveLength(1));
  await vi.waitFor(() => expect(text()).not.toContain(en.loading));
  expect(text()).toBe("");
});
