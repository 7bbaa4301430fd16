// Bounces and complaints from the e-mail service, end to end: after a member's mail went out over real SMTP, the
// service's webhook (SendGrid's and Postmark's formats, signed with MAIL_EVENTS_TOKEN as the services send it)
// stops every further mail to the address in the shop that mailed it; a wrong token changes nothing (401), a body
// of no known format is refused (400), the same event again changes nothing. Amazon SES's events come through a
// local Amazon SNS that signs them as SNS does: the subscription is confirmed, a forged or tampered message refused.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queuePointsEarnedMails, sendQueuedMails, type MailSettings } from "~/engagement/member-mails.server";
import { smtpTransport } from "~/engagement/mail-transport.server";
import { NO_QUIET_HOURS } from "~/engagement/domain/mail-timing";
import { startTreue, TEST_API_SECRET, TEST_SHOP, type TreueHarness } from "../support/treue-harness";
import { startSmtpCapture, type SmtpCapture } from "../support/smtp-capture";
import { startSnsStandin, TOPIC_ARN, type SnsStandin } from "../support/sns-standin";

const TOKEN = "mail-events-token-for-tests-0123456789";
let t: TreueHarness;
let smtp: SmtpCapture;
let settings: MailSettings;
let sns: SnsStandin;

beforeAll(async () => {
  smtp = await startSmtpCapture();
  sns = await startSnsStandin();
  t = await startTreue({ appEnv: { WEBHOOK_WORKER: "1", SMTP_URL: smtp.url, MAIL_QUIET_HOURS: "off", MAIL_EVENTS_TOKEN: TOKEN, MAIL_EVENTS_SNS_URL: sns.base } });
  settings = { appUrl: t.app.url, secret: TEST_API_SECRET, from: "loyalty@treue.test", quietHours: NO_QUIET_HOURS };
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
  await sns?.close();
});

const post = (body: unknown, auth: string) => fetch(`${t.app.url}/mail/events`, { method: "POST", headers: { "Content-Type": "application/json", Authorization: auth }, body: JSON.stringify(body) });
const basic = (password: string) => `Basic ${Buffer.from(`postmark:${password}`).toString("base64")}`;
const send = () => sendQueuedMails(t.db.prisma, TEST_SHOP, smtpTransport(smtp.url), new Date(), settings);

async function mailed(points: number, email: string) {
  const c = await t.memberWithPoints(points, email);
  await queuePointsEarnedMails(t.db.prisma, new Date());
  expect(await send()).toMatchObject({ sent: 1 });
  return c;
}

