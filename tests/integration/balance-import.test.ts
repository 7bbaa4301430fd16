// Moving balances from another loyalty app through the admin, as Shopify's admin sends the requests (session
// tokens, the built app, multipart uploads): the check shows the columns and every problem line and writes
// nothing; a file with problems is refused whole; a clean file sets each member's imported balance and tier;
// the same file again changes nothing, and a corrected one only what it corrects.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveLoyaltyProgram } from "~/points/loyalty-program.server";
import { browserFetch, startTreue, TEST_SHOP, waitForMembers, type TreueHarness } from "../support/treue-harness";

let t: TreueHarness;

beforeAll(async () => {
  t = await startTreue({ appEnv: { WEBHOOK_WORKER: "1" } });
  const saved = await saveLoyaltyProgram(t.db.prisma, TEST_SHOP, {
    vip: { windowDays: 365, tiers: [{ id: "silver", name: "Silber", thresholdMinor: 50_000, multiplierPercent: 125 }, { id: "gold", name: "Gold", thresholdMinor: 200_000, multiplierPercent: 150 }] },
  });
  expect(saved.ok).toBe(true);
  for (const [email, firstName] of [["ada@example.com", "Ada"], ["bo@example.com", "Bo"], ["cy@example.com", "Cy"]]) await t.standin.createCustomer({ email, firstName });
  await waitForMembers(t, 3);
});
afterAll(async () => {
  await t?.close();
});

function upload(csv: string, fields: Record<string, string>, params: Record<string, string> = {}) {
  // As the page's fetcher sends it: a Remix data request, answered with the action's JSON.
  const url = new URL(t.adminUrl("/app/members/import", { ...params, _data: "routes/app.members.import" }));
  const token = url.searchParams.get("id_token")!;
  const body = new FormData();
  body.set("file", new Blob([csv], { type: "text/csv" }), "loyaltylion-export.csv");
  for (const [k, v] of Object.entries(fields)) body.set(k, v);
  return browserFetch(url.toString(), { method: "POST", headers: { Authorization: `Bearer ${token}` }, body });
}
const balances = async () =>
  Object.fromEntries((await t.db.prisma.member.findMany({ where: { shop: TEST_SHOP }, orderBy: { email: "asc" } })).map((m) => [m.email, { points: m.points, tierId: m.tierId }]));
const entries = () => t.db.prisma.ledgerEntry.count({ where: { shop: TEST_SHOP } });

const LION = [
  "Customer ID,Email,Lifetime points,Approved points,Tier",
  "1,ADA@example.com,900,400,Gold",
  "2,bo@example.com,50,50,",
  "3,nobody@example.com,10,10,",
  '4,cy@example.com,"1,200","1,200",Platin',
].join("\n");

describe("importing balances from another loyalty app", () => {
  it("checks a file without writing: the columns it read, what would change, every line that can't be imported", async () => {
    const before = await entries();
    const res = await upload(LION, { intent: "preview" });
    expect(res.status).toBe(200);
    const { plan } = (await res.json()) as { plan: Record<string, unknown> };
    expect(plan).toMatchObject({ ok: true, mapping: { email: 1, points: 3, tier: 4 }, lines: 4, changeCount: 2, points: 450, tiers: 1, problemCount: 2 });
    expect(plan.problems).toEqual([
      { line: 4, code: "unknownCustomer", value: "nobody@example.com" },
      { line: 5, code: "badPoints", value: "1,200" },
    ]);
    expect(await entries()).toBe(before);
  });

  it("refuses a file with problems whole (422), and names them in the merchant's language", async () => {
    const before = await balances();
    const res = await upload(LION, { intent: "apply" }, { locale: "de" });
    expect(res.status).toBe(422);
    expect(await balances()).toEqual(before);
    const page = await upload(LION.replace(/\n3,nobody.*\n/, "\n"), { intent: "preview", tier: "none" }, { locale: "de" });
    expect(((await page.json()) as { plan: { problems: unknown[] } }).plan.problems).toEqual([{ line: 4, code: "badPoints", value: "1,200" }]);
  });

  it("sets each member's imported balance and tier from a clean file; the same file again changes nothing; a corrected one only what it corrects", async () => {
    const clean = ["Email,Approved points,Tier", "ada@example.com,400,Gold", "bo@example.com,50,", "cy@example.com,1200,silber"].join("\n");
    const first = await upload(clean, { intent: "apply" });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ kind: "applied", changed: 3, points: 1650, tiers: 2, unchanged: 0 });
    expect(await balances()).toEqual({ "ada@example.com": { points: 400, tierId: "gold" }, "bo@example.com": { points: 50, tierId: null }, "cy@example.com": { points: 1200, tierId: "silver" } });
    const entry = await t.db.prisma.ledgerEntry.findFirstOrThrow({ where: { shop: TEST_SHOP, customerId: (await t.db.prisma.member.findFirstOrThrow({ where: { shop: TEST_SHOP, email: "ada@example.com" } })).customerId } });
    expect(entry).toMatchObject({ kind: "manual", points: 400, reason: "Balance imported from loyaltylion-export.csv" });

    const count = await entries();
    const again = await upload(clean, { intent: "apply" });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ kind: "applied", changed: 0, points: 0, unchanged: 3 });
    expect(await entries()).toBe(count);

    const corrected = clean.replace("ada@example.com,400", "ada@example.com,300").replace("bo@example.com,50", "bo@example.com,80");
    expect(await (await upload(corrected, { intent: "apply" })).json()).toMatchObject({ changed: 2, points: -70, unchanged: 1 });
    expect(await balances()).toMatchObject({ "ada@example.com": { points: 300 }, "bo@example.com": { points: 80 }, "cy@example.com": { points: 1200 } });
    expect(await entries()).toBe(count + 2);
  });

  it("answers a request without a file with a 400, and shows the page in German", async () => {
    const url = new URL(t.adminUrl("/app/members/import"));
    const body = new FormData();
    body.set("intent", "preview");
    const res = await browserFetch(url.toString(), { method: "POST", headers: { Authorization: `Bearer ${url.searchParams.get("id_token")}` }, body });
    expect(res.status).toBe(400);
    const page = await (await browserFetch(t.adminUrl("/app/members/import", { locale: "de" }))).text();
    expect(page).toContain("Punktestände importieren");
  });
});
