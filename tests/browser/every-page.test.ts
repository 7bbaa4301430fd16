// Every admin page in real Chromium, in English and German, on a wide screen and a phone (issue 16): each loads
// with its heading, without an error in the page or its console, without scrolling sideways, in the language it
// was opened in. A shop with history, members and points (orders through signed webhooks). Each page's screenshot
// goes to test-results/pages/ (CI artefacts; README shows them).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { startTreue, BROWSER_USER_AGENT, TEST_SHOP, waitForMembers, type TreueHarness } from "../support/treue-harness";
import { answerShopifyCdn, launchChromium } from "../support/chromium";

let t: TreueHarness;
let browser: Browser;
let memberId = "";

const PAGES: [name: string, path: () => string][] = [
  ["home", () => "/app"],
  ["loyalty-figures", () => "/app/loyalty"],
  ["customers-by-segment", () => "/app/analytics/customers"],
  ["segment-rules", () => "/app/analytics/segments"],
  ["program", () => "/app/program"],
  ["members", () => "/app/members"],
  ["member", () => `/app/members/${memberId}`],
  ["balance-import", () => "/app/members/import"],
  ["rewards", () => "/app/rewards"],
  ["referrals", () => "/app/referrals"],
  ["emails", () => "/app/emails"],
  ["experiments", () => "/app/experiments"],
  ["data-requests", () => "/app/data-requests"],
  ["parked-events", () => "/app/events"],
];

beforeAll(async () => {
  t = await startTreue({ appEnv: { WEBHOOK_WORKER: "1" } });
  browser = await launchChromium();
  const DAY = 86_400_000;
  for (let i = 0; i < 24; i++) {
    const c = i % 6;
    await t.standin.createOrder({
      customer: { email: `kundin${c}@example.com`, firstName: ["Ada", "Björn", "Cem", "Dana", "Emil", "Frida"][c], lastName: "Muster" },
      lines: [{ sku: `S${i}`, quantity: 1 + (i % 3), unitPriceMinor: 1500 + i * 250 }],
      createdAt: new Date(Date.now() - i * 9 * DAY).toISOString().slice(0, 19) + "Z",
    });
  }
  await waitForMembers(t, 6);
  memberId = String((await t.db.prisma.member.findFirstOrThrow({ where: { shop: TEST_SHOP }, orderBy: { id: "asc" } })).id);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function open(page: Page, path: string, locale: string) {
  const response = await page.goto(t.adminUrl(path, { locale }), { waitUntil: "domcontentloaded" });
  expect(response?.status(), path).toBe(200);
  await page.locator("html[data-hydrated]").waitFor({ timeout: 20_000 });
  // Charts are drawn after hydration (Polaris Viz is loaded in the browser): wait for them before judging the width.
  for (const chart of await page.locator("#trend-chart, #points-chart").all()) await chart.locator("svg").first().waitFor({ timeout: 20_000 });
}

describe("every admin page in Chromium", () => {
  for (const locale of ["en", "de"]) {
    for (const width of [1440, 390]) {
      it(`loads each page in ${locale} at ${width} px: heading, no errors, no sideways scrolling`, async () => {
        // Reduced motion: charts are drawn at once, so the screenshots show them.
        const page = await browser.newPage({ userAgent: BROWSER_USER_AGENT, viewport: { width, height: 900 }, reducedMotion: "reduce" });
        const failures: string[] = [];
        page.on("pageerror", (e) => failures.push(`${page.url()}: ${e.message}`));
        page.on("console", (m) => {
          if (m.type() === "error") failures.push(`${page.url()}: ${m.text()}`);
        });
        await answerShopifyCdn(page);
        const problems: string[] = [];
        for (const [name, path] of PAGES) {
          await open(page, path(), locale);
          if ((await page.getAttribute("html", "lang")) !== locale) problems.push(`${name}: <html lang> is not ${locale}`);
          if ((await page.locator("h1").count()) === 0) problems.push(`${name}: no heading`);
          const overflow = await page.evaluate(() => {
            const wide = document.documentElement.scrollWidth - window.innerWidth;
            if (wide <= 0) return null;
            // The widest elements, to say what sticks out.
            const culprits = [...document.querySelectorAll("body *")]
              .map((e) => ({ e, right: e.getBoundingClientRect().right }))
              .filter((x) => x.right > window.innerWidth + 1)
              .sort((a, b) => b.right - a.right)
              .slice(0, 3)
              .map((x) => `${x.e.tagName.toLowerCase()}${x.e.id ? `#${x.e.id}` : ""}.${String(x.e.className).slice(0, 40)} → ${Math.round(x.right)}`);
            return `${wide}px wider than the screen: ${culprits.join("; ")}`;
          });
          if (overflow) problems.push(`${name}: ${overflow}`);
          await page.screenshot({ path: `test-results/pages/${name}-${locale}-${width}.png`, fullPage: true });
        }
        expect(problems).toEqual([]);
        expect(failures).toEqual([]);
        await page.close();
      }, 180_000);
    }
  }
});
