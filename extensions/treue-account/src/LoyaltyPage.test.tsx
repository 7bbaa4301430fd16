/// <reference types="@shopify/ui-extensions/customer-account.page.render" />
// The rewards page in the customer account under @shopify/ui-extensions-tester: what a member sees, and
// redeeming where no cart is at hand (a code to keep, or store credit).
import { getExtension } from "@shopify/ui-extensions-tester";
import { render } from "preact";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { appServer, loyaltyBody, translatorFor } from "../../treue-checkout/src/test-support";
import de from "../locales/de.json";
import en from "../locales/en.default.json";
import { ProfileCard } from "./ProfileCard";

vi.stubEnv("APP_URL", "https://treue.test");

const extension = getExtension("customer-account.page.render");
const text = () => document.body.textContent ?? "";
const buttons = () => [...document.body.querySelectorAll("s-button")];
const click = (el: { dispatchEvent(event: Event): boolean }) => el.dispatchEvent(new Event("click"));

function useLocale(locale: "en" | "de") {
  extension.shopify.i18n.translate = translatorFor(locale, locale === "de" ? de : en) as typeof extension.shopify.i18n.translate;
  // The tester prints bare numbers; customer accounts format money for the customer's locale.
  extension.shopify.i18n.formatCurrency = ((amount: number, options?: { currency?: string }) =>
    new Intl.NumberFormat(locale, { style: "currency", currency: options?.currency ?? "EUR" }).format(amount)) as typeof extension.shopify.i18n.formatCurrency;
}

beforeEach(() => {
  extension.setUp();
  extension.shopify.sessionToken.get = vi.fn(async () => "session-token-for-42");
  useLocale("en");
});
afterEach(() => {
  render(null, document.body);
  extension.tearDown();
  vi.restoreAllMocks();
});

async function renderPage(redemption?: (init: RequestInit | undefined) => Response | Promise<Response>) {
  const app = appServer({ "GET /api/loyalty": () => Response.json(loyaltyBody), ...(redemption ? { "POST /api/loyalty/redemptions": redemption } : {}) });
  extension.fetch = app.fetch;
  await extension.render();
  await vi.waitFor(() => expect(text()).toContain("You have 620 points"));
  return app;
}

describe("the rewards page in the customer account", () => {
  test("shows the balance, the points still pending, the tier, what the balance buys, and the referral link", async () => {
    const app = await renderPage();
    expect(document.body.querySelector("s-page")?.getAttribute("heading")).toBe("Rewards");
    expect(text()).toContain("40 more points become yours once your recent orders are paid and past the return period.");
    expect(text()).toContain("Your tier: Gold");
    expect(text()).toContain("€5.00 off for 500 points");
    expect(text()).toContain("Free shipping for 300 points");
    expect(text()).not.toContain("€20.00 off");
    expect(buttons()).toHaveLength(2);
    expect(text()).toContain("Your referral code: ANNA-7K3Q");
    expect(document.body.querySelector("s-link")?.getAttribute("href")).toBe(loyaltyBody.referral.url);
    expect(new Headers(app.calls[0]!.init?.headers).get("Authorization")).toBe("Bearer session-token-for-42");
  });

  test("in German", async () => {
    useLocale("de");
    extension.fetch = appServer({ "GET /api/loyalty": () => Response.json({ ...loyaltyBody, pending: 1 }) }).fetch;
    await extension.render();
    await vi.waitFor(() => expect(text()).toContain("Sie haben 620 Punkte"));
    expect(text()).toContain("1 weiterer Punkt gehört Ihnen");
    expect([...document.body.querySelectorAll("s-section")].map((e) => e.getAttribute("heading"))).toContain("Punkte einlösen");
    expect(document.body.querySelector("s-page")?.getAttribute("heading")).toBe("Prämien");
  });

  test("redeeming a code reward shows the code to keep (there is no cart to apply it to here)", async () => {
    const app = await renderPage(() => Response.json({ code: "TREUE-7KQ2-M9PX", pointsSpent: 500, balance: 120 }, { status: 201 }));
    click(buttons()[0]!);
    await vi.waitFor(() => expect(text()).toContain("Your code: TREUE-7KQ2-M9PX. Enter it at checkout"));
    expect(text()).toContain("You have 120 points");
    const post = app.calls.find((c) => c.method === "POST")!;
    expect(JSON.parse(String(post.init?.body))).toMatchObject({ rewardId: "reward-5-off", idempotencyKey: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  });

  test("redeeming store credit says how much went to the member's store credit", async () => {
    await renderPage(() => Response.json({ code: null, pointsSpent: 500, balance: 120, storeCredit: { amount: "5.00", currencyCode: "EUR" } }, { status: 201 }));
    click(buttons()[0]!);
    await vi.waitFor(() => expect(text()).toContain("€5.00 was added to your store credit for 500 points."));
  });

  test("a refusal for lack of points deducts nothing and says so", async () => {
    await renderPage(() => Response.json({ error: { code: "INSUFFICIENT_POINTS", message: "" } }, { status: 409 }));
    click(buttons()[0]!);
    await vi.waitFor(() => expect(text()).toContain(en.insufficient));
  });

  test("when the app can't be reached the page says so instead of showing zeros", async () => {
    extension.fetch = appServer({}).fetch;
    await extension.render();
    await vi.waitFor(() => expect(text()).toContain(en.unavailable));
    expect(text()).not.toContain("You have");
  });
});

describe("the card on the profile page", () => {
  test("leads to the rewards page", () => {
    render(<ProfileCard />, document.body);
    expect(document.body.querySelector("s-section")?.getAttribute("heading")).toBe("Your rewards");
    expect(document.body.querySelector("s-link")?.getAttribute("href")).toBe("extension:treue-account/");
  });
});

test("German and English have the same strings", () => {
  expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
});
