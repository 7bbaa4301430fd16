// A segment bonus as an A/B test, end to end: the merchant starts a test of segment bonuses on the A/B tests page,
// gives a segment points with a win-back e-mail on the customers page (real session tokens), and the job engine
// in the app holds a share of the customers out: they get neither the points nor the e-mail. Customers then order
// through signed webhooks, and the A/B tests page reports what each group bought after the bonus. A test of the
// whole program running beside it keeps its held-out customers out of every bonus.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bumpHistoryVersion, upsertHistoryCustomers, upsertHistoryOrders } from "~/history/history-store.server";
import { runSegmentBonuses } from "~/points/segment-bonus.server";
import { experimentReports } from "~/engagement/experiments.server";
import { assignArm, heldOutOfProgram, segmentBonusTestArms } from "~/engagement/domain/experiments";
import { browserFetch, TEST_SHOP } from "../support/treue-harness";
import { startTreueWithMail, type MailHarness } from "../support/mail-harness";

let h: MailHarness;
const LAPSED = 30;
const lapsed: { id: string; email: string }[] = [];
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);

const pageText = async (path: string, params: Record<string, string>) =>
  (await (await browserFetch(h.t.adminUrl(path, params))).text()).replace(/<[^>]+>/g, " ").replace(/&#x27;/g, "'").replace(/\s+/g, " ");
const give = (segment: string, requestId: string) =>
  h.t.adminPost("/app/analytics/customers", { intent: "give-points", segment, points: "300", reason: "Come back", requestId, mail: "on" }, { segment });
const bonusDone = (requestId: string) =>
  expect.poll(async () => (await h.t.db.prisma.segmentBonus.findFirst({ where: { shop: TEST_SHOP, requestId } }))?.status, { timeout: 30_000, interval: 200 }).toBe("done");

beforeAll(async () => {
  h = await startTreueWithMail();
  // Thirty customers who last bought 400 days ago (the lost segment), each agreed to marketing e-mails.
  for (let i = 0; i < LAPSED; i++) {
    const email = `lapsed${i}@example.com`;
    const c = await h.t.standin.createCustomer({ email, firstName: `Lapsed${i}` });
    await h.t.standin.updateCustomer(c.id, { emailMarketing: "subscribed" });
    lapsed.push({ id: String(c.id), email });
  }
  const at = daysAgo(400);
  await upsertHistoryCustomers(h.t.db.prisma, TEST_SHOP, "import", lapsed.map((c) => ({ id: c.id, createdAt: at, updatedAt: at, email: c.email })));
  await upsertHistoryOrders(h.t.db.prisma, TEST_SHOP, "import", lapsed.map((c, i) => ({ id: String(70_000 + i), customerId: c.id, createdAt: at, updatedAt: at, amountMinor: 4_000, currency: "EUR", cancelledAt: null })));
  await bumpHistoryVersion(h.t.db.prisma, TEST_SHOP);
}, 120_000);

afterAll(async () => {
  await h?.close();
});

describe("a segment bonus as an A/B test", () => {
  let testId = "";
  const held: string[] = [];
  const got: string[] = [];

  it("starts on the A/B tests page; the customers page says what share it holds out, in English and German", async () => {
    // The customers' consent arrived through customers/update webhooks.
    await expect
      .poll(() => h.t.db.prisma.member.count({ where: { shop: TEST_SHOP, customerId: { in: lapsed.map((c) => c.id) }, emailMarketing: "subscribed" } }), { timeout: 30_000, interval: 200 })
      .toBe(LAPSED);
    const start = await h.t.adminPost("/app/experiments", { intent: "start", subject: "segment-bonus", name: "Win-back bonus", holdoutPercent: "30", windowDays: "30", variantSubject: "ignored" });
    expect(start.status).toBe(200);
    const test = await h.t.db.prisma.experiment.findFirstOrThrow({ where: { shop: TEST_SHOP, subject: "segment-bonus" } });
    expect(test).toMatchObject({ name: "Win-back bonus", holdoutPercent: 30, windowDays: 30, status: "running", variantSubject: null });
    testId = test.id;
    // A second test of segment bonuses while one runs: refused.
    expect((await h.t.adminPost("/app/experiments", { intent: "start", subject: "segment-bonus", name: "Again", holdoutPercent: "10", windowDays: "30" })).status).toBe(422);
    expect(await pageText("/app/analytics/customers", { segment: "lost" })).toContain("An A/B test of segment bonuses is running (“Win-back bonus”): 30 % of the customers get neither the points nor the e-mail");
    expect(await pageText("/app/analytics/customers", { segment: "lost", locale: "de" })).toContain("Ein A/B-Test der Segment-Boni läuft („Win-back bonus“): 30 % der Kunden bekommen weder die Punkte noch die E-Mail");
  });

  it("gives the points and the win-back e-mail to one group only: the holdout gets neither", async () => {
    expect((await give("lost", "bonus-test-0001")).status).toBe(200);
    await bonusDone("bonus-test-0001");
    const bonus = await h.t.db.prisma.segmentBonus.findFirstOrThrow({ where: { shop: TEST_SHOP, requestId: "bonus-test-0001" } });
    const recipients = await h.t.db.prisma.segmentBonusRecipient.findMany({ where: { bonusId: bonus.id } });
    expect(recipients.map((r) => r.customerId).sort()).toEqual(lapsed.map((c) => c.id).sort());
    // Every recipient's arm is stored, and is the test's deterministic assignment.
    for (const r of recipients) {
      expect(r.experimentId).toBe(testId);
      expect(r.arm).toBe(assignArm(testId, r.customerId, segmentBonusTestArms(30)));
      (r.arm === "holdout" ? held : got).push(r.customerId);
    }
    expect(held.length).toBeGreaterThan(0);
    expect(got.length).toBeGreaterThan(0);
    expect(bonus).toMatchObject({ recipients: LAPSED, awarded: got.length, heldOut: held.length });

    const entries = await h.t.db.prisma.ledgerEntry.findMany({ where: { shop: TEST_SHOP, idempotencyKey: { startsWith: `segment-bonus:${bonus.id}:` } } });
    expect(entries.map((e) => e.customerId).sort()).toEqual([...got].sort());
    const points = await h.t.db.prisma.member.findMany({ where: { shop: TEST_SHOP, customerId: { in: held } } });
    expect(points.map((m) => m.points)).toEqual(held.map(() => 0));

    // The e-mail goes to the bonus group, each of whom agreed; none is queued for the holdout.
    const emailOf = (id: string) => lapsed.find((c) => c.id === id)!.email;
    await expect.poll(() => h.smtp.messages.filter((m) => /^We miss you/.test(m.parsed.subject ?? "")).length, { timeout: 30_000, interval: 200 }).toBe(got.length);
    const sentTo = h.smtp.messages.filter((m) => /^We miss you/.test(m.parsed.subject ?? "")).flatMap((m) => m.envelopeTo);
    expect(sentTo.sort()).toEqual(got.map(emailOf).sort());
    expect(await h.t.db.prisma.memberMail.count({ where: { shop: TEST_SHOP, kind: "win-back", customerId: { in: held } } })).toBe(0);

    // The job again: nothing changes.
    expect(await runSegmentBonuses(h.t.db.prisma, TEST_SHOP)).toBe(0);
    expect(await h.t.db.prisma.ledgerEntry.count({ where: { shop: TEST_SHOP, idempotencyKey: { startsWith: `segment-bonus:${bonus.id}:` } } })).toBe(got.length);
    expect(await pageText("/app/analytics/customers", { segment: "lost" })).toContain(`300 points each to ${got.length} customers in Lost. “Come back” With a win-back e-mail. ${held.length} held out by the A/B test.`);
  }, 60_000);

  it("reports what each group bought after the bonus, on the A/B tests page", async () => {
    // Shopify's created_at has whole seconds: the orders below come after the bonus's second.
    const bonus = await h.t.db.prisma.segmentBonus.findFirstOrThrow({ where: { shop: TEST_SHOP, requestId: "bonus-test-0001" } });
    await new Promise((r) => setTimeout(r, Math.max(0, bonus.createdAt.getTime() + 1_100 - Date.now())));
    const buyers = [...got.slice(0, 3), ...held.slice(0, 1)];
    for (const id of buyers) await h.t.standin.createOrder({ customerId: id, lines: [{ sku: "TEA", quantity: 1, unitPriceMinor: 2_500 }] });
    await expect
      .poll(() => h.t.db.prisma.historyOrder.count({ where: { shop: TEST_SHOP, customerId: { in: buyers.map(BigInt) }, createdAt: { gt: bonus.createdAt } } }), { timeout: 30_000, interval: 200 })
      .toBe(buyers.length);

    const [report] = (await experimentReports(h.t.db.prisma, TEST_SHOP)).filter((r) => r.id === testId);
    const arms = Object.fromEntries(report.arms.map((a) => [a.arm, a]));
    const bought = got.slice(0, 3).length;
    expect(arms.bonus).toMatchObject({ members: got.length, repeaters: bought, revenueMinor: bought * 2_500 });
    expect(arms.holdout).toMatchObject({ members: held.length, repeaters: Math.min(1, held.length), revenueMinor: Math.min(1, held.length) * 2_500 });
    expect(report.comparison).not.toBeNull();
    expect(report.variant).toBeNull();

    const en = await pageText("/app/experiments", {});
    expect(en).toContain("Points for a segment: held-out customers get neither the points nor the e-mail.");
    expect(en).toMatch(/Got the points \d+ /);
    expect(en).toContain("The bonus's effect: bought again");
    const de = await pageText("/app/experiments", { locale: "de" });
    expect(de).toContain("Punkte für ein Segment: Zurückgehaltene Kunden bekommen weder die Punkte noch die E-Mail.");
    expect(de).toContain("Wirkung des Bonus: erneut gekauft");
  }, 60_000);

  it("leaves out of a bonus the new customers a test of the whole program holds out", async () => {
    expect((await h.t.adminPost("/app/experiments", { intent: "start", subject: "program", name: "Program or not", holdoutPercent: "50", windowDays: "30" })).status).toBe(200);
    const program = await h.t.db.prisma.experiment.findFirstOrThrow({ where: { shop: TEST_SHOP, subject: "program" } });
    await new Promise((r) => setTimeout(r, 1_100));
    // Twelve customers whose first order comes after the program test started: the new segment.
    const now = new Date();
    const fresh = Array.from({ length: 12 }, (_, i) => String(8_800_000 + i));
    await upsertHistoryCustomers(h.t.db.prisma, TEST_SHOP, "import", fresh.map((id) => ({ id, createdAt: now, updatedAt: now, email: `fresh${id}@example.com` })));
    await upsertHistoryOrders(h.t.db.prisma, TEST_SHOP, "import", fresh.map((id) => ({ id: `9${id}`, customerId: id, createdAt: now, updatedAt: now, amountMinor: 2_000, currency: "EUR", cancelledAt: null })));
    await bumpHistoryVersion(h.t.db.prisma, TEST_SHOP);
    const outOfProgram = fresh.filter((id) => heldOutOfProgram({ id: program.id, holdoutPercent: 50, startedAt: program.startedAt }, id, now));
    expect(outOfProgram.length).toBeGreaterThan(0);
    expect(outOfProgram.length).toBeLessThan(fresh.length);

    expect((await give("new", "bonus-test-0002")).status).toBe(200);
    await bonusDone("bonus-test-0002");
    const bonus = await h.t.db.prisma.segmentBonus.findFirstOrThrow({ where: { shop: TEST_SHOP, requestId: "bonus-test-0002" } });
    const recipients = (await h.t.db.prisma.segmentBonusRecipient.findMany({ where: { bonusId: bonus.id } })).map((r) => r.customerId);
    expect(recipients.sort()).toEqual(fresh.filter((id) => !outOfProgram.includes(id)).sort());
    expect(await h.t.db.prisma.ledgerEntry.count({ where: { shop: TEST_SHOP, customerId: { in: outOfProgram } } })).toBe(0);
  }, 60_000);
});
