/// <reference types="@shopify/ui-extensions/purchase.checkout.reductions.render-after" />
/**
 * Smoke test of the BUILT bundle (dist/treue-checkout.js from `npm run build:extensions`),
 * i.e. what the Shopify CLI's esbuild produced: es6 target, Preact JSX, APP_URL inlined.
 * The bundle registers itself with `shopify.extend(target, callback)`, as in checkout.
 * Fails, saying what to run, when the extension has not been built (`npm test` builds it first).
 */
import { getExtension } from "@shopify/ui-extensions-tester";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, expect, test, vi } from "vitest";

// (happy-dom replaces the global URL class, so no `new URL(rel, import.meta.url)` here.)
const bundlePath = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "treue-checkout.js");
function bundle(): string {
  if (!existsSync(bundlePath)) throw new Error(`${bundlePath} is missing: build the extensions first (npm run build:extensions -- --placeholder-app-url)`);
  return readFileSync(bundlePath, "utf8");
}
const extension = getExtension("purchase.checkout.reductions.render-after");

beforeEach(() => extension.setUp());
afterEach(() => {
  document.body.innerHTML = "";
  extension.tearDown();
});

test("the built bundle registers for its target and renders the balance", async () => {
  const code = bundle();
  const appUrl = /try\{\w+="(https?:\/\/[^"]+)"\}/.exec(code)?.[1];
  expect(appUrl, "APP_URL must be inlined at build time").toBeTruthy();

  const registered: { target: string; callback: () => unknown }[] = [];
  const define = (name: string, value: unknown) =>
    Object.defineProperty(extension.shopify, name, { value, configurable: true, writable: true });
  // Not part of the tester's mock: the host's registration hook and the buyer identity.
  define("extend", (target: string, callback: () => unknown) => registered.push({ target, callback }));
  const customer = { id: "gid://shopify/Customer/7" };
  define("buyerIdentity", { customer: { value: customer, current: customer, subscribe: () => () => {} } });
  extension.shopify.i18n.translate = ((key: string, options?: { balance?: string }) =>
    key === "balance" ? `You have ${options?.balance} points` : key) as typeof extension.shopify.i18n.translate;
  const fetchMock = vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) => Response.json({ balance: 42 }));
  extension.fetch = fetchMock as typeof fetch;

  new Function(code)();

  expect(registered.map((r) => r.target)).toEqual(["purchase.checkout.reductions.render-after", "purchase.thank-you.block.render"]);
  await registered[0]!.callback();
  await vi.waitFor(() => expect(document.body.querySelector("s-banner")?.textContent).toBe("You have 42 points"));
  expect(String(fetchMock.mock.calls[0]![0])).toBe(`${appUrl}/api/loyalty`);
  expect(new Headers(fetchMock.mock.calls[0]![1]?.headers).get("Authorization")).toBe("Bearer mock-session-token");
});
