// Member e-mails end to end: a paid order through signed webhooks earns points, the mail job queues one mail for
// it and sends it over real SMTP (a local capture) in the buyer's language with a working one-click unsubscribe
// (RFC 8058) that the app honours; nothing is queued or sent twice; a refused address stops mail to it; a busy
// server leaves the mail queued for the engine's retry.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queuePointsEarnedMails, queuePointsExpiringMails, sendQueuedMails, type MailSettings } from "~/engagement/member-mails.server";
import { smtpTransport } from "~/engagement/mail-transport.server";
import { localHour, NO_QUIET_HOURS } from "~/engagement/domain/mail-timing";
import { bumpHistoryVersion, upsertHistoryOrders } from "~/history/history-store.server";
import { browserFetch, startTreue, TEST_API_SECRET, TEST_SHOP, type TreueHarness } from "../support/treue-harness";
import { startSmtpCapture, type SmtpCapture } from "../support/smtp-capture";

let t: TreueHarness;
let smtp: SmtpCapture;
let settings: MailSettings;

beforeAll(async () => {
  smtp = await startSmtpCapture();
  t = await startTreue({ appEnv: { WEBHOOK_WORKER: "1", SMTP_URL: smtp.url, MAIL_QUIET_HOURS: "off" } });
  // Mail is sent whatever the time of day the tests run; the quiet-hours test sets its own.
  settings = { appUrl: t.app.url, secret: TEST_API_SECRET, from: "loyalty@treue.test", quietHours: NO_QUIET_HOURS };
});

afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

/** A header as sent (folded lines joined), from the raw message. */
function headerOf(raw: string, name: string): string {
  const head = raw.split("\r\n\r\n")[0].replace(/\r\n[ \t]+/g, " ");
  const line = head.split("\r\n").find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  if (!line) throw new Error(`no ${name} header in:\n${head}`);
  return line.slice(name.length + 1).trim();
}

const send = () => sendQueuedMails(t.db.prisma, TEST_SHOP, smtpTransport(smtp.url), new Date(), settings);

async function buyerWithOrder(email: string, amountMinor: number, locale = "en") {
  const customer = await t.standin.createCustomer({ email, firstName: email.startsWith("anna") ? "Anna" : undefined });
  await t.standin.createOrder({ customerId: customer.id, customerLocale: locale, lines: [{ sku: "TEA", quantity: 1, unitPriceMinor: amountMinor }] });
  return customer;
}

