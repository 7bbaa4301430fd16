/// <reference types="@shopify/ui-extensions/purchase.checkout.reductions.render-after" />
import { getExtension } from "@shopify/ui-extensions-tester";
import type { Customer } from "@shopify/ui-extensions/checkout";
import { render } from "preact";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import de from "../locales/de.json";
import en from "../locales/en.default.json";
import { appServer, customer, defineOnMock, heldOutBody, loyaltyBody, signal, translatorFor } from "./test-support";

// config.ts reads process.env.APP_URL once, when Checkout.tsx is first imported by render().
// (In real bundles the Shopify CLI's esbuild replaces it with a string literal.)
vi.stubEnv("APP_URL", "https://treue.test/");

const extension = getExtension("purchase.checkout.reductions.render-after");

function useLocale(locale: "en" | "de") {
  extension.shopify.i18n.translate = translatorFor(locale, locale === "de" ? de : en) as typeof extension.shopify.i18n.translate;
}

function setBuyerIdentity(identity: object | undefined) {
  defineOnMock(extension.shopify, "buyerIdentity", identity);
}

function logIn(id = "gid://shopify/Customer/42") {
  setBuyerIdentity({
    customer: signal<Customer | undefined>(customer(id)),
    email: signal<string | undefined>(undefined),
    phone: signal<string | undefined>(undefined),
    purchasingCompany: signal(undefined),
  });
}

const text = () => document.body.textContent ?? "";
const banners = () => [...document.body.querySelectorAll("s-banner")];
const redeemButtons = () => [...document.body.querySelectorAll("s-button")];
const click = (el: { dispatchEvent(event: Event): boolean }) => el.dispatchEvent(new Event("click"));

const created = (code = "TREUE-7KQ2M9") => () => Response.json({ code, pointsSpent: 500, balance: 120 }, { status: 201 });

let applyDiscountCodeChange: ReturnType<typeof vi.fn>;

beforeEach(() => {
  extension.setUp();
  extension.shopify.sessionToken.get = vi.fn(async () => "session-token-for-42");
  applyDiscountCodeChange = vi.fn(async () => ({ type: "success" as const }));
  extension.shopify.applyDiscountCodeChange = applyDiscountCodeChange as typeof extension.shopify.applyDiscountCodeChange;
  vi.spyOn(console, "warn").mockImplementation(() => {});
  useLocale("en");
});

afterEach(() => {
  // Unmount with the same Preact instance the extension rendered with, so the next
  // test starts from an empty tree (the tester's own cleanup may load another copy).
  render(null, document.body);
  extension.tearDown();
  vi.restoreAllMocks();
});

describe("checkout: balance and rewards (purchase.checkout.reductions.render-after)", () => {
  test("a logged-in buyer sees the balance and the rewards they can afford, fetched with a session token", async () => {
    logIn();
    const app = appServer({ "GET /api/loyalty": () => Response.json(loyaltyBody) });
    extension.fetch = app.fetch;

    await extension.render();

    await vi.waitFor(() => expect(banners()[0]?.textContent).toBe("You have 620 points"));
    expect(banners()[0]?.getAttribute("heading")).toBe("Treue rewards");
    expect(text()).toContain("€5.00 off for 500 points");
    expect(text()).toContain("Free shipping for 300 points");
    expect(text()).not.toContain("€20.00 off"); // not affordable
    expect(redeemButtons()).toHaveLength(2);
    expect(app.calls).toHaveLength(1);
    expect(app.calls[0]!.url).toBe("https://treue.test/api/loyalty");
    expect(new Headers(app.calls[0]!.init?.headers).get("Authorization")).toBe("Bearer session-token-for-42");
  });

  test("German buyers read 'Sie haben … Punkte', with the singular for one point", async () => {
    logIn();
    useLocale("de");
    defineOnMock(extension.shopify, "localization", { language: signal({ isoCode: "de" }) });
    const german = appServer({ "GET /api/loyalty": () => Response.json({ balance: 250 }) });
    extension.fetch = german.fetch;
    await extension.render();
    await vi.waitFor(() => expect(banners()[0]?.textContent).toBe("Sie haben 250 Punkte"));
    // The app names rewards in the buyer's language ("5,00 € Rabatt").
    expect(new Headers(german.calls[0]!.init?.headers).get("Accept-Language")).toBe("de");

    render(null, document.body);
    extension.fetch = appServer({ "GET /api/loyalty": () => Response.json({ balance: 1 }) }).fetch;
    await extension.render();
    await vi.waitFor(() => expect(banners()[0]?.textContent).toBe("Sie haben 1 Punkt"));
  });

  test("with no affordable reward the buyer learns how many points the cheapest one needs", async () => {
    logIn();
    extension.fetch = appServer({ "GET /api/loyalty": () => Response.json({ ...loyaltyBody, balance: 100, rewards: loyaltyBody.rewards.map((r) => ({ ...r, affordable: false })) }) }).fetch;
    await extension.render();
    await vi.waitFor(() => expect(text()).toContain("Rewards start at 300 points."));
    expect(redeemButtons()).toHaveLength(0);
  });

  test("no redeem buttons where checkout does not allow discount code changes", async () => {
    logIn();
    extension.shopify.instructions = signal({ ...extension.shopify.instructions.value, discounts: { canUpdateDiscountCodes: false } }) as typeof extension.shopify.instructions;
    extension.fetch = appServer({ "GET /api/loyalty": () => Response.json(loyaltyBody) }).fetch;
    await extension.render();
    await vi.waitFor(() => expect(banners()[0]?.textContent).toBe("You have 620 points"));
    expect(redeemButtons()).toHaveLength(0);
  });
});

