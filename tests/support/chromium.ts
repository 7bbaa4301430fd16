// Real Chromium driven by playwright-core, with no browser download: CHROMIUM_PATH's, else a Chromium or Chrome
// installed on the machine, else the Chromium build inside the npm package @sparticuz/chromium (Linux), which is
// unpacked to the temporary folder the first time.
import fs from "node:fs";
import os from "node:os";
import { chromium, type Browser, type Page } from "playwright-core";

/** Where browser-setup.ts leaves the browser it found, so test workers don't unpack it side by side. */
const FOUND_BROWSER = "TREUE_CHROMIUM_EXECUTABLE";

const INSTALLED = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
  "/Applications/Chromium.app/Contents/MacOS/Chromium",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
  "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe",
];

/** The browser the tests use, and where it came from. */
export async function findChromium(): Promise<{ path: string; source: string }> {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (!fs.existsSync(configured)) throw new Error(`CHROMIUM_PATH is ${configured}, and there is no file there. Unset it to let the tests find a browser.`);
    return { path: configured, source: "CHROMIUM_PATH" };
  }
  const found = process.env[FOUND_BROWSER];
  if (found && fs.existsSync(found)) return { path: found, source: "found before" };
  const installed = INSTALLED.find((p) => fs.existsSync(p));
  if (installed) return { path: installed, source: "installed" };
  if (os.platform() !== "linux") {
    throw new Error(
      `The browser tests need Chromium or Google Chrome; none was found at ${INSTALLED.join(", ")}. ` +
        `Install one, or set CHROMIUM_PATH to its executable.`,
    );
  }
  try {
    const { default: packaged } = await import("@sparticuz/chromium");
    return { path: await packaged.executablePath(), source: "@sparticuz/chromium" };
  } catch (error) {
    throw new Error(
      `The browser tests found no Chromium on this machine, and the one in the npm package @sparticuz/chromium ` +
        `could not be unpacked (${(error as Error).message}). Run npm install, or set CHROMIUM_PATH to a Chromium executable.`,
    );
  }
}

/** Once per run (vitest global setup): find the browser, unpacking it if need be, for the test workers. */
export async function prepareChromium(): Promise<void> {
  process.env[FOUND_BROWSER] = (await findChromium()).path;
}

export async function launchChromium(): Promise<Browser> {
  const { path } = await findChromium();
  return chromium.launch({
    executablePath: path,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
      "--no-first-run", "--disable-component-update", "--disable-sync"],
  });
}

/** Waits until React has hydrated the page: typing into a server-rendered input before then is lost. */
export async function waitForHydration(page: Page, timeout = 20_000): Promise<void> {
  await page.locator("html[data-hydrated]").waitFor({ state: "attached", timeout });
}

/**
 * Shopify's CDN (Polaris' font, App Bridge) is out of reach in tests: its requests are answered empty, so any
 * other failed request still shows in the console and fails the test that watches it.
 */
export async function answerShopifyCdn(page: Page): Promise<void> {
  await page.route("https://cdn.shopify.com/**", (route) =>
    route.fulfill({ status: 200, contentType: route.request().url().endsWith(".css") ? "text/css" : "text/javascript", body: "" }),
  );
}

/** Elements under `scope` that reach past the window's right edge (what a merchant would scroll sideways for), described. */
export function elementsPastRightEdge(page: Page, scope = "body"): Promise<string[]> {
  return page.evaluate(
    (selector) =>
      [...document.querySelectorAll(`${selector} *`)]
        .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
        .slice(0, 5)
        .map((e) => `${e.tagName}.${String(e.className).slice(0, 60)} ${Math.round(e.getBoundingClientRect().right)}`),
    scope,
  );
}
