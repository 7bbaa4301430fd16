// The points admin pages as Shopify's admin opens them (real session tokens, the built app): program
// settings with the domain's validation, the members list, a member's ledger and adjustments, parked events.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PgBoss } from "pg-boss";
import { browserFetch, startTreue, TEST_SHOP, type TreueHarness } from "../support/treue-harness";

let t: TreueHarness;

beforeAll(async () => {
  // One retry of a failed job (2 s later), so a run that cannot succeed reaches the dead-letter list quickly.
  t = await startTreue({ appEnv: { WEBHOOK_WORKER: "1", JOB_RETRIES: "1" } });
});
afterAll(async () => {
  await t?.close();
});

function post(path: string, form: Record<string, string>, params: Record<string, string> = {}) {
  const url = new URL(t.adminUrl(path, params));
  const token = url.searchParams.get("id_token")!;
  return browserFetch(url.toString(), {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
  });
}

const memberOf = (customerId: number) => t.db.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop: TEST_SHOP, customerId: String(customerId) } } });

describe("program settings", () => {
  it("shows the default program with its preview, in English and German", async () => {
    const en = await (await browserFetch(t.adminUrl("/app/program"))).text();
    expect(en).toContain("An order of 57.90 GBP earns 57 points.");
    const de = await (await browserFetch(t.adminUrl("/app/program", { locale: "de" }))).text();
    expect(de).toContain("Eine Bestellung über 57.90 GBP bringt 57 Punkte.");
  });

  it("refuses an invalid program with translated messages and writes nothing", async () => {
    const before = await t.db.prisma.loyaltyProgram.findUnique({ where: { shop: TEST_SHOP } });
    const program = { earnRate: { points: 0, perCurrencyUnits: 1 }, campaigns: [{ id: "x", name: "X", startsAt: "2026-12-02T00:00:00Z", endsAt: "2026-12-01T00:00:00Z", kind: "bonus", bonusPoints: 5 }] };
    const res = await post("/app/program", { program: JSON.stringify(program) }, { locale: "de" });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("Punkte muss eine ganze Zahl von 1 bis 1000 sein.");
    expect(html).toContain("Eine Aktion muss nach ihrem Beginn enden.");
    expect(await t.db.prisma.loyaltyProgram.findUnique({ where: { shop: TEST_SHOP } })).toEqual(before);
  });

  it("refuses a form without a program instead of saving the defaults", async () => {
    const before = await t.db.prisma.loyaltyProgram.findUnique({ where: { shop: TEST_SHOP } });
    expect((await post("/app/program", { program: "not json" })).status).toBe(400);
    expect((await post("/app/program", {})).status).toBe(400);
    expect(await t.db.prisma.loyaltyProgram.findUnique({ where: { shop: TEST_SHOP } })).toEqual(before);
  });

  it("saves a valid program that new orders then earn with", async () => {
    const res = await post("/app/program", { program: JSON.stringify({ earnRate: { points: 2, perCurrencyUnits: 1 }, pointsPerOrder: 10 }) });
    expect(res.status).toBe(200);
    const customer = await t.standin.createCustomer({ email: "erin@example.com" });
    await t.standin.createOrder({ customerId: customer.id, lines: [{ sku: "A", quantity: 1, unitPriceMinor: 1000 }] });
    await expect.poll(async () => (await memberOf(customer.id).catch(() => null))?.points, { timeout: 10_000 }).toBe(30);
  });
});