describe("checkout: redeeming a reward", () => {
  async function renderWithRewards(redemption: (init: RequestInit | undefined) => Response | Promise<Response>) {
    logIn();
    const app = appServer({ "GET /api/loyalty": () => Response.json(loyaltyBody), "POST /api/loyalty/redemptions": redemption });
    extension.fetch = app.fetch;
    await extension.render();
    await vi.waitFor(() => expect(redeemButtons()).toHaveLength(2));
    return app;
  }
  const posts = (app: ReturnType<typeof appServer>) => app.calls.filter((c) => c.method === "POST");

  test("GIVEN 620 points WHEN the buyer taps Redeem on €5.00 off THEN the app issues a code and checkout applies it", async () => {
    const app = await renderWithRewards(created());

    click(redeemButtons()[0]!);

    await vi.waitFor(() => expect(text()).toContain("Done: TREUE-7KQ2M9 is applied to this order for 500 points."));
    const [post] = posts(app);
    expect(post!.url).toBe("https://treue.test/api/loyalty/redemptions");
    expect(new Headers(post!.init?.headers).get("Authorization")).toBe("Bearer session-token-for-42");
    const body = JSON.parse(String(post!.init?.body));
    expect(body.rewardId).toBe("reward-5-off");
    expect(body.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(applyDiscountCodeChange).toHaveBeenCalledWith({ type: "addDiscountCode", code: "TREUE-7KQ2M9" });
    // The new balance comes from the app's answer; €5.00 off (500) is no longer affordable.
    expect(banners()[0]?.textContent).toBe("You have 120 points");
    expect(redeemButtons()).toHaveLength(0);
  });

  test("a store credit reward: the amount goes to the buyer's store credit, no code is applied", async () => {
    // The tester's formatCurrency prints the bare number; checkout's formats it for the buyer's locale.
    extension.shopify.i18n.formatCurrency = ((amount: number, options?: { currency?: string }) =>
      new Intl.NumberFormat("en", { style: "currency", currency: options?.currency ?? "EUR" }).format(amount)) as typeof extension.shopify.i18n.formatCurrency;
    await renderWithRewards(() => Response.json({ code: null, pointsSpent: 500, balance: 120, storeCredit: { amount: "5.00", currencyCode: "EUR" } }, { status: 201 }));
    click(redeemButtons()[0]!);
    await vi.waitFor(() => expect(text()).toContain("Done: €5.00 was added to your store credit for 500 points. Choose store credit when you pay."));
    expect(applyDiscountCodeChange).not.toHaveBeenCalled();
    expect(banners()[0]?.textContent).toBe("You have 120 points");
  });

  test("a store credit Shopify has not confirmed yet: the buyer is told it follows, and nothing is applied", async () => {
    await renderWithRewards(() => Response.json({ pending: { code: "STORE_CREDIT_PENDING", message: "" }, pointsSpent: 500 }, { status: 202 }));
    click(redeemButtons()[0]!);
    await vi.waitFor(() => expect(text()).toContain(en.creditPending));
    expect(applyDiscountCodeChange).not.toHaveBeenCalled();
    expect(banners()[0]?.textContent).toBe("You have 120 points");
  });

  test("409 INSUFFICIENT_POINTS shows a message and applies nothing", async () => {
    await renderWithRewards(() => Response.json({ error: { code: "INSUFFICIENT_POINTS", message: "Balance 120 < 500" } }, { status: 409 }));
    click(redeemButtons()[0]!);
    await vi.waitFor(() => expect(text()).toContain(en.insufficient));
    expect(applyDiscountCodeChange).not.toHaveBeenCalled();
  });

  test("checkout rejecting the code tells the buyer the code, so the spent points are not lost", async () => {
    applyDiscountCodeChange.mockResolvedValue({ type: "error", message: "Discount code not applicable" });
    await renderWithRewards(created("TREUE-REJECT"));
    click(redeemButtons()[0]!);
    await vi.waitFor(() => expect(text()).toContain("checkout did not accept the code TREUE-REJECT"));
    expect(document.body.querySelector("s-banner[tone=warning]")).not.toBeNull();
  });

  test("a network failure shows an offline message, and the retry reuses the same idempotency key", async () => {
    let attempts = 0;
    const app = await renderWithRewards(() => {
      attempts += 1;
      if (attempts === 1) throw new TypeError("Failed to fetch");
      return created()();
    });

    click(redeemButtons()[0]!);
    await vi.waitFor(() => expect(text()).toContain(en.offline));
    expect(applyDiscountCodeChange).not.toHaveBeenCalled();

    click(redeemButtons()[0]!);
    await vi.waitFor(() => expect(applyDiscountCodeChange).toHaveBeenCalledTimes(1));
    const keys = posts(app).map((c) => JSON.parse(String(c.init?.body)).idempotencyKey);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
  });

  test("after a definite answer the next tap is a new redemption with a new key", async () => {
    const app = await renderWithRewards(() => Response.json({ error: { code: "INSUFFICIENT_POINTS", message: "" } }, { status: 409 }));
    click(redeemButtons()[1]!);
    await vi.waitFor(() => expect(text()).toContain(en.insufficient));
    click(redeemButtons()[1]!);
    await vi.waitFor(() => expect(posts(app)).toHaveLength(2));
    const [a, b] = posts(app).map((c) => JSON.parse(String(c.init?.body)).idempotencyKey);
    expect(a).not.toBe(b);
  });

  test("401 asks the buyer to reload; a 500 says nothing was deducted", async () => {
    await renderWithRewards(() => new Response("", { status: 401 }));
    click(redeemButtons()[0]!);
    await vi.waitFor(() => expect(text()).toContain(en.sessionExpired));

    render(null, document.body);
    await renderWithRewards(() => new Response("", { status: 500 }));
    click(redeemButtons()[0]!);
    await vi.waitFor(() => expect(text()).toContain(en.redeemFailed));
    expect(applyDiscountCodeChange).not.toHaveBeenCalled();
  });
});

describe("checkout: a customer a test of the whole program holds out", () => {
  test("sees no program at checkout", async () => {
    logIn();
    const app = appServer({ "GET /api/loyalty": () => Response.json(heldOutBody) });
    extension.fetch = app.fetch;
    await extension.render();
    await vi.waitFor(() => expect(app.calls).toHaveLength(1));
    await vi.waitFor(() => expect(text()).not.toContain(en.loading));
    expect(text()).toBe("");
    expect(banners()).toHaveLength(0);
  });
});

describe("checkout: failures loading the balance never block checkout", () => {
  test("network failure shows a non-blocking notice instead of a balance", async () => {
    logIn();
    extension.fetch = vi.fn(async () => {
      throw new TypeError("Failed to fetch");
    }) as typeof fetch;
    await extension.render();
    await vi.waitFor(() => expect(banners()[0]?.textContent).toBe(en.unavailable));
    expect(banners()[0]?.getAttribute("tone")).toBe("warning");
  });

  test("401 asks for a reload; a malformed body is treated like a network failure", async () => {
    logIn();
    extension.fetch = vi.fn(async () => new Response("nope", { status: 401 })) as typeof fetch;
    await extension.render();
    await vi.waitFor(() => expect(banners()[0]?.textContent).toBe(en.sessionExpired));

    render(null, document.body);
    extension.fetch = vi.fn(async () => Response.json({ balance: "lots" })) as typeof fetch;
    await extension.render();
    await vi.waitFor(() => expect(banners()[0]?.textContent).toBe(en.unavailable));
  });
});

describe("checkout: guests", () => {
  test("a guest sees what this order would earn and is invited to log in", async () => {
    setBuyerIdentity(undefined);
    extension.shopify.cost.subtotalAmount = signal({ amount: 57.9, currencyCode: "EUR" }) as typeof extension.shopify.cost.subtotalAmount;
    const app = appServer({ "GET /api/loyalty": () => Response.json({ customerId: null, balance: 0, rewards: [], referral: null, earnRate: loyaltyBody.earnRate }) });
    extension.fetch = app.fetch;

    await extension.render();

    await vi.waitFor(() => expect(text()).toContain("This order would earn you 57 points."));
    expect(text()).toContain(en.guest);
    expect(banners()[0]?.getAttribute("tone")).toBe("info");
    expect(redeemButtons()).toHaveLength(0);
  });

  test("a guest still gets the invitation when the app can't be reached or the currency differs", async () => {
    setBuyerIdentity({ customer: signal<Customer | undefined>(undefined) });
    extension.fetch = vi.fn(async () => {
      throw new TypeError("Failed to fetch");
    }) as typeof fetch;
    await extension.render();
    await vi.waitFor(() => expect(text()).toBe(en.guest));

    render(null, document.body);
    extension.shopify.cost.subtotalAmount = signal({ amount: 57.9, currencyCode: "USD" }) as typeof extension.shopify.cost.subtotalAmount;
    extension.fetch = appServer({ "GET /api/loyalty": () => Response.json({ customerId: null, balance: 0, earnRate: loyaltyBody.earnRate }) }).fetch;
    await extension.render();
    await new Promise((r) => setTimeout(r, 20));
    expect(text()).toBe(en.guest);
  });
});

describe("checkout: member cards", () => {
  const withCards = (cards: object) => ({ ...loyaltyBody, cards });

  test("the member discount is applied with one tap and the stamp card shows how many orders are left", async () => {
    logIn();
    const app = appServer({
      "GET /api/loyalty": () => Response.json(withCards({ discount: { percent: 10, code: "MEMBER-AB2C-DE3F" }, stamps: { stampsOnCurrentCard: 7, stampsRequired: 10, rewardsEarned: 1 } })),
    });
    extension.fetch = app.fetch;
    await extension.render();

    await vi.waitFor(() => expect(text()).toContain("Your member discount: 10 % off"));
    expect(text()).toContain("Stamp card: 7 of 10 – 3 more orders to your next reward");
    const apply = redeemButtons().find((b) => b.textContent === "Apply")!;
    click(apply);
    await vi.waitFor(() => expect(text()).toContain("Your member discount MEMBER-AB2C-DE3F is applied."));
    expect(applyDiscountCodeChange).toHaveBeenCalledExactlyOnceWith({ type: "addDiscountCode", code: "MEMBER-AB2C-DE3F" });
    expect(redeemButtons().some((b) => b.textContent === "Apply")).toBe(false);
    // Applying a code spends no points: no request to the app.
    expect(app.calls).toHaveLength(1);
  });

  test("a code checkout refuses is shown for manual entry; German and the singular", async () => {
    logIn();
    useLocale("de");
    applyDiscountCodeChange.mockResolvedValueOnce({ type: "error", message: "not applicable" });
    extension.fetch = appServer({
      "GET /api/loyalty": () => Response.json(withCards({ discount: { percent: 15, code: "MEMBER-XY2Z-AB3C" }, stamps: { stampsOnCurrentCard: 4, stampsRequired: 5, rewardsEarned: 0 } })),
    }).fetch;
    await extension.render();
    await vi.waitFor(() => expect(text()).toContain("Ihr Mitgliederrabatt: 15 % Rabatt"));
    expect(text()).toContain("Stempelkarte: 4 von 5 – noch 1 Bestellung bis zur nächsten Prämie");
    click(redeemButtons().find((b) => b.textContent === "Anwenden")!);
    await vi.waitFor(() => expect(text()).toContain("Der Checkout hat Ihren Mitgliederrabatt-Code MEMBER-XY2Z-AB3C"));
  });

  test("no cards, malformed cards, or a checkout that can't take codes: nothing to tap", async () => {
    logIn();
    extension.fetch = appServer({ "GET /api/loyalty": () => Response.json(withCards({ discount: { percent: "10", code: "" }, stamps: { stampsOnCurrentCard: 1, stampsRequired: 0 } })) }).fetch;
    await extension.render();
    await vi.waitFor(() => expect(banners()[0]?.textContent).toBe("You have 620 points"));
    expect(text()).not.toContain("member discount");
    expect(text()).not.toContain("Stamp card");
  });
});
