// Tier news end to end: a paid order through signed webhooks lifts a buyer into a VIP tier; the database records
// the change whatever code made it, and the member gets one "tier reached" e-mail over real SMTP and Flow one
// "VIP tier changed" trigger (checked by the stand-in against the real Admin schema and the extension's fields).
// The tier review's renewal and downgrade become "kept" and "lost" mails; a balance import's tiers are no news,
// and a tier set by Flow's own action mails the member but does not fire the trigger (no workflow loops).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queueTierMails, sendQueuedMails, type MailSettings } from "~/engagement/member-mails.server";
import { fireQueuedTriggers, queueTierChangedTriggers } from "~/engagement/flow-triggers.server";
import { smtpTransport } from "~/engagement/mail-transport.server";
import { NO_QUIET_HOURS } from "~/engagement/domain/mail-timing";
import { saveLoyaltyProgram } from "~/points/loyalty-program.server";
import { reviewTiers } from "~/points/points-jobs.server";
import { applyBalanceImport } from "~/members/balance-import.server";
import type { AdminGraphql } from "~/shopify/admin-graphql.server";
import { startTreue, TEST_API_SECRET, TEST_SHOP, type TreueHarness } from "../support/treue-harness";
import { standinAdminGraphql } from "../support/standin-admin";
import { startSmtpCapture, type SmtpCapture } from "../support/smtp-capture";
import { until as waitUntil } from "../support/until";

let t: TreueHarness;
let smtp: SmtpCapture;
let settings: MailSettings;
const adminFor = async (shop: string): Promise<AdminGraphql> => standinAdminGraphql(t.standin, shop);
const DAY = 86_400_000;

beforeAll(async () => {
  smtp = await startSmtpCapture();
  t = await startTreue({ appEnv: { WEBHOOK_WORKER: "1", SMTP_URL: smtp.url, MAIL_QUIET_HOURS: "off" } });
  settings = { appUrl: t.app.url, secret: TEST_API_SECRET, from: "loyalty@treue.test", quietHours: NO_QUIET_HOURS };
  const saved = await saveLoyaltyProgram(t.db.prisma, TEST_SHOP, {
    vip: { windowDays: 365, tiers: [{ id: "silver", name: "Silber", thresholdMinor: 50_000, multiplierPercent: 125 }, { id: "gold", name: "Gold", thresholdMinor: 200_000, multiplierPercent: 150 }] },
  });
  expect(saved.ok).toBe(true);
});

afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

const send = (now = new Date()) => sendQueuedMails(t.db.prisma, TEST_SHOP, smtpTransport(smtp.url), now, settings);
const member = (customerId: number) => t.db.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop: TEST_SHOP, customerId: String(customerId) } } });
const mailsTo = (address: string) => smtp.messages.filter((m) => m.envelopeTo.includes(address));
const tierTriggers = () => (t.standin.state.shops[TEST_SHOP].flowTriggers ?? []).filter((x) => x.handle === "treue-tier-changed").map((x) => x.payload);

const until = (what: string, check: () => Promise<boolean>) => waitUntil(what, check, { timeoutMs: 20_000 });

