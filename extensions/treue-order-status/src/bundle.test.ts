/// <reference types="@shopify/ui-extensions/customer-account.order-status.block.render" />
/**
 * Smoke test of the BUILT bundle (dist/treue-order-status.js): it registers for the Order status target and
 * renders the shared block, including the code that lives in ../treue-checkout. Fails, saying what to run, when not
 * built (`npm test` builds it first).
 */
import { getExtension } from "@shopify/ui-extensions-tester";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, expect, test, vi } from "vitest";

const bundlePath = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "treue-order-status.js");
const extension = getExtension("customer-account.order-status.block.render");

function bundle(): Buffer {
  if (!existsSync(bundlePath)) throw new Error(`${bundlePath} is missing: build the extensions first (npm run build:extensions -- --placeholder-app-url)`);
  return readFileSync(bundlePath);
}

beforeEach(() => extension.setUp());
afterEach(() => {
  document.body.innerHTML = "";
  extension.tearDown();
});

test("the built bundle registers for the Order status page and renders the balance", async () => {
  const registered: { target: string; callback: () => unknown }[] = [];
  Object.defineProperty(extension.shopify, "extend", { value: (target: string, callback: () => unknown) => registered.push({ target, callback }), configurable: true });
  extension.shopify.order = { value: { id: "gid://shopify/Order/5", name: "#5" }, current: undefined, subscribe: () => () => {} } as unknown as typeof extension.shopify.order;
  extension.shopify.i18n.translate = ((key: string, options?: { balance?: string }) => (key === "balance" ? `You have ${options?.balance} points` : key)) as typeof extension.shopify.i18n.translate;
  const fetchMock = vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) => Response.json({ customerId: "gid://shopify/Customer/7", balance: 42 }));
  extension.fetch = fetchMock as typeof fetch;

  new Function(bundle().toString("utf8"))();

  expect(registered.map((r) => r.target)).toEqual(["customer-account.order-status.block.render"]);
  await registered[0]!.callback();
  await vi.waitFor(() => expect(document.body.textContent).toContain("You have 42 points"));
  expect(String(fetchMock.mock.calls[0]![0])).toMatch(/\/api\/loyalty\?orderId=gid%3A%2F%2Fshopify%2FOrder%2F5$/);
});

test("the built bundle, birthday form included, stays under our 16 KB gzip target", () => {
  expect(gzipSync(bundle()).byteLength).toBeLessThan(16 * 1024);
});
