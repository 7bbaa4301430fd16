// The merchant's look for member e-mails, end to end: the e-mails page (real session token) saves a logo, an accent
// colour and a German subject and note for the points e-mail, or refuses the whole form with what to correct; the
// next German points e-mail over real SMTP carries them, placeholders filled for that member, every fact unchanged.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queuePointsEarnedMails, sendQueuedMails } from "~/engagement/member-mails.server";
import { smtpTransport } from "~/engagement/mail-transport.server";
import { NO_QUIET_HOURS } from "~/engagement/domain/mail-timing";
import { MAIL_KINDS } from "~/engagement/domain/member-mail";
import { browserFetch, startTreue, TEST_API_SECRET, TEST_SHOP, type TreueHarness } from "../support/treue-harness";
import { startSmtpCapture, type SmtpCapture } from "../support/smtp-capture";

let t: TreueHarness;
let smtp: SmtpCapture;

beforeAll(async () => {
  smtp = await startSmtpCapture();
  t = await startTreue({ appEnv: { WEBHOOK_WORKER: "1", SMTP_URL: smtp.url, MAIL_QUIET_HOURS: "off" } });
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

const allOn = Object.fromEntries(MAIL_KINDS.map((k) => [k, "on"]));
const emailsPost = (form: Record<string, string>, locale = "en") => t.adminPost("/app/emails", { ...allOn, ...form }, { locale });

describe("the merchant's look", () => {
  it("refuses the whole form with what to correct, saving nothing", async () => {
    const res = await emailsPost({ logoUrl: "http://cdn.example/logo.png", accentColor: "#1f6f43", "subject:points-earned:de": "Hallo {vorname}" }, "de");
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("Geben Sie eine Adresse ein, die mit https:// beginnt.");
    expect(html).toContain("Unbekannter Platzhalter {vorname}");
    expect(await t.db.prisma.shopMailSettings.count()).toBe(0);
    expect(await t.db.prisma.mailWording.count()).toBe(0);
  });

  it("is saved from the page and used in the next e-mail, placeholders filled for the member", async () => {
    const saved = await emailsPost({
      logoUrl: "https://cdn.example/treue-test-logo.png",
      accentColor: "#1F6F43",
      "subject:points-earned:de": "{first_name}, {points} Punkte von {shop}",
      "intro:points-earned:de": "Schön, dass Sie da waren!\n\nIhr Team von {shop}",
    });
    expect(saved.status).toBe(200);
    expect(await t.db.prisma.mailWording.findMany({ select: { kind: true, locale: true, subject: true } })).toEqual([
      { kind: "points-earned", locale: "de", subject: "{first_name}, {points} Punkte von {shop}" },
    ]);

    const customer = await t.standin.createCustomer({ email: "look-lena@example.com", firstName: "Lena" });
    await t.standin.createOrder({ customerId: customer.id, customerLocale: "de-AT", lines: [{ sku: "TEA", quantity: 1, unitPriceMinor: 1_250 }] });
    await expect.poll(() => t.db.prisma.ledgerEntry.count({ where: { shop: TEST_SHOP, customerId: String(customer.id), kind: "earn" } }), { timeout: 20_000 }).toBe(1);
    await queuePointsEarnedMails(t.db.prisma, new Date());
    const settings = { appUrl: t.app.url, secret: TEST_API_SECRET, from: "loyalty@treue.test", quietHours: NO_QUIET_HOURS };
    expect(await sendQueuedMails(t.db.prisma, TEST_SHOP, smtpTransport(smtp.url), new Date(), settings)).toEqual({ sent: 1, suppressed: 0, failed: 0 });
    const [mail] = smtp.messages;
    expect(mail.parsed.subject).toBe("Lena, 12 Punkte von Treue Test");
    expect(mail.parsed.html).toContain('<img src="https://cdn.example/treue-test-logo.png" alt="Treue Test"');
    expect(mail.parsed.html).toContain("background:#1f6f43;color:#ffffff");
    const text = mail.parsed.text!.replace(/\s+/g, " ");
    expect(text).toContain("Hallo Lena, Schön, dass Sie da waren! Ihr Team von Treue Test danke für Ihre Bestellung");
    expect(text).toContain("Ihr Punktestand: 12 Punkte.");
    expect(mail.raw).toContain("List-Unsubscribe-Post: List-Unsubscribe=One-Click");

    // The page shows what was saved, in the fields and in the preview.
    const page = await (await browserFetch(t.adminUrl("/app/emails", { locale: "de" }))).text();
    expect(page).toContain('value="https://cdn.example/treue-test-logo.png"');
    expect(page).toContain('value="#1f6f43"');
    expect(page).toContain("Betreff: Anna, 120 Punkte von Treue Test");
  });
});
