// The setup guide through the built app, as Shopify's admin sends the requests (session tokens): a new shop's
// guide has every step open with links into the app and Shopify's editors; saving the program marks its step
// (the merchant cannot take that back), the merchant marks and unmarks the editor steps, hides the guide and
// brings it back; a request naming no step it knows is refused with a 400 and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserFetch, startTreue, TEST_API_KEY, TEST_SHOP, type TreueHarness } from "../support/treue-harness";

let t: TreueHarness;

beforeAll(async () => {
  t = await startTreue();
});
afterAll(async () => {
  await t?.close();
});

interface Guide {
  steps: { id: string; done: boolean; seen: boolean; optional: boolean }[];
  done: number;
  total: number;
  hidden: boolean;
  dismissed: boolean;
}

function post(path: string, form: Record<string, string>, data: string) {
  const url = new URL(t.adminUrl(path, { _data: data }));
  return browserFetch(url.toString(), {
    method: "POST",
    headers: { Authorization: `Bearer ${url.searchParams.get("id_token")}`, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
  });
}
const setup = (form: Record<string, string>) => post("/app/setup", form, "routes/app.setup");
async function home(): Promise<{ setup: Guide; setupLinks: Record<string, { url: string; external: boolean }> }> {
  const url = new URL(t.adminUrl("/app", { _data: "routes/app._index" }));
  const res = await browserFetch(url.toString(), { headers: { Authorization: `Bearer ${url.searchParams.get("id_token")}` } });
  expect(res.status).toBe(200);
  return res.json() as Promise<{ setup: Guide; setupLinks: Record<string, { url: string; external: boolean }> }>;
}
const state = (g: Guide) => Object.fromEntries(g.steps.map((s) => [s.id, s.done ? (s.seen ? "seen" : "marked") : "open"]));

describe("the setup guide", () => {
  it("opens with every step to do and links into the app and Shopify's editors", async () => {
    const { setup: guide, setupLinks } = await home();
    expect({ done: guide.done, total: guide.total, hidden: guide.hidden }).toEqual({ done: 0, total: 4, hidden: false });
    expect(state(guide)).toEqual({ earning: "open", rewards: "open", storefront: "open", thankYou: "open", checkout: "open", balances: "open" });
    expect(setupLinks.earning).toEqual({ url: "/app/program", external: false });
    expect(setupLinks.storefront.url).toBe(`https://${TEST_SHOP}/admin/themes/current/editor?context=apps&activateAppId=${TEST_API_KEY}/launcher`);
    expect(setupLinks.thankYou.url).toBe(`https://${TEST_SHOP}/admin/settings/checkout/editor?page=thank-you&context=apps`);
  });

  it("marks the program step when the program is saved, and the editor steps when the merchant says so", async () => {
    const saved = await post("/app/program", { program: JSON.stringify({ earnRate: { points: 2, perCurrencyUnits: 1 } }) }, "routes/app.program");
    expect(saved.status).toBe(200);
    const marked = await setup({ intent: "mark", step: "storefront" });
    expect(marked.status).toBe(200);
    // Marking twice, or the merchant "unmarking" what the app saw, changes nothing.
    await setup({ intent: "mark", step: "storefront" });
    await setup({ intent: "unmark", step: "earning" });
    let guide = (await home()).setup;
    expect(state(guide)).toMatchObject({ earning: "seen", storefront: "marked", thankYou: "open" });
    expect(guide.done).toBe(2);

    await setup({ intent: "unmark", step: "storefront" });
    guide = (await home()).setup;
    expect(state(guide)).toMatchObject({ earning: "seen", storefront: "open" });
  });

  it("refuses steps and actions it does not know, writing nothing", async () => {
    const before = await t.db.prisma.setupGuide.findUnique({ where: { shop: TEST_SHOP } });
    const unknownStep = await setup({ intent: "mark", step: "launch-rockets" });
    expect(unknownStep.status).toBe(400);
    expect(await unknownStep.json()).toMatchObject({ ok: false, error: "unknown setup step: launch-rockets" });
    expect((await setup({ intent: "explode" })).status).toBe(400);
    expect(await t.db.prisma.setupGuide.findUnique({ where: { shop: TEST_SHOP } })).toEqual(before);
  });

  it("hides when dismissed and comes back when asked, and hides for good once every required step is done", async () => {
    await setup({ intent: "dismiss" });
    expect((await home()).setup).toMatchObject({ hidden: true, dismissed: true });
    await setup({ intent: "restore" });
    expect((await home()).setup).toMatchObject({ hidden: false, dismissed: false });
    for (const step of ["rewards", "storefront", "thankYou"]) await setup({ intent: "mark", step });
    expect((await home()).setup).toMatchObject({ done: 4, total: 4, hidden: true, dismissed: false });
  });
});
