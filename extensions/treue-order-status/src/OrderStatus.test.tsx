/// <reference types="@shopify/ui-extensions/customer-account.order-status.block.render" />
import { getExtension } from "@shopify/ui-extensions-tester";
import { render } from "preact";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
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

test("the Order status page shows the stamp card's progress", async () => {
  const stamps = { stampsOnCurrentCard: 1, stampsRequired: 3, rewardsEarned: 0 };
  extension.fetch = appServer({ "GET /api/loyalty": () => Response.json({ ...loyaltyBody, order: null, cards: { discount: null, stamps } }) }).fetch;
  await extension.render();
  await vi.waitFor(() => expect(text()).toContain("Stamp card: 1 of 3 – 2 more orders to your next reward"));
});

test("this extension's locale files carry the shared block's strings unchanged, plus its own birthday form's", () => {
  for (const [mine, checkout] of [
    [en, checkoutEn],
    [de, checkoutDe],
  ] as const) {
    for (const [key, value] of Object.entries(mine)) {
      if (key in checkout) expect(value, key).toEqual((checkout as Record<string, unknown>)[key]);
      else expect(key, "only the birthday form has strings of its own").toMatch(/^birthday/);
    }
  }
  expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
});

describe("the birthday form", () => {
  const noBirthday = { ...loyaltyBody, order: null, birthday: null };
  const posted: unknown[] = [];
  const click = (el: { dispatchEvent(event: Event): boolean }) => el.dispatchEvent(new Event("click"));
  const field = (tag: string) => document.body.querySelector(tag) as (Element & { value?: string; error?: string }) | null;
  const errorOf = (tag: string) => field(tag)?.getAttribute("error") ?? field(tag)?.error ?? null;
  /** Types into a field and lets Preact re-render (its state updates are batched), as a buyer's next tap would. */
  const enter = async (tag: string, event: string, value: string) => {
    const el = field(tag)!;
    el.value = value;
    el.dispatchEvent(new Event(event));
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  // The form comes last, after the referral block's "Copy link".
  const saveButton = () => [...document.body.querySelectorAll("s-button")].at(-1)!;

  function serve(answer: (body: unknown) => Response | Promise<Response>, loyalty: unknown = noBirthday) {
    posted.length = 0;
    const app = appServer({
      "GET /api/loyalty": () => Response.json(loyalty),
      "POST /api/loyalty/birthday": (init) => {
        const body = JSON.parse(String(init?.body));
        posted.push(body);
        return answer(body);
      },
    });
    extension.fetch = app.fetch;
    return app;
  }

  beforeEach(() => {
    // Real month names, as the buyer's locale gives them.
    extension.shopify.i18n.formatDate = ((date: Date, options?: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat("en", options).format(date)) as typeof extension.shopify.i18n.formatDate;
  });

  test("a member without a birthday picks month and day, saves, and is thanked", async () => {
    const app = serve((body) => Response.json(body));
    await extension.render();
    await vi.waitFor(() => expect(text()).toContain("Your birthday (for a birthday bonus)"));
    expect([...document.body.querySelectorAll("s-option")].map((o) => o.textContent)).toEqual([
      "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
    ]);
    await enter("s-select", "change", "7");
    await enter("s-number-field", "input", "4");
    click(saveButton());
    await vi.waitFor(() => expect(text()).toContain("Thank you! Your birthday is saved"));
    expect(posted).toEqual([{ birthday: "07-04" }]);
    const call = app.calls.find((c) => c.method === "POST")!;
    expect(call.url).toBe("https://treue.test/api/loyalty/birthday");
    expect(new Headers(call.init?.headers).get("authorization")).toMatch(/^Bearer /);
    expect(document.body.querySelector("s-select")).toBeNull();
  });

  test("is not shown to a member whose birthday is known, nor to a guest", async () => {
    serve((body) => Response.json(body), { ...noBirthday, birthday: "03-21" });
    await extension.render();
    await vi.waitFor(() => expect(text()).toContain("You have 620 points"));
    expect(text()).not.toContain("birthday");
    render(null, document.body);
    serve((body) => Response.json(body), { ...noBirthday, customerId: null });
    await extension.render();
    await vi.waitFor(() => expect(text()).toContain("Create an account"));
    expect(document.body.querySelector("s-select")).toBeNull();
  });

  test("checks the date before sending: a month is needed, and 30 February does not exist (29 February does)", async () => {
    serve((body) => Response.json(body));
    await extension.render();
    await vi.waitFor(() => expect(saveButton().textContent).toBe("Save birthday"));
    await enter("s-number-field", "input", "12");
    click(saveButton());
    await vi.waitFor(() => expect(errorOf("s-select")).toBe("Choose the month of your birthday."));
    await enter("s-select", "change", "2");
    await enter("s-number-field", "input", "30");
    click(saveButton());
    await vi.waitFor(() => expect(errorOf("s-number-field")).toBe("Enter a day from 1 to 29."));
    expect(errorOf("s-select")).toBeNull();
    expect(posted).toEqual([]);
    await enter("s-number-field", "input", "29");
    click(saveButton());
    await vi.waitFor(() => expect(posted).toEqual([{ birthday: "02-29" }]));
  });

  test("says so when the app refuses the date, when it fails, and when the buyer is offline; the form stays", async () => {
    let answer: () => Response | Promise<Response> = () => Response.json({ error: { code: "BAD_REQUEST", message: "…" } }, { status: 400 });
    const app = serve(() => answer());
    await extension.render();
    await vi.waitFor(() => expect(saveButton().textContent).toBe("Save birthday"));
    await enter("s-select", "change", "4");
    await enter("s-number-field", "input", "30");
    click(saveButton());
    await vi.waitFor(() => expect(text()).toContain("That date doesn’t exist."));
    answer = () => Response.json({ error: { code: "INTERNAL" } }, { status: 500 });
    click(saveButton());
    await vi.waitFor(() => expect(text()).toContain("Your birthday couldn’t be saved right now."));
    const online = app.fetch;
    extension.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      if (init?.method === "POST") throw new TypeError("Failed to fetch");
      return online(input, init);
    }) as typeof fetch;
    click(saveButton());
    await vi.waitFor(() => expect(text()).toContain("You seem to be offline."));
    expect(document.body.querySelector("s-select")).not.toBeNull();
  });

  test("speaks German", async () => {
    extension.shopify.i18n.translate = translatorFor("de", de) as typeof extension.shopify.i18n.translate;
    serve((body) => Response.json(body));
    await extension.render();
    await vi.waitFor(() => expect(text()).toContain("Ihr Geburtstag (für einen Geburtstagsbonus)"));
    expect(saveButton().textContent).toBe("Geburtstag speichern");
    click(saveButton());
    await vi.waitFor(() => expect(errorOf("s-select")).toBe("Wählen Sie den Monat Ihres Geburtstags."));
  });
});
