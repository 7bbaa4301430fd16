// A/B tests end to end in the demo shop: the stand-in seeded as `npm run demo` seeds its shop (the Online Retail
// sample in data/, dates ending today, "Treue Demo"), the app installed and the history imported through bulk
// operations on the first admin visit, as the demo does. Then a test of the whole program and a test of the
// points e-mail are started in the admin; customers from the history and new ones order through signed webhooks;
// the mail job sends over SMTP; the page reports both tests. The history's customers are members from before the
// tests: the program test holds none of them out and counts none of them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assignArm, heldOutOfProgram } from "~/engagement/domain/experiments";
import { armsOf, experimentReports } from "~/engagement/experiments.server";
import { queuePointsEarnedMails } from "~/engagement/member-mails.server";
import { loadOnlineRetailSeed } from "../shopify-standin/seed/online-retail";
import { createEmptyState, importSeed } from "../shopify-standin/index";
import { browserFetch, TEST_SHOP, type TreueHarness } from "../support/treue-harness";
import { startTreueWithMail, type MailHarness } from "../support/mail-harness";
import type { SmtpCapture } from "../support/smtp-capture";
import { until as waitUntil } from "../support/until";

let m: MailHarness;
let t: TreueHarness;
let smtp: SmtpCapture;
let historyCustomers = 0;

beforeAll(async () => {
  // The shop seeded before the app is installed, as the demo does: the app learns its name and currency then.
  const { seed, report } = await loadOnlineRetailSeed({ shopName: "Treue Demo" });
  const state = createEmptyState();
  importSeed(state, TEST_SHOP, seed);
  historyCustomers = report.customers;
  m = await startTreueWithMail({ state });
  ({ t, smtp } = m);
}, 120_000);
afterAll(async () => {
  await m?.close();
});

