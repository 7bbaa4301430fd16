// A test of the whole program end to end: started in the admin (real session token); while it runs, new customers
// the deterministic assignment holds out get no program — their orders (signed webhooks) earn nothing, no sign-up
// bonus, no member e-mail, and the loyalty API tells the surfaces they are not in it — while customers from
// before the test and the others have the program as before; the page reports both groups' repeat purchases; once
// stopped, the held-out customers' next orders earn again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { heldOutOfProgram } from "~/engagement/domain/experiments";
import { experimentReports } from "~/engagement/experiments.server";
import { queuePointsEarnedMails } from "~/engagement/member-mails.server";
import { saveLoyaltyProgram } from "~/points/loyalty-program.server";
import { grantBirthdayBonuses } from "~/points/points-jobs.server";
import { browserFetch, TEST_SHOP, type TreueHarness } from "../support/treue-harness";
import { startTreueWithMail, type MailHarness } from "../support/mail-harness";
import type { SmtpCapture } from "../support/smtp-capture";
import { until } from "../support/until";

let t: TreueHarness;
let smtp: SmtpCapture;
let m: MailHarness;

beforeAll(async () => {
  m = await startTreueWithMail();
  ({ t, smtp } = m);
});
afterAll(async () => {
  await m?.close();
});


/** What the checkout and account extensions get for the customer. */
async function loyaltyOf(customerId: number) {
  const token = t.standin.mintCheckoutToken({ customerGid: `gid://shopify/Customer/${customerId}` });
  const res = await browserFetch(`${t.app.url}/api/loyalty`, { headers: { Origin: "https://extensions.shopifycdn.com", Authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as { inProgram: boolean; balance: number; earnRate: unknown; rewards: unknown[] };
}

const orderRow = (orderId: number) => t.db.prisma.orderPoints.findUnique({ where: { shop_orderId: { shop: TEST_SHOP, orderId: String(orderId) } } });
const pointsOf = async (customerId: number) =>
  (await t.db.prisma.member.findUnique({ where: { shop_customerId: { shop: TEST_SHOP, customerId: String(customerId) } } }))?.points ?? 0;

describe("a test of the whole program", () => {
  const before: number[] = [];
  const held: number[] = [];
  const kept: number[] = [];
  const emailOf = new Map<number, string>();
  let testId = "";

  it("is started in the admin; customers from before it keep the program", async () => {
    for (let i = 0; i < 12; i++) before.push((await t.memberWithPoints(20, `before${i}@example.com`)).id);
    expect((await saveLoyaltyProgram(t.db.prisma, TEST_SHOP, { signupBonus: 50 })).ok).toBe(true);
    const started = await t.adminPost("/app/experiments", { intent: "start", subject: "program", name: "Program or not", holdoutPercent: "50", windowDays: "30" });
    expect(started.status).toBe(200);
    const test = await t.db.prisma.experiment.findFirstOrThrow({ where: { shop: TEST_SHOP, subject: "program", status: "running" } });
    testId = test.id;
    // About half of them fall in the holdout by the assignment, but they were there before the test.
    const wouldBeHeld = before.filter((id) => heldOutOfProgram({ id: test.id, holdoutPercent: 50, startedAt: test.startedAt }, String(id), new Date()));
    expect(wouldBeHeld.length).toBeGreaterThan(0);
    for (const id of wouldBeHeld) {
      const state = await loyaltyOf(id);
      expect(state).toMatchObject({ inProgram: true, balance: 20 });
      await t.standin.createOrder({ customerId: id, lines: [{ sku: "TEA", quantity: 1, unitPriceMinor: 1_000 }] });
    }
    await until("their next orders earned", async () => (await Promise.all(wouldBeHeld.map(pointsOf))).every((p) => p === 30));
  });

  it("holds new customers out by the assignment: no points, no sign-up bonus, no program on the surfaces", async () => {
    const test = { id: testId, holdoutPercent: 50, startedAt: (await t.db.prisma.experiment.findUniqueOrThrow({ where: { id: testId } })).startedAt };
    // Shopify's created_at has whole seconds: a customer created in the test's first second would count as one
    // from before it.
    await new Promise((r) => setTimeout(r, Math.max(0, test.startedAt.getTime() + 1_100 - Date.now())));
    for (let i = 0; held.length < 3 || kept.length < 3; i++) {
      if (i >= 40) throw new Error(`40 new customers and still not three in each group: ${held.length} held, ${kept.length} kept`);
      const c = await t.standin.createCustomer({ email: `new${i}@example.com` });
      emailOf.set(c.id, `new${i}@example.com`);
      (heldOutOfProgram(test, String(c.id), new Date()) ? held : kept).push(c.id);
    }
    const orders = new Map<number, number>();
    for (const id of [...held, ...kept]) orders.set(id, (await t.standin.createOrder({ customerId: id, lines: [{ sku: "TEA", quantity: 1, unitPriceMinor: 4_000 }] })).id);
    await until("every first order was seen", async () => (await Promise.all([...orders.values()].map(orderRow))).every((r) => r?.newest));

    for (const id of kept) {
      expect(await pointsOf(id)).toBe(90); // 50 for signing up, 40 for the order
      expect(await loyaltyOf(id)).toMatchObject({ inProgram: true, balance: 90 });
    }
    for (const id of held) {
      expect(await pointsOf(id)).toBe(0);
      const row = await orderRow(orders.get(id)!);
      expect(row!.awarded).toBe(0);
      expect((row!.worth as { breakdown: { nothingEarnedBecause: string } }).breakdown.nothingEarnedBecause).toBe("program-holdout");
      expect(await t.db.prisma.ledgerEntry.count({ where: { shop: TEST_SHOP, customerId: String(id) } })).toBe(0);
      expect(await loyaltyOf(id)).toMatchObject({ inProgram: false, balance: 0, earnRate: null, rewards: [] });
    }
    // Staff see why on the member's page; a member in the program has no such note.
    const memberPage = async (customerId: number) => {
      const member = await t.db.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop: TEST_SHOP, customerId: String(customerId) } } });
      return (await (await browserFetch(t.adminUrl(`/app/members/${member.id}`))).text()).replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");
    };
    expect(await memberPage(held[0])).toContain("Held out of the program by a test");
    expect(await memberPage(kept[0])).not.toContain("Held out of the program");
  });

  it("sends the held-out customers no member e-mail", async () => {
    await queuePointsEarnedMails(t.db.prisma, new Date());
    // Mail queued for them some other way (a kind queued before the test, say) is held back when it would go.
    await t.db.prisma.memberMail.create({ data: { shop: TEST_SHOP, customerId: String(held[0]), eventKey: "birthday:test", kind: "birthday", category: "service", locale: "en", data: { points: 10 } } });
    await m.send();
    const to = smtp.messages.map((mail) => mail.envelopeTo[0]);
    for (const id of held) expect(to).not.toContain(emailOf.get(id));
    for (const id of kept) expect(to).toContain(emailOf.get(id));
    const heldMail = await t.db.prisma.memberMail.findMany({ where: { shop: TEST_SHOP, customerId: { in: held.map(String) } } });
    expect(heldMail.map((mail) => [mail.kind, mail.status, mail.reason])).toEqual([["birthday", "suppressed", "program-holdout"]]);
    const keptMail = await t.db.prisma.memberMail.findMany({ where: { shop: TEST_SHOP, customerId: { in: kept.map(String) }, kind: "points-earned" } });
    expect(keptMail.map((mail) => mail.status)).toEqual(kept.map(() => "sent"));
  });

  it("gives the held-out customers no birthday bonus, the others theirs", async () => {
    expect((await saveLoyaltyProgram(t.db.prisma, TEST_SHOP, { signupBonus: 50, birthdayBonus: 150 })).ok).toBe(true);
    // A birthday today on the shop's calendar, as staff can set it on the member page for anyone.
    const shop = await t.db.prisma.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } });
    const parts = new Intl.DateTimeFormat("en-GB", { month: "2-digit", day: "2-digit", timeZone: shop.timezone ?? "UTC" }).formatToParts(new Date());
    const birthday = `${parts.find((p) => p.type === "month")!.value}-${parts.find((p) => p.type === "day")!.value}`;
    await t.db.prisma.member.updateMany({ where: { shop: TEST_SHOP, customerId: { in: [String(held[0]), String(kept[0])] } }, data: { birthday } });
    const [heldBefore, keptBefore] = [await pointsOf(held[0]), await pointsOf(kept[0])];
    expect(await grantBirthdayBonuses(t.db.prisma, new Date())).toMatchObject({ granted: 1, heldOut: 1 });
    expect(await pointsOf(kept[0])).toBe(keptBefore + 150);
    expect(await pointsOf(held[0])).toBe(heldBefore);
    expect(await t.db.prisma.ledgerEntry.count({ where: { shop: TEST_SHOP, customerId: String(held[0]) } })).toBe(0);
  });

  it("reports what each group bought after its first order, on the page", async () => {
    // Two of the held-out customers and one of the others come back.
    for (const id of [held[0], held[1], kept[0]]) await t.standin.createOrder({ customerId: id, lines: [{ sku: "TEA", quantity: 1, unitPriceMinor: 2_500 }] });
    await until("the repeat orders are in the history", async () => (await t.db.prisma.historyOrder.count({ where: { shop: TEST_SHOP, customerId: { in: [held[0], held[1], kept[0]].map(BigInt) } } })) === 6);
    const [report] = await experimentReports(t.db.prisma, TEST_SHOP);
    expect(report.subject).toBe("program");
    const arms = Object.fromEntries(report.arms.map((a) => [a.arm, a]));
    expect(arms.holdout).toMatchObject({ members: held.length, repeaters: 2, revenueMinor: 5_000 });
    expect(arms.program).toMatchObject({ members: kept.length, repeaters: 1, revenueMinor: 2_500 });
    const page = (await (await browserFetch(t.adminUrl("/app/experiments"))).text()).replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");
    expect(page).toContain("The whole program: new customers held out see no program.");
    expect(page).toContain("In the program");
    expect(page).toContain("effect on new customers: bought again");
  });

  it("once stopped, gives the held-out customers the program back from their next order", async () => {
    expect((await t.adminPost("/app/experiments", { intent: "stop", id: testId })).status).toBe(200);
    expect(await loyaltyOf(held[2])).toMatchObject({ inProgram: true, balance: 0 });
    await t.standin.createOrder({ customerId: held[2], lines: [{ sku: "TEA", quantity: 1, unitPriceMinor: 3_000 }] });
    await until("the next order earned", async () => (await pointsOf(held[2])) === 30);
  });
});
