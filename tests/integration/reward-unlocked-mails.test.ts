// "Reward unlocked" e-mails end to end, over real SMTP: paid orders through signed webhooks earn points; the mail
// job tells a member once when their spendable points first reach a reward (the dearest one reached), again only
// after the balance fell below it and climbed back; pending points count from the day they become spendable; an
// imported balance wakes nobody; news that is no longer true when the mail would go is not sent.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queueRewardUnlockedMails } from "~/engagement/reward-unlocked.server";
import { saveLoyaltyProgram } from "~/points/loyalty-program.server";
import { adjustMemberPoints } from "~/members/members-directory.server";
import { applyBalanceImport } from "~/members/balance-import.server";
import { setRewardEnabled } from "~/rewards/rewards-catalog.server";
import { TEST_SHOP, type TreueHarness } from "../support/treue-harness";
import { startTreueWithMail, type MailHarness } from "../support/mail-harness";

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
const queue = (now = new Date()) => queueRewardUnlockedMails(t.db.prisma, now);
const mailsTo = (address: string) => m.mailsTo(address);
const text = (m: { parsed: { text?: string } }) => m.parsed.text!.replace(/\s+/g, " ");
const memberOf = (customerId: number) => t.db.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop: TEST_SHOP, customerId: String(customerId) } } });

