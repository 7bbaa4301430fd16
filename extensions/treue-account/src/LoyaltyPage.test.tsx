/// <reference types="@shopify/ui-extensions/customer-account.page.render" />
// The rewards page in the customer account under @shopify/ui-extensions-tester: what a member sees, and
// redeeming where no cart is at hand (a code to keep, or store credit).
import { getExtension } from "@shopify/ui-extensions-tester";
import { render } from "preact";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { appServer, heldOutBody, loyaltyBody, translatorFor } from "../../treue-checkout/src/test-support";
import de from "../locales/de.json";
import en from "../locales/en.default.json";
// Imported after vi.stubEnv below: it reads the app's URL when loaded, as the built bundle has it inlined.
const loadProfileCard = async () => (await import("./ProfileCard")).ProfileCard;

vi.stubEnv("APP_URL", "https://treue.test");

const extension = getExtension("customer-account.page.render");
const text = () => document.body.textContent ?? "";
const buttons = () => [...document.body.querySelectorAll("s-button")];
const redeemButtons = () => buttons().filter((b) => b.textContent === en.redeem);
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

/** Two pages of history: an order whose points are still pending, a redemption; then the first order. */
const activityPages = {
  first: {
    entries: [
      { id: "9", kind: "earn", points: 40, at: "2026-12-01T10:00:00Z", pendingUntil: "2026-12-15T10:00:00Z", reward: null },
      { id: "7", kind: "redeem", points: -500, at: "2026-11-20T10:00:00Z", pendingUntil: null, reward: "€5.00 off" },
    ],
    nextBefore: "7",
    tier: { current: "Gold", periodEnd: "2027-03-01T00:00:00Z", spendMinor: 42_000, windowDays: 365, currency: "EUR", next: { name: "Platinum", remainingMinor: 8_050 }, keep: null },
  },
  older: { entries: [{ id: "3", kind: "earn", points: 1, at: "2026-10-02T10:00:00Z", pendingUntil: null, reward: null }], nextBefore: null, tier: null },
};

async function renderPage(redemption?: (init: RequestInit | undefined) => Response | Promise<Response>) {
  const app = appServer({
    "GET /api/loyalty": () => Response.json(loyaltyBody),
    "GET /api/loyalty/activity": () => Response.json(activityPages.first),
    ...(redemption ? { "POST /api/loyalty/redemptions": redemption } : {}),
  });
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
    expect(redeemButtons()).toHaveLength(2);
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
    click(redeemButtons()[0]!);
    await vi.waitFor(() => expect(text()).toContain("Your code: TREUE-7KQ2-M9PX. Enter it at checkout"));
    expect(text()).toContain("You have 120 points");
    const post = app.calls.find((c) => c.method === "POST")!;
    expect(JSON.parse(String(post.init?.body))).toMatchObject({ rewardId: "reward-5-off", idempotencyKey: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  });

  test("redeeming store credit says how much went to the member's store credit", async () => {
    await renderPage(() => Response.json({ code: null, pointsSpent: 500, balance: 120, storeCredit: { amount: "5.00", currencyCode: "EUR" } }, { status: 201 }));
    click(redeemButtons()[0]!);
    await vi.waitFor(() => expect(text()).toContain("€5.00 was added to your store credit for 500 points."));
  });

  test("a refusal for lack of points deducts nothing and says so", async () => {
    await renderPage(() => Response.json({ error: { code: "INSUFFICIENT_POINTS", message: "" } }, { status: 409 }));
    click(redeemButtons()[0]!);
    await vi.waitFor(() => expect(text()).toContain(en.insufficient));
  });

  test("when the app can't be reached the page says so instead of showing zeros", async () => {
    extension.fetch = appServer({}).fetch;
    await extension.render();
    await vi.waitFor(() => expect(text()).toContain(en.unavailable));
    expect(text()).not.toContain("You have");
  });
});