async function pointsEarned(customerId: number, count: number) {
  const deadline = Date.now() + 20_000;
  while ((await t.db.prisma.ledgerEntry.count({ where: { shop: TEST_SHOP, customerId: String(customerId), kind: "earn" } })) < count) {
    if (Date.now() > deadline) throw new Error(`customer ${customerId} has fewer than ${count} earn entries after 20 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("the points-earned e-mail", () => {
  let annaId: number;
  let unsubscribeUrl: string;

  it("tells the buyer, in their language, what they earned, their balance and what it buys, with a one-click unsubscribe", async () => {
    const anna = await buyerWithOrder("anna@example.com", 4_200, "de-DE");
    annaId = anna.id;
    await pointsEarned(anna.id, 1);
    expect(await queuePointsEarnedMails(t.db.prisma, new Date())).toEqual([TEST_SHOP]);
    expect(await queuePointsEarnedMails(t.db.prisma, new Date())).toEqual([]); // once per event
    expect(await send()).toEqual({ sent: 1, suppressed: 0, failed: 0 });
    expect(smtp.messages).toHaveLength(1);
    const [mail] = smtp.messages;
    expect(mail.envelopeTo).toEqual(["anna@example.com"]);
    expect(mail.parsed.subject).toBe("Sie haben 42 Punkte bei Treue Test gesammelt");
    expect(mail.parsed.from?.value[0]).toMatchObject({ name: "Treue Test", address: "loyalty@treue.test" });
    const text = mail.parsed.text!.replace(/\s/g, " ");
    expect(text).toContain("Hallo Anna,");
    expect(text).toContain("Ihr Punktestand: 42 Punkte.");
    expect(text).toMatch(/Noch 458 Punkte bis 5,00 £ Rabatt\./);
    expect(mail.parsed.html).toContain(`https://${TEST_SHOP}/account`);
    // RFC 8058: the unsubscribe URL in the header, and the one-click marker.
    expect(headerOf(mail.raw, "List-Unsubscribe-Post")).toBe("List-Unsubscribe=One-Click");
    unsubscribeUrl = headerOf(mail.raw, "List-Unsubscribe").replace(/^<|>$/g, "");
    expect(unsubscribeUrl.startsWith(`${t.app.url}/mail/unsubscribe?t=`)).toBe(true);
    expect(text).toContain(unsubscribeUrl);

    // The job again: nothing is sent twice.
    expect(await send()).toEqual({ sent: 0, suppressed: 0, failed: 0 });
    const row = await t.db.prisma.memberMail.findFirstOrThrow({ where: { shop: TEST_SHOP, customerId: String(anna.id) } });
    expect(row).toMatchObject({ status: "sent", kind: "points-earned", category: "service", toAddress: "anna@example.com" });
  });

  it("honours the one-click unsubscribe: the next points mail is not sent; a link that was changed is refused", async () => {
    const page = await browserFetch(unsubscribeUrl);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('lang="de"');
    expect(html).toContain("Abbestellen");
    expect(await t.db.prisma.mailSuppression.count()).toBe(0); // opening the link unsubscribes no one

    const oneClick = await fetch(unsubscribeUrl, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "List-Unsubscribe=One-Click" });
    expect(oneClick.status).toBe(200);
    expect(await oneClick.text()).toContain("Sie erhalten keine Punkte-E-Mails");
    expect(await t.db.prisma.mailSuppression.findMany()).toMatchObject([{ shop: TEST_SHOP, email: "anna@example.com", category: "service", reason: "unsubscribe" }]);

    const tampered = unsubscribeUrl.replace(/t=(.)/, (_, c: string) => `t=${c === "A" ? "B" : "A"}`);
    expect((await fetch(tampered, { method: "POST", body: "List-Unsubscribe=One-Click" })).status).toBe(400);

    await t.standin.createOrder({ customerId: annaId, lines: [{ sku: "TEA", quantity: 1, unitPriceMinor: 1_000 }] });
    await pointsEarned(annaId, 2);
    await queuePointsEarnedMails(t.db.prisma, new Date());
    expect(await send()).toEqual({ sent: 0, suppressed: 1, failed: 0 });
    expect(smtp.messages).toHaveLength(1);
    expect(await t.db.prisma.memberMail.findFirst({ where: { shop: TEST_SHOP, customerId: String(annaId), status: "suppressed" } })).toMatchObject({ reason: "unsubscribed" });
  });

  it("lists a member's mail on their page in the admin, with why one was not sent", async () => {
    const member = await t.db.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop: TEST_SHOP, customerId: String(annaId) } } });
    const text = async (locale: string) => (await (await browserFetch(t.adminUrl(`/app/members/${member.id}`, { locale }))).text()).replace(/<[^>]+>/g, " ");
    const en = await text("en");
    expect(en).toContain("Sie haben 42 Punkte bei Treue Test gesammelt");
    expect(en).toContain("Sent");
    expect(en).toContain("Not sent (unsubscribed)");
    expect(await text("de")).toContain("Nicht gesendet (abbestellt)");
  });

  it("waits through the shop's quiet hours and goes out after them", async () => {
    const night = await buyerWithOrder("night-owl@example.com", 900);
    await pointsEarned(night.id, 1);
    await queuePointsEarnedMails(t.db.prisma, new Date());
    // Quiet hours that hold the shop's current hour, on its own clock.
    const zone = (await t.db.prisma.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } })).timezone ?? "UTC";
    const hour = localHour(new Date(), zone);
    const quiet = { from: hour, to: (hour + 1) % 24 };
    expect(await sendQueuedMails(t.db.prisma, TEST_SHOP, smtpTransport(smtp.url), new Date(), { ...settings, quietHours: quiet })).toEqual({ sent: 0, suppressed: 0, failed: 0 });
    expect(await t.db.prisma.memberMail.findFirst({ where: { shop: TEST_SHOP, customerId: String(night.id) } })).toMatchObject({ status: "queued", attempts: 0 });
    expect(await send()).toEqual({ sent: 1, suppressed: 0, failed: 0 });
  });

  it("reminds a member, once, of points about to expire (the points engine's reminder)", async () => {
    const member = await t.db.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop: TEST_SHOP, customerId: String(annaId) } } });
    const other = await buyerWithOrder("expiring@example.com", 3_300);
    await pointsEarned(other.id, 1);
    await queuePointsEarnedMails(t.db.prisma, new Date());
    expect(await send()).toEqual({ sent: 1, suppressed: 0, failed: 0 }); // the order's own points e-mail
    const otherMember = await t.db.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop: TEST_SHOP, customerId: String(other.id) } } });
    const expiresAt = new Date(Date.now() + 14 * 86_400_000);
    const reminder = (m: { id: bigint; customerId: string }, key: string) => ({ shop: TEST_SHOP, memberId: m.id, customerId: m.customerId, idempotencyKey: key, at: new Date(), points: 33, expiresAt, covers: [] });
    // What expirePoints records 30 days before a lot expires (points-jobs.server.ts); Anna unsubscribed from points e-mails.
    await t.db.prisma.pointsReminder.createMany({ data: [reminder(otherMember, "reminder:test:1"), reminder(member, "reminder:test:2")] });
    await queuePointsExpiringMails(t.db.prisma, new Date());
    expect(await queuePointsExpiringMails(t.db.prisma, new Date())).toEqual([]);
    const before = smtp.messages.length;
    expect(await send()).toMatchObject({ sent: 1, suppressed: 1 });
    const day = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "Europe/London" }).format(expiresAt);
    expect(smtp.messages.slice(before).map((m) => [m.envelopeTo[0], m.parsed.subject])).toEqual([["expiring@example.com", `33 points at Treue Test expire on ${day}`]]);
  });

  it("stops mail to an address the server refuses, and keeps a mail queued while the server is busy", async () => {
    const refused = await buyerWithOrder("gone@example.com", 1_500);
    await pointsEarned(refused.id, 1);
    await queuePointsEarnedMails(t.db.prisma, new Date());
    smtp.refuse(550);
    expect(await send()).toEqual({ sent: 0, suppressed: 0, failed: 1 });
    expect(await t.db.prisma.mailSuppression.findUnique({ where: { shop_email_category: { shop: TEST_SHOP, email: "gone@example.com", category: "all" } } })).toMatchObject({ reason: "bounce" });

    const busy = await buyerWithOrder("busy@example.com", 2_500);
    await pointsEarned(busy.id, 1);
    await queuePointsEarnedMails(t.db.prisma, new Date());
    smtp.refuse(451);
    await expect(send()).rejects.toThrow();
    expect(await t.db.prisma.memberMail.findFirst({ where: { shop: TEST_SHOP, customerId: String(busy.id) } })).toMatchObject({ status: "queued", attempts: 1 });
    expect(await send()).toEqual({ sent: 1, suppressed: 0, failed: 0 });
    expect(smtp.messages.at(-1)!.parsed.subject).toBe("You earned 25 points at Treue Test");
  });

  it("forgets the member's mail and opt-outs on customers/redact", async () => {
    expect(await t.db.prisma.memberMail.count({ where: { shop: TEST_SHOP, customerId: String(annaId) } })).toBe(3);
    await t.standin.requestCustomerRedact(annaId);
    await expect.poll(() => t.db.prisma.memberMail.count({ where: { shop: TEST_SHOP, customerId: String(annaId) } }), { timeout: 10_000 }).toBe(0);
    expect(await t.db.prisma.mailSuppression.count({ where: { shop: TEST_SHOP, email: "anna@example.com" } })).toBe(0);
    // Another member's record stays.
    expect(await t.db.prisma.memberMail.count({ where: { shop: TEST_SHOP, toAddress: "busy@example.com" } })).toBe(1);
  });
});