const until = (what: string, check: () => Promise<boolean>, timeoutMs = 30_000) => waitUntil(what, check, { timeoutMs, intervalMs: 200 });
const pageText = async () => (await (await browserFetch(t.adminUrl("/app/experiments"))).text()).replace(/<[^>]+>/g, " ").replace(/&#x27;/g, "'").replace(/\s+/g, " ");

describe("A/B tests in the demo shop", () => {
  it("starts from the demo's history: imported on the first admin visit, its buyers members", async () => {
    expect((await browserFetch(t.adminUrl("/app"))).status).toBe(200);
    await until("the history import completed", async () => (await t.db.prisma.historyImport.findFirst({ where: { shop: TEST_SHOP }, orderBy: { id: "desc" } }))?.status === "completed", 120_000);
    const members = await t.db.prisma.member.count({ where: { shop: TEST_SHOP } });
    expect(members).toBeGreaterThan(historyCustomers * 0.9);
    expect(members).toBeLessThanOrEqual(historyCustomers);
  }, 150_000);

  it("runs a test of the whole program and one of the points e-mail side by side, and reports both", async () => {
    expect((await t.adminPost("/app/experiments", { intent: "start", subject: "program", name: "Loyalty or not", holdoutPercent: "30", windowDays: "30" })).status).toBe(200);
    expect((await t.adminPost("/app/experiments", { intent: "start", subject: "points-earned-mail", name: "Points e-mail or not", holdoutPercent: "50", windowDays: "30" })).status).toBe(200);
    const program = await t.db.prisma.experiment.findFirstOrThrow({ where: { shop: TEST_SHOP, subject: "program" } });
    const mail = await t.db.prisma.experiment.findFirstOrThrow({ where: { shop: TEST_SHOP, subject: "points-earned-mail" } });
    // Shopify's created_at has whole seconds: the new customers below come after the tests' first second.
    await new Promise((r) => setTimeout(r, Math.max(0, program.startedAt.getTime() + 1_100 - Date.now())));

    // Twelve of the history's customers come back; new customers order for the first time.
    const shop = t.standin.state.shops[TEST_SHOP];
    const returning = shop.customers.slice(0, 12).map((c) => c.id);
    const test = { id: program.id, holdoutPercent: 30, startedAt: program.startedAt };
    // At least twelve newcomers, and at least two on each side of the program test.
    const fresh: number[] = [];
    const heldOut: number[] = [];
    for (let i = 0; fresh.length < 12 || heldOut.length < 2 || fresh.length - heldOut.length < 2; i++) {
      if (i >= 60) throw new Error(`60 newcomers and the program test still lacks a side: ${heldOut.length} held out`);
      const id = (await t.standin.createCustomer({ email: `demo-new-${i}@example.com`, firstName: `New${i}` })).id;
      fresh.push(id);
      if (heldOutOfProgram(test, String(id), new Date())) heldOut.push(id);
    }
    for (const id of [...returning, ...fresh]) await t.standin.createOrder({ customerId: id, lines: [{ sku: "TEA", quantity: 1, unitPriceMinor: 3_000 }] });
    await until("every order was seen by the points engine", async () => (await t.db.prisma.orderPoints.count({ where: { shop: TEST_SHOP, customerId: { in: [...returning, ...fresh].map(String) } } })) === returning.length + fresh.length);

    const inProgram = [...returning, ...fresh.filter((id) => !heldOut.includes(id))];
    const earned = async (id: number) => (await t.db.prisma.ledgerEntry.count({ where: { shop: TEST_SHOP, customerId: String(id), kind: "earn" } })) > 0;
    await until("the members in the program earned", async () => (await Promise.all(inProgram.map(earned))).every(Boolean));
    for (const id of heldOut) expect(await earned(id)).toBe(false);

    await queuePointsEarnedMails(t.db.prisma, new Date());
    const outcome = await m.send();
    // Each member who earned got the mail unless the mail test held them out.
    const mailArm = new Map(inProgram.map((id) => [id, assignArm(mail.id, String(id), armsOf(50))]));
    const mailed = inProgram.filter((id) => mailArm.get(id) === "mail");
    expect(outcome).toEqual({ sent: mailed.length, suppressed: inProgram.length - mailed.length, failed: 0 });
    expect(smtp.messages.every((mail) => /at Treue Demo$/.test(mail.parsed.subject ?? ""))).toBe(true);

    // A second order from two held-out newcomers and one of the others: the program test counts only newcomers.
    const kept = fresh.filter((id) => !heldOut.includes(id));
    const back = [...heldOut.slice(0, 2), ...kept.slice(0, 1)];
    for (const id of back) await t.standin.createOrder({ customerId: id, lines: [{ sku: "POT", quantity: 1, unitPriceMinor: 2_000 }] });
    await until("the second orders are in the history", async () => (await t.db.prisma.historyOrder.count({ where: { shop: TEST_SHOP, customerId: { in: back.map(BigInt) } } })) === back.length * 2);

    const reports = await experimentReports(t.db.prisma, TEST_SHOP);
    const programReport = reports.find((r) => r.subject === "program")!;
    const arms = Object.fromEntries(programReport.arms.map((a) => [a.arm, a]));
    expect(arms.holdout.members + arms.program.members).toBe(fresh.length);
    expect(arms.holdout).toMatchObject({ members: heldOut.length, repeaters: 2, revenueMinor: 4_000 });
    expect(arms.program).toMatchObject({ members: kept.length, repeaters: 1, revenueMinor: 2_000 });
    const mailReport = reports.find((r) => r.subject === "points-earned-mail")!;
    expect(mailReport.arms.reduce((n, a) => n + a.members, 0)).toBe(inProgram.length);

    const text = await pageText();
    expect(text).toContain("Loyalty or not");
    expect(text).toContain("The whole program: new customers held out see no program.");
    expect(text).toContain("Points e-mail or not");
    expect(text).toContain("E-mail: Points earned.");
    expect(text).toMatch(/Not yet significant|Not enough members|No difference|brings in more|does worse|spent more/);
  }, 120_000);
});
