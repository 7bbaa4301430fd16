/// <reference types="@shopify/ui-extensions/purchase.checkout.reductions.render-after" />
import { getExtension } from "@shopify/ui-extensions-tester";
import type { Customer, SubscribableSignalLike } from "@shopify/ui-extensions/checkout";
import { render } from "preact";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import de from "../locales/de.json";
import en from "../locales/en.default.json";

// config.ts reads process.env.APP_URL once, when Checkout.tsx is first imported by render().
// (In real bundles the Shopify CLI's esbuild replaces it with a string literal.)
vi.stubEnv("APP_URL", "https://treue.test/");

const extension = getExtension("purchase.checkout.reductions.render-after");

function signal<T>(value: T): SubscribableSignalLike<T> {
  return { value, current: value, subscribe: () => () => {}, destroy: async () => {} };
}

function customer(id: string): Customer {
  return {
    id,
    image: { url: "" },
    acceptsMarketing: false,
    acceptsEmailMarketing: false,
    acceptsSmsMarketing: false,
  } as Customer;
}

/** A real translate() over our locale files (the tester's default just echoes keys). */
function translatorFor(locale: string, messages: Record<string, unknown>) {
  const plural = new Intl.PluralRules(locale);
  return (key: string, options: Record<string, unknown> = {}): string => {
    let entry: unknown = key.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], messages);
    if (entry && typeof entry === "object" && typeof options.count === "number") {
      const forms = entry as Record<string, string>;
      entry = forms[plural.select(options.count)] ?? forms.other;
    }
    if (typeof entry !== "string") throw new Error(`missing translation ${locale}:${key}`);
    return entry.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(options[name]));
  };
}

function useLocale(locale: "en" | "de") {
  const messages = locale === "de" ? de : en;
  extension.shopify.i18n.translate = translatorFor(locale, messages) as typeof extension.shopify.i18n.translate;
}

type BuyerIdentity = NonNullable<typeof extension.shopify.buyerIdentity>;

/**
 * The tester's mock has no `buyerIdentity` (it is optional: only present with protected
 * customer data access) and its proxy throws on reading or assigning unknown properties,
 * so define it on the mock object directly (the proxy has no defineProperty trap).
 */
function setBuyerIdentity(identity: Partial<BuyerIdentity> | undefined) {
  Object.defineProperty(extension.shopify, "buyerIdentity", {
    value: identity,
    writable: true,
    configurable: true,
    enumerable: true,
  });
}

function logIn(id = "gid://shopify/Customer/42") {
  setBuyerIdentity({
    customer: signal<Customer | undefined>(customer(id)),
    email: signal<string | undefined>(undefined),
    phone: signal<string | undefined>(undefined),
    purchasingCompany: signal(undefined),
  });
}

const banner = () => document.body.querySelector("s-banner");

beforeEach(() => {
  extension.setUp();
  extension.shopify.sessionToken.get = vi.fn(async () => "session-token-for-42");
  useLocale("en");
});

afterEach(() => {
  // Unmount with the same Preact instance the extension rendered with, so the next
  // test starts from an empty tree (the tester's own cleanup may load another copy).
  render(null, document.body);
  extension.tearDown();
  vi.restoreAllMocks();
});

describe("Treue checkout extension (purchase.checkout.reductions.render-after)", () => {
  test("a logged-in buyer sees their points balance, fetched with a session token", async () => {
    logIn();
    const fetchMock = vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) =>
      Response.json({ balance: 1234, tier: "gold" }),
    );
    extension.fetch = fetchMock as typeof fetch;

    await extension.render();

    await vi.waitFor(() => expect(banner()?.textContent).toBe("You have 1234 points"));
    expect(banner()?.getAttribute("heading")).toBe("Treue rewards");
    expect(banner()?.getAttribute("tone")).toBe("success");
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(String(url)).toBe("https://treue.test/api/loyalty");
    expect(new Headers(init?.headers).get("Authorization")).toBe("Bearer session-token-for-42");
    expect(extension.shopify.sessionToken.get).toHaveBeenCalled();
  });

  test("German buyers read 'Sie haben … Punkte', with the singular for one point", async () => {
    logIn();
    useLocale("de");
    extension.fetch = vi.fn(async () => Response.json({ balance: 250 })) as typeof fetch;
    await extension.render();
    await vi.waitFor(() => expect(banner()?.textContent).toBe("Sie haben 250 Punkte"));

    render(null, document.body);
    extension.fetch = vi.fn(async () => Response.json({ balance: 1 })) as typeof fetch;
    await extension.render();
    await vi.waitFor(() => expect(banner()?.textContent).toBe("Sie haben 1 Punkt"));
  });

  test("a guest is invited to log in and no request is made", async () => {
    // No buyer identity at all, as when the app lacks protected customer data access.
    setBuyerIdentity(undefined);
    const fetchMock = vi.fn(async () => Response.json({ balance: 1 }));
    extension.fetch = fetchMock as typeof fetch;

    await extension.render();

    expect(banner()?.textContent).toBe(en.guest);
    expect(banner()?.getAttribute("tone")).toBe("info");
    expect(fetchMock).not.toHaveBeenCalled();
    expect(extension.shopify.sessionToken.get).not.toHaveBeenCalled();

    // Same for an identity whose customer is empty (buyer not logged in).
    render(null, document.body);
    setBuyerIdentity({ customer: signal<Customer | undefined>(undefined) });
    await extension.render();
    expect(banner()?.textContent).toBe(en.guest);
    expect(fetchMock).not.toHaveBeenCalled();
  });

  test("network failure shows a non-blocking notice instead of a balance", async () => {
    logIn();
    vi.spyOn(console, "warn").mockImplementation(() => {});
    extension.fetch = vi.fn(async () => {
      throw new TypeError("Failed to fetch");
    }) as typeof fetch;

    await extension.render();

    await vi.waitFor(() => expect(banner()?.textContent).toBe(en.unavailable));
    expect(banner()?.getAttribute("tone")).toBe("warning");
  });

  test("an error status or a malformed body is treated like a network failure", async () => {
    logIn();
    vi.spyOn(console, "warn").mockImplementation(() => {});
    extension.fetch = vi.fn(async () => new Response("nope", { status: 401 })) as typeof fetch;
    await extension.render();
    await vi.waitFor(() => expect(banner()?.textContent).toBe(en.unavailable));

    render(null, document.body);
    extension.fetch = vi.fn(async () => Response.json({ balance: "lots" })) as typeof fetch;
    await extension.render();
    await vi.waitFor(() => expect(banner()?.textContent).toBe(en.unavailable));
  });
});