describe("the win-back e-mail (marketing)", () => {
  const giveLost = (requestId: string, points: string) =>
    t.adminPost("/app/analytics/customers", { intent: "give-points", segment: "lost", points, reason: "Win-back", requestId, mail: "on" }, { segment: "lost" });
  const winBacks = () => smtp.messages.filter((m) => /^We miss you/.test(m.parsed.subject ?? ""));

  it("goes with a segment bonus only to lapsed members who agreed to marketing; its unsubscribe stops offers, not points e-mails", async () => {
    // Two lapsed buyers (last order 400 days ago): Lena agreed to marketing e-mails, the other did not.
    const lena = await t.standin.createCustomer({ email: "lena.lapsed@example.com", firstName: "Lena" });
    const quiet = await t.standin.createCustomer({ email: "quiet.lapsed@example.com" });
    await t.standin.updateCustomer(lena.id, { emailMarketing: "subscribed" });
    const at = new Date(Date.now() - 400 * 86_400_000);
    await upsertHistoryOrders(t.db.prisma, TEST_SHOP, "import", [
      { id: "880001", customerId: String(lena.id), createdAt: at, updatedAt: at, amountMinor: 5_000, currency: "GBP", cancelledAt: null },
      { id: "880002", customerId: String(quiet.id), createdAt: at, updatedAt: at, amountMinor: 5_000, currency: "GBP", cancelledAt: null },
    ]);
    await bumpHistoryVersion(t.db.prisma, TEST_SHOP);
    const memberOf = (id: number) => t.db.prisma.member.findUnique({ where: { shop_customerId: { shop: TEST_SHOP, customerId: String(id) } } });
    await expect.poll(async () => (await memberOf(lena.id))?.emailMarketing, { timeout: 10_000 }).toBe("subscribed");

    // The merchant gives the lost segment 200 points with a win-back e-mail; the app's job engine does the rest.
    expect((await giveLost("winback-00001", "200")).status).toBe(200);
    await expect.poll(() => winBacks().length, { timeout: 30_000, interval: 200 }).toBe(1);
    const [mail] = winBacks();
    expect(mail.envelopeTo).toEqual(["lena.lapsed@example.com"]);
    expect(mail.parsed.subject).toBe("We miss you at Treue Test: 200 points for you");
    expect(mail.parsed.text).toContain("Hi Lena,");
    expect(headerOf(mail.raw, "List-Unsubscribe-Post")).toBe("List-Unsubscribe=One-Click");
    expect((await memberOf(quiet.id))?.points).toBe(200); // the points go to everyone
    await expect.poll(async () => (await t.db.prisma.memberMail.findFirst({ where: { shop: TEST_SHOP, customerId: String(quiet.id), kind: "win-back" } }))?.reason, { timeout: 10_000 }).toBe("no-consent");

    // Lena stops offers with the one-click unsubscribe.
    const link = headerOf(mail.raw, "List-Unsubscribe").replace(/^<|>$/g, "");
    expect((await fetch(link, { method: "POST", body: "List-Unsubscribe=One-Click" })).status).toBe(200);
    expect(await t.db.prisma.mailSuppression.findMany({ where: { shop: TEST_SHOP, email: "lena.lapsed@example.com" } })).toMatchObject([{ category: "marketing" }]);

    // The next marketing mail is not sent…
    expect((await giveLost("winback-00002", "100")).status).toBe(200);
    await expect.poll(async () => (await t.db.prisma.memberMail.count({ where: { shop: TEST_SHOP, customerId: String(lena.id), kind: "win-back", reason: "unsubscribed" } })), { timeout: 30_000, interval: 200 }).toBe(1);
    expect(winBacks()).toHaveLength(1);
    expect((await memberOf(lena.id))?.points).toBe(300);

    // …a service mail still is: Lena orders again and hears about her points.
    const before = smtp.messages.length;
    await t.standin.createOrder({ customerId: lena.id, lines: [{ sku: "TEA", quantity: 1, unitPriceMinor: 1_500 }] });
    await pointsEarned(lena.id, 1);
    await queuePointsEarnedMails(t.db.prisma, new Date());
    expect((await send()).sent).toBe(1);
    expect(smtp.messages.slice(before).map((m) => m.parsed.subject)).toEqual(["You earned 15 points at Treue Test"]);
  });

  it("sends a member at most one offer a week", async () => {
    const max = await t.standin.createCustomer({ email: "max.lapsed@example.com", firstName: "Max" });
    await t.standin.updateCustomer(max.id, { emailMarketing: "subscribed" });
    const at = new Date(Date.now() - 400 * 86_400_000);
    await upsertHistoryOrders(t.db.prisma, TEST_SHOP, "import", [{ id: "880003", customerId: String(max.id), createdAt: at, updatedAt: at, amountMinor: 5_000, currency: "GBP", cancelledAt: null }]);
    await bumpHistoryVersion(t.db.prisma, TEST_SHOP);
    await expect.poll(async () => (await t.db.prisma.member.findUnique({ where: { shop_customerId: { shop: TEST_SHOP, customerId: String(max.id) } } }))?.emailMarketing, { timeout: 10_000 }).toBe("subscribed");
    const toMax = () => winBacks().filter((m) => m.envelopeTo[0] === "max.lapsed@example.com");
    expect((await giveLost("winback-00003", "50")).status).toBe(200);
    await expect.poll(() => toMax().length, { timeout: 30_000, interval: 200 }).toBe(1);
    expect((await giveLost("winback-00004", "50")).status).toBe(200);
    await expect
      .poll(async () => t.db.prisma.memberMail.count({ where: { shop: TEST_SHOP, customerId: String(max.id), kind: "win-back", reason: "weekly-cap" } }), { timeout: 30_000, interval: 200 })
      .toBe(1);
    expect(toMax()).toHaveLength(1);
  });
});


