/// <reference types="@shopify/ui-extensions/customer-account.page.render" />
/**
 * Smoke test of the BUILT bundle (dist/treue-account.js, written by `shopify app build`, which `npm test` runs
 * first): it registers both targets and the page renders the balance through the shared client.
 */
import { getExtension } from "@shopify/ui-extensions-tester";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, expect, test, vi } from "vitest";

const bundlePath = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "treue-account.js");
const extension = getExtension("customer-account.page.render");

function bundle(): string {
  if (!existsSync(bundlePath)) throw new Error(`${bundlePath} is missing: build the extensions first (npm run build:extensions -- --placeholder-app-url)`);
  return readFileSync(bundlePath, "utf8");
}

beforeEach(() => extension.setUp());
afterEach(() => {
  document.body.innerHTML = "";
  extension.tearDown();
});

test("the built bundle registers the rewards page and the profile card, and the page renders the balance", async () => {
  const registered: { target: string; callback: () => unknown }[] = [];
  Object.defineProperty(extension.shopify, "extend", { value: (target: string, callback: () => unknown) => registered.push({ target, callback }), configurable: true });
  extension.shopify.i18n.translate = ((key: string, options?: { balance?: string }) => (key === "balance" ? `You have ${options?.balance} points` : key)) as typeof extension.shopify.i18n.translate;
  const fetchMock = vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) => Response.json({ customerId: "gid://shopify/Customer/7", balance: 42 }));
  extension.fetch = fetchMock as typeof fetch;

  new Function(bundle())();

  expect(registered.map((r) => r.target).sort()).toEqual(["customer-account.page.render", "customer-account.profile.block.render"]);
  await registered.find((r) => r.target === "customer-account.page.render")!.callback();
  await vi.waitFor(() => expect(document.body.textContent).toContain("You have 42 points"));
  expect(String(fetchMock.mock.calls[0]![0])).toMatch(/\/api\/loyalty$/);
});

test("the built bundle stays under our 16 KB gzip target", () => {
  expect(gzipSync(Buffer.from(bundle())).byteLength).toBeLessThan(16 * 1024);
});