describe("the points history, tier progress and birthday on the rewards page", () => {
  const sectionHeadings = () => [...document.body.querySelectorAll("s-section")].map((e) => e.getAttribute("heading"));
  /** Types into a field and lets Preact re-render (its state updates are batched), as a member's next tap would. */
  const enter = async (tag: string, event: string, value: string) => {
    const el = document.body.querySelector(tag) as Element & { value?: string };
    el.value = value;
    el.dispatchEvent(new Event(event));
    await new Promise((resolve) => setTimeout(resolve, 0));
  };

  function serve(extra: Parameters<typeof appServer>[0] = {}, loyalty: unknown = loyaltyBody) {
    let pages = 0;
    const app = appServer({
      "GET /api/loyalty": () => Response.json(loyalty),
      "GET /api/loyalty/activity": () => Response.json(pages++ === 0 ? activityPages.first : activityPages.older),
      ...extra,
    });
    extension.fetch = app.fetch;
    return app;
  }

  beforeEach(() => {
    // Real dates, as the member's locale writes them.
    extension.shopify.i18n.formatDate = ((date: Date, options?: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat("en", { ...options, timeZone: "UTC" }).format(date)) as typeof extension.shopify.i18n.formatDate;
  });

  test("lists the member's points with what they bought and when pending points unlock, shows the way to the next tier, and pages back", async () => {
    const app = serve();
    await extension.render();
    await vi.waitFor(() => expect(sectionHeadings()).toContain("Your points history"));
    expect(text()).toContain("Spend €80.50 more to reach Platinum.");
    expect(text()).toContain("Redeemed: €5.00 off");
    expect(text()).toContain("Nov 20, 2026");
    expect(text()).toContain("−500 points");
    expect(text()).toContain("Dec 1, 2026 · yours from Dec 15, 2026");
    expect(text()).toContain("+40 points");
    expect(text()).not.toContain("+1 point");
    // Older entries come with the cursor the first page gave, below the newer ones.
    click(buttons().find((b) => b.textContent === en.activityMore)!);
    await vi.waitFor(() => expect(text()).toContain("+1 point"));
    expect(text().indexOf("Redeemed: €5.00 off")).toBeLessThan(text().indexOf("+1 point"));
    expect(app.calls.filter((c) => c.url.includes("/activity")).map((c) => c.url)).toEqual([
      "https://treue.test/api/loyalty/activity",
      "https://treue.test/api/loyalty/activity?before=7",
    ]);
    expect(buttons().some((b) => b.textContent === en.activityMore)).toBe(false);
  });

  test("asks a member without a birthday for it, and saves month and day", async () => {
    const posted: unknown[] = [];
    serve({ "POST /api/loyalty/birthday": (init) => (posted.push(JSON.parse(String(init?.body))), Response.json({ birthday: "07-14" })) });
    await extension.render();
    await vi.waitFor(() => expect(text()).toContain(en.birthdayHeading));
    await enter("s-select", "change", "7");
    await enter("s-number-field", "input", "14");
    click(buttons().find((b) => b.textContent === en.birthdaySave)!);
    await vi.waitFor(() => expect(text()).toContain(en.birthdaySaved));
    expect(posted).toEqual([{ birthday: "07-14" }]);
  });

  test("shows a stored birthday instead of the form, and the rest of the page when the history can't load", async () => {
    extension.fetch = appServer({ "GET /api/loyalty": () => Response.json({ ...loyaltyBody, birthday: "03-09" }) }).fetch;
    await extension.render();
    await vi.waitFor(() => expect(text()).toContain(en.activityUnavailable));
    expect(text()).toContain("You have 620 points");
    expect(text()).toContain("Your birthday: 03-09");
    expect(text()).not.toContain(en.birthdayHeading);
    expect(redeemButtons()).toHaveLength(2);
  });

  test("in German", async () => {
    useLocale("de");
    serve();
    await extension.render();
    await vi.waitFor(() => expect(sectionHeadings()).toContain("Ihr Punkteverlauf"));
    expect(text()).toContain(`Noch ${new Intl.NumberFormat("de", { style: "currency", currency: "EUR" }).format(80.5)} bis Platinum.`);
    expect(text()).toContain("Eingelöst: €5.00 off");
    expect(text()).toContain("−500 Punkte");
    expect(text()).toContain("+40 Punkte");
  });
});

describe("the card on the profile page", () => {
  test("leads to the rewards page", async () => {
    extension.fetch = appServer({ "GET /api/loyalty": () => Response.json(loyaltyBody) }).fetch;
    const ProfileCard = await loadProfileCard();
    render(<ProfileCard />, document.body);
    await vi.waitFor(() => expect(document.body.querySelector("s-section")?.getAttribute("heading")).toBe("Your rewards"));
    expect(document.body.querySelector("s-link")?.getAttribute("href")).toBe("extension:treue-account/");
  });

  test("still leads there when the app cannot be reached", async () => {
    extension.fetch = appServer({ "GET /api/loyalty": () => new Response("busy", { status: 503 }) }).fetch;
    const ProfileCard = await loadProfileCard();
    render(<ProfileCard />, document.body);
    await vi.waitFor(() => expect(document.body.querySelector("s-link")?.getAttribute("href")).toBe("extension:treue-account/"));
  });

  test("is not there for a customer a test of the whole program holds out", async () => {
    const app = appServer({ "GET /api/loyalty": () => Response.json(heldOutBody) });
    extension.fetch = app.fetch;
    const ProfileCard = await loadProfileCard();
    render(<ProfileCard />, document.body);
    await vi.waitFor(() => expect(app.calls).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 20));
    expect(document.body.querySelector("s-section")).toBeNull();
    expect(text()).toBe("");
  });
});

describe("a customer a test of the whole program holds out", () => {
  test("finds no program on the rewards page", async () => {
    extension.fetch = appServer({ "GET /api/loyalty": () => Response.json(heldOutBody) }).fetch;
    await extension.render();
    await vi.waitFor(() => expect(text()).toContain(en.notOffered));
    expect(text()).not.toContain("points");
    expect(redeemButtons()).toHaveLength(0);
  });
});

test("German and English have the same strings", () => {
  expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
});
