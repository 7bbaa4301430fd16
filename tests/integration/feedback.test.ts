// The thank-you after a first order, end to end: a member who agreed to marketing e-mails places their first order
// (signed webhooks); two days later the mail job sends one thank-you over real SMTP with a signed feedback link; the
// page takes 1–5 stars and a comment (one answer per order, changeable), refuses a forged link (400) and an answer
// without a rating (422); the admin's e-mails page shows the answers; a second order is not thanked; a customer
// without consent is not mailed; customers/redact erases the answers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queueThankYouMails } from "~/engagement/feedback.server";
import { browserFetch, TEST_SHOP, type TreueHarness } from "../support/treue-harness";
import { startTreueWithMail, type MailHarness } from "../support/mail-harness";
import type { SmtpCapture } from "../support/smtp-capture";

let t: TreueHarness;
let smtp: SmtpCapture;
let m: MailHarness;
const DAY = 86_400_000;

beforeAll(async () => {
  m = await startTreueWithMail();
  ({ t, smtp } = m);
});
afterAll(async () => {
  await m?.close();
});

const send = (now: Date) => m.send(now);
const earnsOf = (customerId: number) => t.db.prisma.ledgerEntry.count({ where: { shop: TEST_SHOP, customerId: String(customerId), kind: "earn" } });
const form = (fields: Record<string, string>) => ({ method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields).toString() });

async function buyer(email: string, consent: boolean) {
  const c = await t.standin.createCustomer({ email, firstName: "Mia" });
  if (consent) {
    await t.standin.updateCustomer(c.id, { emailMarketing: "subscribed" });
    await expect.poll(async () => (await t.db.prisma.member.findFirst({ where: { shop: TEST_SHOP, customerId: String(c.id) } }))?.emailMarketing, { timeout: 15_000 }).toBe("subscribed");
  }
  const order = await t.standin.createOrder({ customerId: c.id, customerLocale: "de-DE", lines: [{ sku: "TEA", quantity: 1, unitPriceMinor: 2_400 }] });
  await expect.poll(() => earnsOf(c.id), { timeout: 15_000 }).toBe(1);
  return { id: c.id, order };
}

describe("the thank-you and its feedback", () => {
  let feedbackUrl: string;
  let mia: { id: number; order: { id: number; name: string } };

  it("is sent once, two days after a member's first order, with a feedback link", async () => {
    mia = await buyer("mia@example.com", true);
    expect(await queueThankYouMails(t.db.prisma, new Date())).toEqual([]); // not yet
    const later = new Date(Date.now() + 2 * DAY + 3_600_000);
    expect(await queueThankYouMails(t.db.prisma, later)).toEqual([TEST_SHOP]);
    expect(await queueThankYouMails(t.db.prisma, later)).toEqual([]);
    expect(await send(later)).toEqual({ sent: 1, suppressed: 0, failed: 0 });
    const [mail] = smtp.messages;
    expect(mail.parsed.subject).toBe("Danke für Ihre erste Bestellung bei Treue Test");
    const text = mail.parsed.text!.replace(/\s+/g, " ");
    expect(text).toContain(`Wir hoffen, Ihre Bestellung ${mia.order.name} gefällt Ihnen.`);
    feedbackUrl = /Sagen Sie uns, wie es war: (\S+)/.exec(mail.parsed.text!)![1];
    expect(feedbackUrl.startsWith(`${t.app.url}/feedback?t=`)).toBe(true);
  });

  it("keeps one answer per order, changeable, and refuses a forged link or an answer without stars", async () => {
    const page = await browserFetch(feedbackUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`Wie war Ihre Bestellung ${mia.order.name}?`);

    const noStars = await fetch(feedbackUrl, form({ comment: "Gut" }));
    expect(noStars.status).toBe(422);
    expect(await noStars.text()).toContain("Bitte wählen Sie 1 bis 5 Sterne.");
    expect(await t.db.prisma.orderFeedback.count()).toBe(0);

    expect((await fetch(feedbackUrl, form({ rating: "3", comment: "Kam spät an." }))).status).toBe(200);
    const answer = await fetch(feedbackUrl, form({ rating: "4", comment: "Kam spät an, aber der Tee ist <gut>." }));
    expect(answer.status).toBe(200);
    expect(await answer.text()).toContain("Treue Test hat Ihre Bewertung erhalten.");
    expect(await t.db.prisma.orderFeedback.findMany({ select: { orderId: true, customerId: true, rating: true, comment: true } })).toEqual([
      { orderId: String(mia.order.id), customerId: String(mia.id), rating: 4, comment: "Kam spät an, aber der Tee ist <gut>." },
    ]);
    // The link again shows the answer given.
    const again = await (await browserFetch(feedbackUrl)).text();
    expect(again).toContain('value="4" checked');
    expect(again).toContain("Kam spät an, aber der Tee ist &lt;gut&gt;.");

    const forged = feedbackUrl.replace(/t=(.)/, (_, c: string) => `t=${c === "A" ? "B" : "A"}`);
    expect((await fetch(forged, form({ rating: "1" }))).status).toBe(400);
    expect((await t.db.prisma.orderFeedback.findFirstOrThrow()).rating).toBe(4);
  });

  it("shows the answers on the admin's e-mails page", async () => {
    const html = (await (await browserFetch(t.adminUrl("/app/emails", { locale: "en" }))).text()).replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");
    expect(html).toContain("Last 90 days: 4.0 of 5 stars; answers: 1.");
    expect(html).toContain(`★★★★☆ ${mia.order.name} – Kam spät an, aber der Tee ist &lt;gut&gt;.`);
  });

  it("shows the member's own answers on their admin page, in German too", async () => {
    const member = await t.db.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop: TEST_SHOP, customerId: String(mia.id) } } });
    const page = (locale: string) => browserFetch(t.adminUrl(`/app/members/${member.id}`, { locale })).then(async (r) => (await r.text()).replace(/<[^>]+>/g, " ").replace(/\s+/g, " "));
    const en = await page("en");
    expect(en).toContain("Feedback");
    expect(en).toContain(`${mia.order.name} ★★★★☆ Kam spät an, aber der Tee ist &lt;gut&gt;.`);
    expect(await page("de")).toContain("Rückmeldungen");
  });

  it("thanks no one for a second order, and mails no one who did not agree to marketing e-mails", async () => {
    await t.standin.createOrder({ customerId: mia.id, lines: [{ sku: "TEA", quantity: 1, unitPriceMinor: 1_000 }] });
    await expect.poll(() => earnsOf(mia.id), { timeout: 15_000 }).toBe(2);
    const noConsent = await buyer("no-consent@example.com", false);
    const later = new Date(Date.now() + 2 * DAY + 3_600_000);
    expect(await queueThankYouMails(t.db.prisma, later)).toEqual([TEST_SHOP]);
    expect(await t.db.prisma.memberMail.findMany({ where: { shop: TEST_SHOP, kind: "thank-you" }, select: { customerId: true }, orderBy: { id: "asc" } })).toEqual([
      { customerId: String(mia.id) },
      { customerId: String(noConsent.id) },
    ]);
    expect(await send(later)).toEqual({ sent: 0, suppressed: 1, failed: 0 });
    expect(await t.db.prisma.memberMail.findFirstOrThrow({ where: { shop: TEST_SHOP, customerId: String(noConsent.id) } })).toMatchObject({ status: "suppressed", reason: "no-consent" });
  });

  it("erases the answers on customers/redact", async () => {
    await t.standin.requestCustomerRedact(mia.id);
    await expect.poll(() => t.db.prisma.orderFeedback.count(), { timeout: 15_000 }).toBe(0);
  });
});