describe("bounce and complaint events from the e-mail service", () => {
  it("have no endpoint while MAIL_EVENTS_TOKEN is unset (tests/integration/mail-events.test.ts sets it)", async () => {
    const res = await fetch(`${t.app.url}/mail/events`, { method: "POST", headers: { "Content-Type": "application/json", Authorization: "Bearer anything-at-all-0123" }, body: JSON.stringify({ type: "bounce", email: "anna@example.com" }) });
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe("NOT_CONFIGURED");
    expect(await t.db.prisma.mailSuppression.count({ where: { reason: "bounce", email: "anna@example.com" } })).toBe(0);
  });
});

describe("the e-mails page", () => {
  const emailsPost = (form: Record<string, string>) => t.adminPost("/app/emails", form);
  const text = async (locale: string) => (await (await browserFetch(t.adminUrl("/app/emails", { locale }))).text()).replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");

  it("previews each e-mail in the merchant's language with the shop's name and rewards", async () => {
    const en = await text("en");
    expect(en).toContain("Subject: You earned 120 points at Treue Test");
    expect(en).toContain("Subject: We miss you at Treue Test: 200 points for you");
    expect(en).toMatch(/Subject: 150 points at Treue Test expire on \d{1,2} \w+ \d{4}/);
    const de = await text("de");
    expect(de).toContain("Betreff: Sie haben 120 Punkte bei Treue Test gesammelt");
    // The preview's HTML (in the iframe's srcdoc) names the next reward as the catalog does.
    expect(de).toMatch(/5,00\s£ Rabatt/);
  });

  it("turns a kind of e-mail off: no new one is queued until it is on again", async () => {
    expect((await emailsPost({ "points-expiring": "on", "win-back": "on" })).status).toBe(200);
    expect(await t.db.prisma.shopMailSettings.findUnique({ where: { shop: TEST_SHOP } })).toMatchObject({ pointsEarned: false, pointsExpiring: true, winBack: true });
    const quiet = await buyerWithOrder("switched-off@example.com", 1_100);
    await pointsEarned(quiet.id, 1);
    expect(await queuePointsEarnedMails(t.db.prisma, new Date())).toEqual([]);
    expect(await t.db.prisma.memberMail.count({ where: { shop: TEST_SHOP, customerId: String(quiet.id) } })).toBe(0);
    expect((await emailsPost({ "points-earned": "on", "points-expiring": "on", "win-back": "on" })).status).toBe(200);
    expect(await queuePointsEarnedMails(t.db.prisma, new Date())).toEqual([TEST_SHOP]);
  });
});