describe("members", () => {
  it("finds members by email, name and id, and pages through them", async () => {
    const anna = await t.standin.createCustomer({ email: "anna.members@example.com", firstName: "Anna", lastName: "Muster" });
    const bob = await t.standin.createCustomer({ email: "bob.members@example.com", firstName: "Bob" });
    await expect.poll(() => t.db.prisma.member.count({ where: { shop: TEST_SHOP, customerId: { in: [String(anna.id), String(bob.id)] } } }), { timeout: 10_000 }).toBe(2);
    for (const q of ["ANNA.members", "Muster", `gid://shopify/Customer/${anna.id}`]) {
      const html = await (await browserFetch(t.adminUrl("/app/members", { q }))).text();
      expect(html).toContain("anna.members@example.com");
      expect(html).not.toContain("bob.members@example.com");
    }
    const page2 = await browserFetch(t.adminUrl("/app/members", { page: "2" }));
    expect(page2.status).toBe(200);
    expect((await browserFetch(t.adminUrl("/app/members", { page: "zero" }))).status).toBe(400);
  });

  it("adjusts a member's points once per form submission and never below zero", async () => {
    const customer = await t.standin.createCustomer({ email: "fritz@example.com" });
    const member = await expect.poll(() => t.db.prisma.member.findFirst({ where: { shop: TEST_SHOP, customerId: String(customer.id) } }), { timeout: 10_000 }).toBeTruthy();
    void member;
    const { id } = await memberOf(customer.id);
    const requestId = randomUUID();
    const first = await post(`/app/members/${id}`, { points: "20", reason: "Goodwill", requestId });
    expect(first.status).toBe(200);
    const again = await post(`/app/members/${id}`, { points: "20", reason: "Goodwill", requestId });
    expect(again.status).toBe(200);
    expect((await memberOf(customer.id)).points).toBe(20);

    const tooMuch = await post(`/app/members/${id}`, { points: "-21", reason: "Mistake", requestId: randomUUID() });
    expect(tooMuch.status).toBe(409);
    expect(await tooMuch.text()).toContain("Not enough points: the spendable balance is 20.");
    expect((await post(`/app/members/${id}`, { points: "5", reason: " ", requestId: randomUUID() })).status).toBe(400);
    expect((await post(`/app/members/${id}`, { points: "-20", reason: "Mistake", requestId: randomUUID() })).status).toBe(200);

    const entries = await t.db.prisma.ledgerEntry.findMany({ where: { shop: TEST_SHOP, memberId: id }, orderBy: { id: "asc" } });
    expect(entries.map((e) => [e.kind, e.points, e.reason])).toEqual([
      ["manual", 20, "Goodwill"],
      ["manual", -20, "Mistake"],
    ]);
    const html = await (await browserFetch(t.adminUrl(`/app/members/${id}`))).text();
    expect(html).toContain("Goodwill");
    expect(html).toContain("Staff adjustment");
  });

  it("names an order in a member's history as the merchant knows it (#1001), not by its id", async () => {
    const order = await t.standin.createOrder({ customer: { email: "olga.orders@example.com" }, lines: [{ sku: "O1", quantity: 1, unitPriceMinor: 4200 }] });
    expect(order.name).toMatch(/^#\d+$/);
    const member = await expect
      .poll(() => t.db.prisma.member.findFirst({ where: { shop: TEST_SHOP, email: "olga.orders@example.com", points: { gt: 0 } } }), { timeout: 15_000 })
      .toBeTruthy();
    void member;
    const { id } = await t.db.prisma.member.findFirstOrThrow({ where: { shop: TEST_SHOP, email: "olga.orders@example.com" } });
    const html = await (await browserFetch(t.adminUrl(`/app/members/${id}`))).text();
    expect(html).toContain(`>${order.name}<`);
    expect(html).not.toContain(`#${order.id}`);
  });
});

describe("parked events", () => {
  it("lists a parked event with its error and queues it again on retry", async () => {
    await t.standin.deliverWebhook("orders/updated", { id: 4242, created_at: "2026-11-20T10:00:00Z", line_items: "none" }, { eventId: "evt-parked" });
    await expect.poll(async () => (await t.db.prisma.webhookEvent.findFirst({ where: { eventId: "evt-parked" } }))?.status, { timeout: 10_000 }).toBe("parked");
    const html = await (await browserFetch(t.adminUrl("/app/events"))).text();
    expect(html).toContain("ORDERS_UPDATED: the payload is not an order the points engine can read");
    const event = await t.db.prisma.webhookEvent.findFirstOrThrow({ where: { eventId: "evt-parked" } });
    const res = await post("/app/events", { id: String(event.id) });
    expect(res.status).toBe(200);
    // Still malformed: applied again, parked again, one attempt counted.
    await expect.poll(async () => (await t.db.prisma.webhookEvent.findFirst({ where: { eventId: "evt-parked" } }))?.attempts, { timeout: 10_000 }).toBe(1);
  });
});

describe("background work that failed", () => {
  it("lists the shop's dead-lettered run with its error, and retries it from there; another shop's cannot be retried", { timeout: 60_000 }, async () => {
    // A CLV forecast run that cannot succeed (no day), queued as the app queues them; and one of another shop.
    const boss = new PgBoss({ connectionString: t.database.url, migrate: false, supervise: false, schedule: false });
    await boss.start();
    let id: string | null;
    let foreign: string | null;
    try {
      id = await boss.send("shop.clv-forecast", { shop: TEST_SHOP, day: "someday" }, { singletonKey: TEST_SHOP });
      foreign = await boss.send("shop.clv-forecast", { shop: "other.myshopify.com", day: "someday" }, { singletonKey: "other.myshopify.com" });
    } finally {
      await boss.stop({ graceful: false });
    }
    const stateOf = async (jobId: string) => (await t.db.sql.query<{ state: string; retry_count: number }>(`SELECT state::text AS state, retry_count FROM pgboss.job WHERE id = $1`, [jobId]))[0];
    await expect.poll(async () => (await stateOf(id!))?.state, { timeout: 30_000, interval: 250 }).toBe("failed");
    await expect.poll(async () => (await stateOf(foreign!))?.state, { timeout: 30_000, interval: 250 }).toBe("failed");

    const html = await (await browserFetch(t.adminUrl("/app/events"))).text();
    expect(html).toContain("Background work that failed");
    expect(html).toContain("Customer lifetime value forecast");
    expect(html).toContain(`CLV forecast job for ${TEST_SHOP} without a day`);
    expect(html).not.toContain("other.myshopify.com");
    const german = await (await browserFetch(t.adminUrl("/app/events", { locale: "de" }))).text();
    expect(german).toContain("Fehlgeschlagene Hintergrundarbeiten");

    expect((await post("/app/events", { intent: "retry-job", id: foreign! })).status).toBe(404);
    expect((await post("/app/events", { intent: "retry-job", id: "not-a-uuid" })).status).toBe(400);
    expect((await post("/app/events", { intent: "retry-job", id: id! })).status).toBe(200);
    // Tried again (and failing again, the same way): its tries went up.
    await expect.poll(async () => (await stateOf(id!))?.retry_count, { timeout: 30_000, interval: 250 }).toBeGreaterThan(1);
    expect((await stateOf(foreign!))?.state).toBe("failed");
  });
});
