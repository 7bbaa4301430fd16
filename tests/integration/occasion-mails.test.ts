// Occasion e-mails end to end, over real SMTP: the birthday bonus the points job grants, a friend's first order with
// a member's referral code (a real signed order webhook) and the advocate's reward once the referral job credits
// it. Each is queued once per event, in the member's language, with the one-click unsubscribe.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queueBirthdayMails, queueReferralMails } from "~/engagement/member-mails.server";
import { saveLoyaltyProgram } from "~/points/loyalty-program.server";
import { grantBirthdayBonuses } from "~/points/points-jobs.server";
import { creditReferralAdvocates } from "~/referrals/referral-rewards-job.server";
import { browserFetch, TEST_SHOP, type TreueHarness } from "../support/treue-harness";
import { startTreueWithMail, type MailHarness } from "../support/mail-harness";
import { until as waitUntil } from "../support/until";

let m: MailHarness;
let t: TreueHarness;
const DAY = 86_400_000;

beforeAll(async () => {
  m = await startTreueWithMail();
  t = m.t;
});
afterAll(async () => {
  await m?.close();
});

const send = (now?: Date) => m.send(now);
const mailsTo = (address: string) => m.mailsTo(address);
const text = (m: { parsed: { text?: string } }) => m.parsed.text!.replace(/\s+/g, " ");

const until = (what: string, check: () => Promise<boolean>) => waitUntil(what, check, { timeoutMs: 20_000 });

describe("the birthday e-mail", () => {
  it("goes out once with the bonus the points job granted", async () => {
    expect((await saveLoyaltyProgram(t.db.prisma, TEST_SHOP, { birthdayBonus: 200 })).ok).toBe(true);
    const c = await t.memberWithPoints(30, "birthday-bea@example.com");
    const now = new Date();
    const shop = await t.db.prisma.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } });
    const [month, day] = new Intl.DateTimeFormat("en-GB", { month: "2-digit", day: "2-digit", timeZone: shop.timezone ?? "UTC" }).formatToParts(now).filter((p) => p.type !== "literal").map((p) => p.value).reverse();
    await t.db.prisma.member.update({ where: { shop_customerId: { shop: TEST_SHOP, customerId: String(c.id) } }, data: { birthday: `${month}-${day}`, firstName: "Bea" } });
    expect((await grantBirthdayBonuses(t.db.prisma, now)).granted).toBe(1);

    expect(await queueBirthdayMails(t.db.prisma, now)).toEqual([TEST_SHOP]);
    expect(await queueBirthdayMails(t.db.prisma, now)).toEqual([]);
    expect(await send()).toEqual({ sent: 1, suppressed: 0, failed: 0 });
    const [mail] = mailsTo("birthday-bea@example.com");
    expect(mail.parsed.subject).toBe("Happy birthday: 200 points from Treue Test");
    expect(text(mail)).toContain("Hi Bea, Happy birthday! We have added 200 points to your account.");
    expect(text(mail)).toContain("Your balance: 230 points.");
    expect(mail.raw).toContain("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
  });
});

describe("the referral e-mails", () => {
  it("tell the advocate that a friend ordered with their code, and later that the reward is in", async () => {
    const advocate = await t.standin.createCustomer({ email: "advocate-ali@example.com", firstName: "Ali" });
    const token = t.standin.mintCheckoutToken({ customerGid: `gid://shopify/Customer/${advocate.id}` });
    const loyalty = await browserFetch(`${t.app.url}/api/loyalty`, { headers: { Origin: "https://extensions.shopifycdn.com", Authorization: `Bearer ${token}` } });
    expect(loyalty.status).toBe(200);
    const code = ((await loyalty.json()) as { referral: { code: string } }).referral.code;
    const order = await t.standin.createOrder({ customer: { email: "friend-fritz@example.com", firstName: "Fritz" }, discountCodes: [code], lines: [{ sku: "MUG", quantity: 1, unitPriceMinor: 3_000 }] });
    await until("the friend's order is a referral", async () => (await t.db.prisma.referral.findFirst({ where: { shop: TEST_SHOP, orderId: String(order.id), status: "pending" } })) !== null);

    expect(await queueReferralMails(t.db.prisma, new Date())).toEqual([TEST_SHOP]);
    expect(await queueReferralMails(t.db.prisma, new Date())).toEqual([]);
    expect(await send()).toEqual({ sent: 1, suppressed: 0, failed: 0 });
    const [ordered] = mailsTo("advocate-ali@example.com");
    expect(ordered.parsed.subject).toBe("A friend you referred ordered at Treue Test");
    expect(text(ordered)).toContain("You get 500 points once the order is paid and has not been cancelled or refunded for 14 days.");
    // The friend hears nothing from this: it is the advocate's news.
    expect(mailsTo("friend-fritz@example.com")).toEqual([]);

    const referral = await t.db.prisma.referral.findFirstOrThrow({ where: { shop: TEST_SHOP, orderId: String(order.id) } });
    // The job runs once the window has passed (two weeks on); so does the mail.
    const later = new Date(referral.orderPlacedAt.getTime() + 15 * DAY);
    expect((await creditReferralAdvocates(t.db.prisma, later)).credited).toBe(1);
    expect(await queueReferralMails(t.db.prisma, later)).toEqual([TEST_SHOP]);
    expect(await send(later)).toEqual({ sent: 1, suppressed: 0, failed: 0 });
    const reward = mailsTo("advocate-ali@example.com")[1];
    expect(reward.parsed.subject).toBe("500 points for your referral at Treue Test");
    expect(text(reward)).toContain("Your balance: 500 points.");
    expect(await queueReferralMails(t.db.prisma, later)).toEqual([]);
  });

  it("tells no one of a referral a fraud rule blocked", async () => {
    const blocked = await t.db.prisma.referral.create({
      data: { shop: TEST_SHOP, orderId: "990001", code: "SELF", advocateCustomerId: "424242", status: "blocked", blockReason: "self-referral", orderPlacedAt: new Date(), orderUpdatedAt: new Date() },
    });
    expect(await queueReferralMails(t.db.prisma, new Date())).toEqual([]);
    expect(await t.db.prisma.memberMail.count({ where: { shop: TEST_SHOP, eventKey: { endsWith: `:${blocked.id}` } } })).toBe(0);
  });
});
