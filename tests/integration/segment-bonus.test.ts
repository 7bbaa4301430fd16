// "Give points to this segment" end to end: the customers page's form (real session token), the job engine's run
// in the app, the ledger and balances; a double submit and a run repeated after its end change nothing, and
// customers who were not members yet join.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bumpHistoryVersion, upsertHistoryCustomers, upsertHistoryOrders, type HistoryCustomerRow, type HistoryOrderRow } from "~/history/history-store.server";
import { runSegmentBonuses } from "~/points/segment-bonus.server";
import { browserFetch, startTreue, TEST_SHOP, type TreueHarness } from "../support/treue-harness";

let t: TreueHarness;
const CUSTOMERS = 12;
const NOW = new Date();
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);
const lost: string[] = [];
const fresh: string[] = [];

const customersPost = (form: Record<string, string>, params: Record<string, string> = {}) => t.adminPost("/app/analytics/customers", form, { segment: "lost", ...params });
const give = (requestId: string, points = "250", reason = "We miss you") => customersPost({ intent: "give-points", segment: "lost", points, reason, requestId });
const bonusEntries = () => t.db.prisma.ledgerEntry.findMany({ where: { shop: TEST_SHOP, idempotencyKey: { startsWith: "segment-bonus:" } } });
const pointsOf = async (ids: string[]) =>
  (await t.db.prisma.member.findMany({ where: { shop: TEST_SHOP, customerId: { in: ids } }, orderBy: { customerId: "asc" } })).map((m) => m.points);

beforeAll(async () => {
  t = await startTreue({ appEnv: { WEBHOOK_WORKER: "1" } });
  const orders: HistoryOrderRow[] = [];
  const customers: HistoryCustomerRow[] = [];
  for (let i = 0; i < CUSTOMERS; i++) {
    const c = await t.standin.createCustomer({ email: `bonus${i}@example.com` }, { webhooks: "none" });
    // Every other customer last bought 400 days ago (lost), the rest 10 days ago (new).
    (i % 2 ? lost : fresh).push(String(c.id));
    const at = daysAgo(i % 2 ? 400 : 10);
    customers.push({ id: String(c.id), createdAt: at, updatedAt: at, email: `bonus${i}@example.com` });
    orders.push({ id: String(9000 + i), customerId: String(c.id), createdAt: at, updatedAt: at, amountMinor: 3000, currency: "EUR", cancelledAt: null });
  }
  await upsertHistoryCustomers(t.db.prisma, TEST_SHOP, "import", customers);
  await upsertHistoryOrders(t.db.prisma, TEST_SHOP, "import", orders);
  await bumpHistoryVersion(t.db.prisma, TEST_SHOP);
});

afterAll(async () => {
  await t?.close();
});

describe("giving points to a segment", () => {
  it("refuses a bonus without points or reason, in the admin's language, and writes nothing", async () => {
    const res = await customersPost({ intent: "give-points", segment: "lost", points: "0", reason: " ", requestId: "req-refused-1" }, { locale: "de" });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("Die Punkte müssen eine ganze Zahl von 1 bis 100.000 sein.");
    expect(html).toContain("Nennen Sie einen Grund");
    expect(await t.db.prisma.segmentBonus.count()).toBe(0);
  });

  it("gives every customer of the segment the points once, members or not, however often the form is sent", async () => {
    expect(await pointsOf(lost)).toEqual([]); // nobody is a member yet
    const [first, again] = await Promise.all([give("req-lost-0001"), give("req-lost-0001")]);
    expect([first.status, again.status]).toEqual([200, 200]);
    await expect.poll(async () => (await t.db.prisma.segmentBonus.findFirst({ where: { shop: TEST_SHOP } }))?.status, { timeout: 30_000, interval: 200 }).toBe("done");
    const bonus = await t.db.prisma.segmentBonus.findFirstOrThrow({ where: { shop: TEST_SHOP } });
    expect(bonus).toMatchObject({ segment: "lost", points: 250, reason: "We miss you", recipients: lost.length, awarded: lost.length });
    expect(await t.db.prisma.segmentBonus.count()).toBe(1);
    expect(await pointsOf(lost)).toEqual(lost.map(() => 250));
    expect(await pointsOf(fresh)).toEqual([]);
    const members = await t.db.prisma.member.findMany({ where: { shop: TEST_SHOP, customerId: { in: lost } } });
    expect(members.every((m) => /^bonus\d+@example\.com$/.test(m.email ?? ""))).toBe(true);
    const entries = await bonusEntries();
    expect(entries.map((e) => [e.kind, e.points, e.reason])).toEqual(lost.map(() => ["manual", 250, "We miss you"]));

    // The job again (a retry after its end, or another instance): nothing more.
    expect(await runSegmentBonuses(t.db.prisma, TEST_SHOP)).toBe(0);
    await t.db.prisma.segmentBonus.update({ where: { id: bonus.id }, data: { status: "running" } });
    expect(await runSegmentBonuses(t.db.prisma, TEST_SHOP)).toBe(0);
    expect(await bonusEntries()).toHaveLength(lost.length);
    expect(await pointsOf(lost)).toEqual(lost.map(() => 250));
  });

  it("shows the bonus and its result on the page, in English and German", async () => {
    const text = async (locale: string) => (await (await browserFetch(t.adminUrl("/app/analytics/customers", { segment: "lost", locale }))).text()).replace(/<[^>]+>/g, " ");
    expect(await text("en")).toMatch(new RegExp(`250 points each to ${lost.length} customers in Lost`));
    expect(await text("de")).toMatch(new RegExp(`je 250 Punkte an ${lost.length} Kunden in Verloren`));
  });

  it("a second bonus (a new form) adds to the first", async () => {
    expect((await give("req-lost-0002", "50", "Second chance")).status).toBe(200);
    await expect.poll(() => t.db.prisma.segmentBonus.count({ where: { shop: TEST_SHOP, status: "done" } }), { timeout: 30_000, interval: 200 }).toBe(2);
    expect(await pointsOf(lost)).toEqual(lost.map(() => 300));
  });
});