/** A paid order of `amountMinor` (1 point per pound) for the customer, once its points are in the ledger. */
async function order(customerId: number, amountMinor: number, earnEntries: number) {
  await t.standin.createOrder({ customerId, lines: [{ sku: "TEA", quantity: 1, unitPriceMinor: amountMinor }] });
  const deadline = Date.now() + 20_000;
  while ((await t.db.prisma.ledgerEntry.count({ where: { shop: TEST_SHOP, customerId: String(customerId), kind: "earn" } })) < earnEntries) {
    if (Date.now() > deadline) throw new Error(`customer ${customerId} has fewer than ${earnEntries} earn entries after 20 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("the reward-unlocked e-mail", () => {
  let rita: { id: number };

  it("goes out once when an order's points first reach a reward, naming it, the balance and what comes next", async () => {
    rita = await t.memberWithPoints(450, "rita@example.com");
    // The first order's points reached no reward: nothing to tell.
    expect(await queue()).toEqual([]);
    await order(rita.id, 10_000, 2);
    expect(await queue()).toEqual([TEST_SHOP]);
    expect(await queue()).toEqual([]); // once per event
    expect(await send()).toEqual({ sent: 1, suppressed: 0, failed: 0 });
    const [mail] = mailsTo("rita@example.com");
    expect(mail.parsed.subject).toBe("You can now redeem £5.00 off at Treue Test");
    expect(text(mail)).toContain("You now have 550 points: enough for £5.00 off (500 points).");
    expect(text(mail)).toContain(`Redeem your reward: https://${TEST_SHOP}/account`);
    expect(mail.raw).toContain("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
    const row = await t.db.prisma.memberMail.findFirstOrThrow({ where: { shop: TEST_SHOP, customerId: String(rita.id), kind: "reward-unlocked" } });
    expect(row).toMatchObject({ status: "sent", category: "service", data: { rewardId: "default-5-off", pointsCost: 500, points: 100 } });
  });

  it("says nothing while the balance only grows past rewards it reached, and speaks again after it fell below and came back", async () => {
    await order(rita.id, 2_000, 3); // 570: the £5 reward was reached already
    expect(await queue()).toEqual([]);
    const member = await memberOf(rita.id);
    const spent = await adjustMemberPoints(t.db.prisma, TEST_SHOP, { memberId: member.id, points: -500, reason: "Redeemed in store", requestId: "rita-spent", staffId: null });
    expect(spent).toMatchObject({ ok: true, balance: 70 });
    expect(await queue()).toEqual([]);
    await order(rita.id, 45_000, 4); // 520: the reward is within reach again
    expect(await queue()).toEqual([TEST_SHOP]);
    expect(await send()).toEqual({ sent: 1, suppressed: 0, failed: 0 });
    expect(mailsTo("rita@example.com")).toHaveLength(2);
    expect(text(mailsTo("rita@example.com")[1])).toContain("You now have 520 points: enough for £5.00 off (500 points).");
  });

  it("counts pending points from the day they can be spent", async () => {
    expect((await saveLoyaltyProgram(t.db.prisma, TEST_SHOP, { pendingDays: 14 })).ok).toBe(true);
    try {
      const pia = await t.standin.createCustomer({ email: "pia@example.com" });
      await order(pia.id, 60_000, 1);
      const [entry] = await t.db.prisma.ledgerEntry.findMany({ where: { shop: TEST_SHOP, customerId: String(pia.id), kind: "earn" } });
      expect(entry.availableAt.getTime()).toBeGreaterThan(Date.now() + 13 * DAY);
      expect(await queue()).toEqual([]);
      const spendable = new Date(entry.availableAt.getTime() + 60_000);
      expect(await queue(spendable)).toEqual([TEST_SHOP]);
      expect(await send(spendable)).toEqual({ sent: 1, suppressed: 0, failed: 0 });
      expect(mailsTo("pia@example.com")[0].parsed.subject).toBe("You can now redeem £5.00 off at Treue Test");
    } finally {
      expect((await saveLoyaltyProgram(t.db.prisma, TEST_SHOP, { pendingDays: 0 })).ok).toBe(true);
    }
  });

  it("wakes nobody for an imported balance", async () => {
    await t.memberWithPoints(10, "imported-ida@example.com");
    expect(await queue()).toEqual([]);
    const imported = await applyBalanceImport(t.db.prisma, TEST_SHOP, { text: "Email,Points\nimported-ida@example.com,900\n", mapping: {}, reason: "Moved from LoyaltyLion", staffId: null });
    expect(imported).toMatchObject({ ok: true });
    expect((await t.db.prisma.member.findFirstOrThrow({ where: { shop: TEST_SHOP, email: "imported-ida@example.com" } })).points).toBeGreaterThan(500);
    expect(await queue()).toEqual([]);
  });

  it("is not sent when the news is no longer true: the points spent, or the reward withdrawn", async () => {
    const spent = await t.memberWithPoints(530, "spent-sue@example.com");
    expect(await queue()).toEqual([TEST_SHOP]);
    const sue = await memberOf(spent.id);
    expect(await adjustMemberPoints(t.db.prisma, TEST_SHOP, { memberId: sue.id, points: -100, reason: "Goodwill reversed", requestId: "sue-spent", staffId: null })).toMatchObject({ ok: true, balance: 430 });
    expect(await send()).toEqual({ sent: 0, suppressed: 1, failed: 0 });

    const gone = await t.memberWithPoints(510, "gone-gus@example.com");
    expect(await queue()).toEqual([TEST_SHOP]);
    expect(await setRewardEnabled(t.db.prisma, TEST_SHOP, "default-5-off", false)).toBe(true);
    try {
      expect(await send()).toEqual({ sent: 0, suppressed: 1, failed: 0 });
    } finally {
      await setRewardEnabled(t.db.prisma, TEST_SHOP, "default-5-off", true);
    }
    const reasons = await t.db.prisma.memberMail.findMany({ where: { shop: TEST_SHOP, kind: "reward-unlocked", customerId: { in: [String(spent.id), String(gone.id)] } }, select: { customerId: true, reason: true } });
    expect(Object.fromEntries(reasons.map((r) => [r.customerId, r.reason]))).toEqual({ [String(spent.id)]: "balance-below", [String(gone.id)]: "reward-gone" });
    expect(mailsTo("spent-sue@example.com")).toEqual([]);
    expect(mailsTo("gone-gus@example.com")).toEqual([]);
  });
});
