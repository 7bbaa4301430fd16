// An A/B test of the points e-mail end to end: started in the admin (real session token), members put into groups
// by the deterministic assignment as their mails are sent (the holdout's not sent, over real SMTP for the rest),
// their later orders arriving as signed webhooks, and the page reporting each group and the difference.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assignArm } from "~/engagement/domain/experiments";
import { armOutcomes, armsOf } from "~/engagement/experiments.server";
import { queueBirthdayMails, queuePointsEarnedMails, sendQueuedMails } from "~/engagement/member-mails.server";
import { saveLoyaltyProgram } from "~/points/loyalty-program.server";
import { grantBirthdayBonuses } from "~/points/points-jobs.server";
import { smtpTransport } from "~/engagement/mail-transport.server";
import { NO_QUIET_HOURS } from "~/engagement/domain/mail-timing";
import { browserFetch, startTreue, TEST_API_SECRET, TEST_SHOP, type TreueHarness } from "../support/treue-harness";
import { startSmtpCapture, type SmtpCapture } from "../support/smtp-capture";

let t: TreueHarness;
let smtp: SmtpCapture;
const BUYERS = 40;

beforeAll(async () => {
  smtp = await startSmtpCapture();
  t = await startTreue({ appEnv: { WEBHOOK_WORKER: "1", SMTP_URL: smtp.url } });
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

const adminPost = (form: Record<string, string>, params: Record<string, string> = {}) => t.adminPost("/app/experiments", form, params);
const pageText = async (locale = "en") => (await (await browserFetch(t.adminUrl("/app/experiments", { locale }))).text()).replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");

async function waitUntil(what: string, check: () => Promise<boolean>) {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within 30 s: ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

describe("an A/B test of the points e-mail", () => {
  it("is started in the admin, one at a time, with its settings checked", async () => {
    const refused = await adminPost({ intent: "start", subject: "points-earned-mail", name: "", holdoutPercent: "80", windowDays: "30" }, { locale: "de" });
    expect(refused.status).toBe(422);
    const html = await refused.text();
    expect(html).toContain("Geben Sie dem Test einen Namen");
    expect(html).toContain("Halten Sie eine ganze Zahl von 1 bis 50 % zurück.");
    const unknown = await adminPost({ intent: "start", subject: "newsletter-mail", name: "Newsletter", holdoutPercent: "10", windowDays: "30" }, { locale: "de" });
    expect(unknown.status).toBe(422);
    expect(await unknown.text()).toContain("Wählen Sie das Programm, die Segment-Boni oder eine der E-Mails.");
    expect((await adminPost({ intent: "start", subject: "points-earned-mail", name: "Mail or not", holdoutPercent: "50", windowDays: "30" })).status).toBe(200);
    expect((await adminPost({ intent: "start", subject: "points-earned-mail", name: "Again", holdoutPercent: "10", windowDays: "30" })).status).toBe(422);
    expect(await t.db.prisma.experiment.count()).toBe(1);
  });

  it("holds the holdout's mail back, sends the others', and reports what each group bought since", async () => {
    const experiment = await t.db.prisma.experiment.findFirstOrThrow({ where: { shop: TEST_SHOP } });
    const customers: number[] = [];
    for (let i = 0; i < BUYERS; i++) {
      const c = await t.standin.createCustomer({ email: `ab${i}@example.com` });
      customers.push(c.id);
      await t.standin.createOrder({ customerId: c.id, lines: [{ sku: "TEA", quantity: 1, unitPriceMinor: 2_000 }] });
    }
    await waitUntil("every first order earned points", async () => (await t.db.prisma.ledgerEntry.count({ where: { shop: TEST_SHOP, kind: "earn" } })) === BUYERS);
    await queuePointsEarnedMails(t.db.prisma, new Date());
    const settings = { appUrl: t.app.url, secret: TEST_API_SECRET, from: "loyalty@treue.test", quietHours: NO_QUIET_HOURS };
    const sent = await sendQueuedMails(t.db.prisma, TEST_SHOP, smtpTransport(smtp.url), new Date(), settings);

    const arms = armsOf(50);
    const armOf = new Map(customers.map((id) => [id, assignArm(experiment.id, String(id), arms)]));
    const mailed = customers.filter((id) => armOf.get(id) === "mail");
    const held = customers.filter((id) => armOf.get(id) === "holdout");
    expect(mailed.length).toBeGreaterThan(5);
    expect(held.length).toBeGreaterThan(5);
    expect(sent).toEqual({ sent: mailed.length, suppressed: held.length, failed: 0 });
    expect(smtp.messages.map((m) => m.envelopeTo[0]).sort()).toEqual(mailed.map((id) => `ab${customers.indexOf(id)}@example.com`).sort());
    const rows = await t.db.prisma.memberMail.findMany({ where: { shop: TEST_SHOP } });
    for (const row of rows) expect([row.experimentId, row.arm]).toEqual([experiment.id, armOf.get(Number(row.customerId))]);
    expect(rows.filter((r) => r.reason === "holdout")).toHaveLength(held.length);

    // Later orders: two in three of the mailed members buy again (30.00), one in three of the held-out ones (20.00).
    const again = [...mailed.filter((_, i) => i % 3 !== 0).map((id) => [id, 3_000] as const), ...held.filter((_, i) => i % 3 === 0).map((id) => [id, 2_000] as const)];
    for (const [id, minor] of again) await t.standin.createOrder({ customerId: id, lines: [{ sku: "TEA", quantity: 1, unitPriceMinor: minor }] });
    await waitUntil("the later orders are in the history", async () => (await t.db.prisma.historyOrder.count({ where: { shop: TEST_SHOP } })) === BUYERS + again.length);

    const outcomes = await armOutcomes(t.db.prisma, TEST_SHOP, experiment.id, 30);
    const repeatMailed = mailed.filter((_, i) => i % 3 !== 0).length;
    const repeatHeld = held.filter((_, i) => i % 3 === 0).length;
    expect(outcomes.get("mail")).toEqual({ members: mailed.length, repeaters: repeatMailed, revenueMinor: repeatMailed * 3_000, revenueSquaresMinor: repeatMailed * 3_000 ** 2 });
    expect(outcomes.get("holdout")).toEqual({ members: held.length, repeaters: repeatHeld, revenueMinor: repeatHeld * 2_000, revenueSquaresMinor: repeatHeld * 2_000 ** 2 });

    const en = await pageText();
    expect(en).toContain(`Got the e-mail ${mailed.length} `);
    expect(en).toContain(`Held out ${held.length} `);
    expect(en).toMatch(/The e-mail(?:'|&#x27;)s effect: bought again [+−][\d.]+ points \(95 % interval/);
    expect(en).toMatch(/The e-mail brings in more|Not yet significant: about [\d,]+ more members are needed|No difference/);
    expect(await pageText("de")).toContain(`Mit E-Mail ${mailed.length} `);
  });

  it("is stopped in the admin; a stopped test assigns no one", async () => {
    const experiment = await t.db.prisma.experiment.findFirstOrThrow({ where: { shop: TEST_SHOP } });
    expect((await adminPost({ intent: "stop", id: experiment.id })).status).toBe(200);
    expect((await adminPost({ intent: "stop", id: experiment.id })).status).toBe(404);
    const c = await t.memberWithPoints(12, "after-test@example.com");
    await queuePointsEarnedMails(t.db.prisma, new Date());
    await sendQueuedMails(t.db.prisma, TEST_SHOP, smtpTransport(smtp.url), new Date(), { appUrl: t.app.url, secret: TEST_API_SECRET, from: "loyalty@treue.test", quietHours: NO_QUIET_HOURS });
    expect(await t.db.prisma.memberMail.findFirst({ where: { shop: TEST_SHOP, customerId: String(c.id) } })).toMatchObject({ status: "sent", experimentId: null, arm: null });
    expect(await pageText()).toContain("Stopped");
  });

  it("tests another kind of e-mail beside it: a birthday mail goes to its member's group in that test", async () => {
    expect((await saveLoyaltyProgram(t.db.prisma, TEST_SHOP, { birthdayBonus: 150 })).ok).toBe(true);
    expect((await adminPost({ intent: "start", subject: "birthday-mail", name: "Birthday mail", holdoutPercent: "50", windowDays: "30" })).status).toBe(200);
    const test = await t.db.prisma.experiment.findFirstOrThrow({ where: { shop: TEST_SHOP, subject: "birthday-mail", status: "running" } });
    expect(await pageText()).toContain("E-mail: Birthday bonus.");
    // Members whose birthday is today (on the shop's calendar), until both groups have one.
    const shop = await t.db.prisma.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } });
    const parts = new Intl.DateTimeFormat("en-GB", { month: "2-digit", day: "2-digit", timeZone: shop.timezone ?? "UTC" }).formatToParts(new Date());
    const birthday = `${parts.find((p) => p.type === "month")!.value}-${parts.find((p) => p.type === "day")!.value}`;
    const members: number[] = [];
    for (let i = 0; i < 6; i++) {
      const c = await t.memberWithPoints(10, `birthday-ab${i}@example.com`);
      members.push(c.id);
      await t.db.prisma.member.update({ where: { shop_customerId: { shop: TEST_SHOP, customerId: String(c.id) } }, data: { birthday } });
    }
    await grantBirthdayBonuses(t.db.prisma, new Date());
    await queueBirthdayMails(t.db.prisma, new Date());
    await sendQueuedMails(t.db.prisma, TEST_SHOP, smtpTransport(smtp.url), new Date(), { appUrl: t.app.url, secret: TEST_API_SECRET, from: "loyalty@treue.test", quietHours: NO_QUIET_HOURS });
    const mails = await t.db.prisma.memberMail.findMany({ where: { shop: TEST_SHOP, kind: "birthday" } });
    expect(mails).toHaveLength(members.length);
    const arms = armsOf(50);
    for (const m of mails) {
      const arm = assignArm(test.id, m.customerId, arms);
      expect([m.experimentId, m.arm, m.status]).toEqual([test.id, arm, arm === "holdout" ? "suppressed" : "sent"]);
    }
  });

  it("tests two versions of an e-mail against each other and the holdout", async () => {
    const running = await t.db.prisma.experiment.findFirstOrThrow({ where: { shop: TEST_SHOP, subject: "birthday-mail", status: "running" } });
    expect((await adminPost({ intent: "stop", id: running.id })).status).toBe(200);
    const refused = await adminPost({ intent: "start", subject: "birthday-mail", name: "Two birthday mails", holdoutPercent: "20", windowDays: "30", variantSubject: "Alles Gute, {vorname}" });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("only the placeholders of the e-mails page");
    const started = await adminPost({ intent: "start", subject: "birthday-mail", name: "Two birthday mails", holdoutPercent: "20", windowDays: "30", variantSubject: "A gift for you, {first_name}: {points} points", variantIntro: "Our treat." });
    expect(started.status).toBe(200);
    const test = await t.db.prisma.experiment.findFirstOrThrow({ where: { shop: TEST_SHOP, subject: "birthday-mail", status: "running" } });
    const arms = armsOf(20, true);
    const shop = await t.db.prisma.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } });
    const parts = new Intl.DateTimeFormat("en-GB", { month: "2-digit", day: "2-digit", timeZone: shop.timezone ?? "UTC" }).formatToParts(new Date());
    const birthday = `${parts.find((p) => p.type === "month")!.value}-${parts.find((p) => p.type === "day")!.value}`;
    // Members with a birthday today until each of the three groups has one.
    const armOf = new Map<number, string>();
    for (let i = 0; new Set(armOf.values()).size < 3; i++) {
      if (i >= 30) throw new Error(`30 members and still not one in each group: ${[...new Set(armOf.values())]}`);
      const c = await t.memberWithPoints(10, `variant-ab${i}@example.com`);
      await t.db.prisma.member.update({ where: { shop_customerId: { shop: TEST_SHOP, customerId: String(c.id) } }, data: { birthday, firstName: "Ida" } });
      armOf.set(c.id, assignArm(test.id, String(c.id), arms));
    }
    await grantBirthdayBonuses(t.db.prisma, new Date());
    await queueBirthdayMails(t.db.prisma, new Date());
    await sendQueuedMails(t.db.prisma, TEST_SHOP, smtpTransport(smtp.url), new Date(), { appUrl: t.app.url, secret: TEST_API_SECRET, from: "loyalty@treue.test", quietHours: NO_QUIET_HOURS });
    for (const [id, arm] of armOf) {
      const [mail] = smtp.messages.filter((m) => m.envelopeTo.includes(`variant-ab${[...armOf.keys()].indexOf(id)}@example.com`));
      if (arm === "holdout") expect(mail).toBeUndefined();
      else if (arm === "variant") {
        expect(mail.parsed.subject).toBe("A gift for you, Ida: 150 points");
        expect(mail.parsed.text).toContain("Our treat.");
      } else expect(mail.parsed.subject).toBe("Happy birthday: 150 points from Treue Test");
      expect(await t.db.prisma.memberMail.findFirst({ where: { shop: TEST_SHOP, customerId: String(id), kind: "birthday" } })).toMatchObject({ experimentId: test.id, arm });
    }
    const text = await pageText();
    expect(text).toContain("Got the second version");
    expect(text).toContain("Second version: “A gift for you, {first_name}: {points} points” — Our treat.");
  });
});
