// Helpers shared by the extensions' tests (never imported by an extension module, so never bundled).
import type { Customer, SubscribableSignalLike } from "@shopify/ui-extensions/checkout";

export function signal<T>(value: T): SubscribableSignalLike<T> {
  return { value, current: value, subscribe: () => () => {}, destroy: async () => {} };
}

export function customer(id: string): Customer {
  return { id, image: { url: "" }, acceptsMarketing: false, acceptsEmailMarketing: false, acceptsSmsMarketing: false } as Customer;
}

/** A real translate() over our locale files (the tester's default just echoes keys). */
export function translatorFor(locale: string, messages: Record<string, unknown>) {
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

/**
 * Defines a property on the tester's mock `shopify` object. Its proxy throws on reading or
 * assigning unknown properties (e.g. the optional `buyerIdentity`), but has no defineProperty trap.
 */
export function defineOnMock(target: object, name: string, value: unknown) {
  Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: true });
}

/** A fetch stand-in that answers by method + path and records every call. */
export function appServer(routes: Record<string, (init: RequestInit | undefined) => Response | Promise<Response>>) {
  const calls: { method: string; url: string; init: RequestInit | undefined }[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const method = init?.method ?? "GET";
    calls.push({ method, url, init });
    const path = url.replace(/^https?:\/\/[^/]+/, "").replace(/\?.*$/, "");
    const route = routes[`${method} ${path}`];
    if (!route) return new Response("not found", { status: 404 });
    return route(init);
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
}

export const loyaltyBody = {
  customerId: "gid://shopify/Customer/42",
  balance: 620,
  pending: 40,
  lifetimeEarned: 2100,
  tier: "Gold",
  rewards: [
    { id: "reward-5-off", title: "€5.00 off", pointsCost: 500, affordable: true, kind: "fixed-amount-off" },
    { id: "reward-free-shipping", title: "Free shipping", pointsCost: 300, affordable: true, kind: "free-shipping" },
    { id: "reward-20-off", title: "€20.00 off", pointsCost: 2000, affordable: false, kind: "fixed-amount-off" },
  ],
  referral: { code: "ANNA-7K3Q", url: "https://shop.example/?ref=ANNA-7K3Q" },
  earnRate: { points: 1, perMinor: 100, currency: "EUR" },
};

/** What the app answers for a customer a test of the whole program holds out: no program, nothing else. */
export const heldOutBody = { ...loyaltyBody, balance: 0, pending: 0, lifetimeEarned: 0, tier: null, rewards: [], referral: null, earnRate: null, inProgram: false };