describe("a tier reached through an order", () => {
  let buyer: number;

  it("sends the member one e-mail naming the tier and fires Flow's trigger once", async () => {
    const customer = await t.standin.createCustomer({ email: "tier-ida@example.com", firstName: "Ida" });
    buyer = customer.id;
    await t.standin.createOrder({ customerId: buyer, customerLocale: "de-DE", lines: [{ sku: "TEA", quantity: 1, unitPriceMinor: 60_000 }] });
    await until("the order lifts the buyer to Silber", async () => (await t.db.prisma.member.findFirst({ where: { shop: TEST_SHOP, customerId: String(buyer), tierId: "silver" } })) !== null);

    expect(await queueTierMails(t.db.prisma, new Date())).toEqual([TEST_SHOP]);
    expect(await queueTierMails(t.db.prisma, new Date())).toEqual([]); // once per change
    expect(await send()).toEqual({ sent: 1, suppressed: 0, failed: 0 });
    const [mail] = mailsTo("tier-ida@example.com");
    expect(mail.parsed.subject).toBe("Willkommen im Status Silber bei Treue Test");
    const text = mail.parsed.text!.replace(/\s+/g, " ");
    expect(text).toContain("mit Ihren Bestellungen der letzten 365 Tage haben Sie den Status Silber erreicht.");
    expect(text).toContain("das 1,25-Fache an Punkten");
    expect(mail.raw).toContain("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
    expect(await t.db.prisma.memberMail.findFirstOrThrow({ where: { shop: TEST_SHOP, customerId: String(buyer), kind: "tier-up" } })).toMatchObject({ status: "sent", category: "service" });

    expect(await queueTierChangedTriggers(t.db.prisma, new Date())).toEqual([TEST_SHOP]);
    expect(await queueTierChangedTriggers(t.db.prisma, new Date())).toEqual([]);
    expect(await fireQueuedTriggers(t.db.prisma, TEST_SHOP, adminFor)).toEqual({ sent: 1, failed: 0 });
    expect(tierTriggers()).toEqual([{ customer_id: buyer, Tier: "Silber", "Previous tier": "", Change: "up" }]);
  });

  it("tells the member at the tier review that they keep the tier, and later that they lost it", async () => {
    // The period ends: moving it back is itself no news (same tier, an earlier end).
    await t.db.prisma.member.update({ where: { id: (await member(buyer)).id }, data: { tierPeriodEnd: new Date(Date.now() - DAY) } });
    expect(await queueTierMails(t.db.prisma, new Date())).toEqual([]);
    expect((await reviewTiers(t.db.prisma, new Date())).changed.renewed).toBe(1);
    expect(await queueTierMails(t.db.prisma, new Date())).toEqual([TEST_SHOP]);
    expect(await send()).toEqual({ sent: 1, suppressed: 0, failed: 0 });
    expect(mailsTo("tier-ida@example.com")[1].parsed.subject).toBe("Sie behalten den Status Silber bei Treue Test");

    // A year and more later the order is out of the window: the review takes the tier away.
    const later = new Date(Date.now() + 400 * DAY);
    expect((await reviewTiers(t.db.prisma, later)).changed.downgraded).toBe(1);
    expect(await queueTierMails(t.db.prisma, new Date())).toEqual([TEST_SHOP]);
    expect(await send()).toEqual({ sent: 1, suppressed: 0, failed: 0 });
    const lost = mailsTo("tier-ida@example.com")[2];
    expect(lost.parsed.subject).toBe("Ihr Status Silber bei Treue Test ist abgelaufen");
    expect(lost.parsed.text!.replace(/\s+/g, " ")).toContain("Mit Bestellungen über 500,00 £ innerhalb von 365 Tagen erhalten Sie Silber zurück.");

    await queueTierChangedTriggers(t.db.prisma, new Date());
    await fireQueuedTriggers(t.db.prisma, TEST_SHOP, adminFor);
    expect(tierTriggers().slice(1)).toEqual([
      { customer_id: buyer, Tier: "Silber", "Previous tier": "Silber", Change: "kept" },
      { customer_id: buyer, Tier: "", "Previous tier": "Silber", Change: "down" },
    ]);
  });

  it("sends nothing when the shop turned the tier mails off", async () => {
    await t.db.prisma.shopMailSettings.upsert({ where: { shop: TEST_SHOP }, create: { shop: TEST_SHOP, tierUp: false }, update: { tierUp: false } });
    const customer = await t.standin.createCustomer({ email: "tier-off@example.com" });
    await t.standin.createOrder({ customerId: customer.id, lines: [{ sku: "TEA", quantity: 1, unitPriceMinor: 70_000 }] });
    await until("the order lifts the buyer to Silber", async () => (await t.db.prisma.member.findFirst({ where: { shop: TEST_SHOP, customerId: String(customer.id), tierId: "silver" } })) !== null);
    expect(await queueTierMails(t.db.prisma, new Date())).toEqual([]);
    await t.db.prisma.shopMailSettings.delete({ where: { shop: TEST_SHOP } });
    // Flow still hears of it: the switch is for e-mail.
    expect(await queueTierChangedTriggers(t.db.prisma, new Date())).toEqual([TEST_SHOP]);
    expect(await fireQueuedTriggers(t.db.prisma, TEST_SHOP, adminFor)).toEqual({ sent: 1, failed: 0 });
    // The change is not forgotten: turned on again within the event window, the mail goes.
    expect(await queueTierMails(t.db.prisma, new Date())).toEqual([TEST_SHOP]);
    expect(await send()).toEqual({ sent: 1, suppressed: 0, failed: 0 });
  });
});

describe("tiers that are no news, or not Flow's to hear of", () => {
  it("mails nobody for tiers a balance import carries over", async () => {
    const customer = await t.standin.createCustomer({ email: "tier-import@example.com" });
    await until("the customer is a member", async () => (await t.db.prisma.member.findFirst({ where: { shop: TEST_SHOP, customerId: String(customer.id) } })) !== null);
    const imported = await applyBalanceImport(t.db.prisma, TEST_SHOP, { text: "Email,Points,Tier\ntier-import@example.com,300,Gold\n", mapping: {}, reason: "Moved from LoyaltyLion", staffId: null });
    expect(imported).toMatchObject({ ok: true, tiers: 1 });
    expect((await member(customer.id)).tierId).toBe("gold");
    expect(await t.db.prisma.tierChange.findFirstOrThrow({ where: { shop: TEST_SHOP, customerId: String(customer.id) } })).toMatchObject({ toTierId: "gold", source: "import" });
    expect(await queueTierMails(t.db.prisma, new Date())).toEqual([]);
    expect(await queueTierChangedTriggers(t.db.prisma, new Date())).toEqual([]);
  });

  it("mails the member a tier Flow's action set, without firing the trigger that could start the workflow again", async () => {
    const customer = await t.standin.createCustomer({ email: "tier-flow@example.com", firstName: "Flo" });
    await until("the customer is a member", async () => (await t.db.prisma.member.findFirst({ where: { shop: TEST_SHOP, customerId: String(customer.id) } })) !== null);
    const run = await t.standin.sendFlowAction({ handle: "treue-set-tier", properties: { customer_id: customer.id, tier: "Gold" }, actionRunId: "tier-news-1" });
    expect(run.status).toBe(200);
    // Flow sends the same run again: the tier is set again, no second mail.
    expect((await t.standin.sendFlowAction({ handle: "treue-set-tier", properties: { customer_id: customer.id, tier: "Gold" }, actionRunId: "tier-news-1" })).status).toBe(200);
    expect(await queueTierMails(t.db.prisma, new Date())).toEqual([TEST_SHOP]);
    expect(await send()).toEqual({ sent: 1, suppressed: 0, failed: 0 });
    const [mail] = mailsTo("tier-flow@example.com");
    expect(mail.parsed.subject).toBe("Welcome to Gold at Treue Test");
    expect(mail.parsed.text!.replace(/\s+/g, " ")).toContain("Hi Flo, You now hold Gold.");
    expect(await queueTierChangedTriggers(t.db.prisma, new Date())).toEqual([]);
  });
});