describe("bounce and complaint events", () => {
  it("stop all mail to an address SendGrid reports as bounced, once", async () => {
    const c = await mailed(10, "bounces@example.com");
    expect((await post([{ email: "bounces@example.com", event: "bounce", type: "bounce" }], "Bearer wrong-token")).status).toBe(401);
    expect(await t.db.prisma.mailSuppression.count()).toBe(0);
    const res = await post([{ email: "Bounces@Example.com", event: "bounce", type: "bounce" }, { email: "someone@example.com", event: "delivered" }], `Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: 1, suppressed: 1 });
    expect(await t.db.prisma.mailSuppression.findMany({ select: { shop: true, email: true, category: true, reason: true } })).toEqual([
      { shop: TEST_SHOP, email: "bounces@example.com", category: "all", reason: "bounce" },
    ]);
    expect(await (await post([{ email: "bounces@example.com", event: "bounce" }], `Bearer ${TOKEN}`)).json()).toEqual({ received: 1, suppressed: 0 });

    // The member's next points e-mail is not sent.
    await t.standin.createOrder({ customerId: c.id, lines: [{ sku: "TEA", quantity: 1, unitPriceMinor: 500 }] });
    await expect.poll(() => t.db.prisma.ledgerEntry.count({ where: { shop: TEST_SHOP, customerId: String(c.id), kind: "earn" } }), { timeout: 15_000 }).toBe(2);
    await queuePointsEarnedMails(t.db.prisma, new Date());
    expect(await send()).toEqual({ sent: 0, suppressed: 1, failed: 0 });
  });

  it("take Postmark's spam complaint with the token as the basic-auth password, and refuse an unknown body", async () => {
    await mailed(20, "complains@example.com");
    expect((await post({ RecordType: "SpamComplaint", Email: "complains@example.com" }, basic("nope"))).status).toBe(401);
    const res = await post({ RecordType: "SpamComplaint", Email: "complains@example.com", MessageID: "b7bc2f4a" }, basic(TOKEN));
    expect(await res.json()).toEqual({ received: 1, suppressed: 1 });
    expect(await t.db.prisma.mailSuppression.findFirstOrThrow({ where: { email: "complains@example.com" } })).toMatchObject({ category: "all", reason: "complaint" });
    const unknown = await post({ hello: "world" }, `Bearer ${TOKEN}`);
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).error.code).toBe("BAD_REQUEST");
    // An address Treue never mailed suppresses nothing anywhere.
    expect(await (await post({ type: "bounce", email: "stranger@example.com" }, `Bearer ${TOKEN}`)).json()).toEqual({ received: 1, suppressed: 0 });
  });
});

describe("Amazon SES events through Amazon SNS", () => {
  // SNS posts its JSON as text/plain, with the token as the basic-auth password of the subscription's URL.
  const snsPost = (body: unknown, password = TOKEN) =>
    fetch(`${t.app.url}/mail/events`, {
      method: "POST",
      headers: { "Content-Type": "text/plain; charset=UTF-8", "x-amz-sns-message-type": String((body as { Type?: string }).Type), Authorization: basic(password) },
      body: JSON.stringify(body),
    });
  const ses = (n: object) => JSON.stringify({ ...n, mail: { messageId: "010701", source: "loyalty@treue.test", destination: ["x"], commonHeaders: { messageId: "<m1@treue.test>" } } });

  it("confirms the subscription SNS asks for, only when SNS signed it", async () => {
    const forged = { ...sns.message("SubscriptionConfirmation", { message: "You have chosen to subscribe.", token: "forged-1" }), Token: "forged-2" };
    const refused = await snsPost(forged);
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.code).toBe("BAD_SIGNATURE");
    expect(sns.confirmed).toEqual([]);

    const res = await snsPost(sns.message("SubscriptionConfirmation", { message: "You have chosen to subscribe.", token: "good-1" }, "2"));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ confirmed: true, topicArn: TOPIC_ARN });
    expect(sns.confirmed).toEqual(["good-1"]);
  });

  it("stops all mail to an address SES reports as permanently bounced or complaining; not for a soft bounce", async () => {
    await mailed(30, "ses-bounce@example.com");
    await mailed(40, "ses-complaint@example.com");
    const hard = sns.message("Notification", { message: ses({ notificationType: "Bounce", bounce: { bounceType: "Permanent", bounceSubType: "General", bouncedRecipients: [{ emailAddress: "SES-Bounce@example.com" }] } }) });
    expect((await snsPost(hard, "wrong-token")).status).toBe(401);
    const res = await snsPost(hard);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: 1, suppressed: 1 });
    // SNS delivers at least once: the same message again changes nothing.
    expect(await (await snsPost(hard)).json()).toEqual({ received: 1, suppressed: 0 });

    const soft = sns.message("Notification", { message: ses({ notificationType: "Bounce", bounce: { bounceType: "Transient", bouncedRecipients: [{ emailAddress: "ses-complaint@example.com" }] } }) }, "2");
    expect(await (await snsPost(soft)).json()).toEqual({ received: 0, suppressed: 0 });
    const complaint = sns.message("Notification", { message: ses({ eventType: "Complaint", complaint: { complainedRecipients: [{ emailAddress: "ses-complaint@example.com" }], complaintFeedbackType: "abuse" } }), subject: "Amazon SES Email Event Notification" }, "2");
    expect(await (await snsPost(complaint)).json()).toEqual({ received: 1, suppressed: 1 });
    expect(await t.db.prisma.mailSuppression.findMany({ where: { email: { startsWith: "ses-" } }, orderBy: { email: "asc" }, select: { shop: true, email: true, category: true, reason: true } })).toEqual([
      { shop: TEST_SHOP, email: "ses-bounce@example.com", category: "all", reason: "bounce" },
      { shop: TEST_SHOP, email: "ses-complaint@example.com", category: "all", reason: "complaint" },
    ]);
    // The certificate was fetched once for all of them.
    expect(sns.certificateFetches).toBe(1);
  });

  it("refuses a tampered message, a certificate from anywhere else, and an SNS message that is not SES's", async () => {
    const signed = sns.message("Notification", { message: ses({ notificationType: "Bounce", bounce: { bounceType: "Permanent", bouncedRecipients: [{ emailAddress: "victim@example.com" }] } }) });
    const tampered = { ...signed, Message: signed.Message.replace("victim@example.com", "other@example.com") };
    expect((await snsPost(tampered)).status).toBe(403);
    const elsewhere = { ...signed, SigningCertURL: "https://attacker.example/SimpleNotificationService-test.pem" };
    expect((await snsPost(elsewhere)).status).toBe(403);
    expect(await t.db.prisma.mailSuppression.count({ where: { email: { in: ["victim@example.com", "other@example.com"] } } })).toBe(0);
    const notSes = await snsPost(sns.message("Notification", { message: "Hello world!" }));
    expect(notSes.status).toBe(400);
    expect((await notSes.json()).error.message).toContain("not an Amazon SES");
  });
});
