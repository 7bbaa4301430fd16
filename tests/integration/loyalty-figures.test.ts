// The loyalty figures page's numbers through the built app, as the admin asks for them (session token, Remix
// data request): ledger entries written by the app's own writer on both sides of the period's first day in the
// shop's time zone (Berlin), rewards redeemed, used and returned, referrals with their orders. Every expected
// number is worked out here from what was written, not by the code under test.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendLedgerEntry } from "~/points/points-ledger.server";
import type { LedgerEntry, LedgerEntryKind } from "~/points/domain/ledger";
import { browserFetch, startTreue, TEST_SHOP, type TreueHarness } from "../support/treue-harness";

let t: TreueHarness;
const ZONE = "Europe/Berlin";
const DAY = 86_400_000;
const berlinDay = (at: Date) => new Intl.DateTimeFormat("sv-SE", { timeZone: ZONE, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);
/** The instant a Berlin calendar day begins (CET or CEST, whichever is in force). */
const berlinMidnight = (day: string) => {
  for (const offsetHours of [1, 2]) {
    const at = new Date(Date.parse(`${day}T00:00:00Z`) - offsetHours * 3_600_000);
    if (berlinDay(at) === day && berlinDay(new Date(at.getTime() - 1)) !== day) return at;
  }
  throw new Error(`no Berlin midnight found for ${day}`);
};

const now = new Date();
const today = berlinDay(now);
const periodStart = berlinDay(new Date(Date.parse(`${today}T12:00:00Z`) - 29 * DAY));
const firstInstant = berlinMidnight(periodStart);
const written: { kind: LedgerEntryKind; points: number; at: Date; customerId: string }[] = [];

beforeAll(async () => {
  t = await startTreue({});
  const prisma = t.db.prisma;
  await prisma.shop.upsert({ where: { domain: TEST_SHOP }, create: { domain: TEST_SHOP, currency: "GBP", timezone: ZONE }, update: { timezone: ZONE, currency: "GBP" } });
  const members = new Map<string, bigint>();
  for (const customerId of ["101", "102", "103"]) members.set(customerId, (await prisma.member.create({ data: { shop: TEST_SHOP, customerId } })).id);
  // Just inside the period (its first half hour in Berlin, the evening before in UTC), just outside it, well
  // inside, and months back.
  const plan: [LedgerEntryKind, number, Date, string][] = [
    ["earn", 400, new Date(firstInstant.getTime() + 30 * 60_000), "101"],
    ["earn", 250, new Date(firstInstant.getTime() - 30 * 60_000), "101"],
    ["adjust-order", -50, new Date(now.getTime() - 2 * DAY), "101"],
    ["signup-bonus", 100, new Date(now.getTime() - 3 * DAY), "102"],
    ["earn", 900, new Date(now.getTime() - 200 * DAY), "103"],
    ["redeem", -500, new Date(now.getTime() - DAY), "103"],
    ["redeem-reversal", 200, new Date(now.getTime() - DAY / 2), "103"],
    ["expire", -100, new Date(now.getTime() - 5 * DAY), "102"],
    ["manual", 30, new Date(now.getTime() - 60 * DAY), "102"],
  ];
  let n = 0;
  for (const [kind, points, at, customerId] of plan) {
    const entry: LedgerEntry = {
      key: `test:${n++}`,
      kind,
      customerId,
      points,
      at,
      availableAt: at,
      ...(kind === "earn" || kind === "adjust-order" ? { orderId: `9${n}`, orderCreatedAt: at } : {}),
      ...(kind === "manual" ? { reason: "goodwill" } : {}),
    };
    await appendLedgerEntry(prisma, TEST_SHOP, members.get(customerId)!, entry);
    written.push({ kind, points, at, customerId });
  }
  const redemption = (key: string, rewardId: string, title: string, status: string, createdAt: Date, pointsCost: number) =>
    prisma.redemption.create({
      data: {
        shop: TEST_SHOP, idempotencyKey: key, memberId: members.get("103")!, customerId: "103", rewardId, reward: { id: rewardId, title }, pointsCost,
        code: `CODE-${key}`, status, createdAt, expiresAt: new Date(createdAt.getTime() + 30 * DAY),
      },
    });
  await redemption("a", "five-off", "£5 off", "redeemed", new Date(now.getTime() - DAY), 500);
  await redemption("b", "five-off", "£5 off", "returned", new Date(now.getTime() - DAY), 500);
  await redemption("c", "five-off", "£5 off", "issued", new Date(now.getTime() - 2 * DAY), 500);
  await redemption("d", "shipping", "Free shipping", "redeemed", new Date(now.getTime() - 3 * DAY), 300);
  await redemption("old", "shipping", "Free shipping", "redeemed", new Date(now.getTime() - 90 * DAY), 300);
  const referral = (orderId: string, status: string, placed: Date) =>
    prisma.referral.create({
      data: { shop: TEST_SHOP, orderId, code: "ADA10", advocateCustomerId: "101", friendCustomerId: `2${orderId}`, status, orderPlacedAt: placed, orderUpdatedAt: placed },
    });
  await referral("7001", "credited", new Date(now.getTime() - 4 * DAY));
  await referral("7002", "pending", new Date(now.getTime() - 4 * DAY));
  await referral("7003", "blocked", new Date(now.getTime() - 4 * DAY));
  await referral("7004", "credited", new Date(now.getTime() - 50 * DAY));
  for (const [id, amountMinor] of [["7001", 4500], ["7002", 1999], ["7003", 8000], ["7004", 7000]] as const) {
    const at = new Date(now.getTime() - 4 * DAY);
    await prisma.historyOrder.create({ data: { shop: TEST_SHOP, id: BigInt(id), customerId: BigInt(`2${id}`), createdAt: at, updatedAt: at, amountMinor, currency: "GBP", source: "webhook" } });
  }
});
afterAll(async () => {
  await t?.close();
});

interface Figures {
  period: { from: string; to: string };
  currency: string;
  members: { total: number; withPoints: number };
  outstanding: { points: number; liabilityMinor: number | null };
  inPeriod: { issued: number; redeemed: number; expired: number; redemptionRate: number | null };
  lifetime: { issued: number; redeemed: number; expired: number };
  months: { month: string; issued: number; redeemed: number; expired: number }[];
  rewards: { rewardId: string; title: string; redemptions: number; used: number; returned: number; points: number }[];
  referrals: { orders: number; credited: number; revenueMinor: number };
}

async function figures(days = "30"): Promise<Figures> {
  const url = new URL(t.adminUrl("/app/loyalty", { days, _data: "routes/app.loyalty" }));
  const res = await browserFetch(url.toString(), { headers: { Authorization: `Bearer ${url.searchParams.get("id_token")}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { figures: Figures }).figures;
}

const flows = (entries: typeof written) => {
  const sum = (kinds: LedgerEntryKind[]) => entries.filter((e) => kinds.includes(e.kind)).reduce((s, e) => s + e.points, 0);
  return {
    issued: sum(["earn", "adjust-order", "signup-bonus", "birthday-bonus", "referral-bonus", "manual"]),
    redeemed: 0 - sum(["redeem", "redeem-reversal"]),
    expired: 0 - sum(["expire", "expire-reversal"]),
  };
};

describe("loyalty figures", () => {
  it("count the period in the shop's calendar days and what is outstanding now", async () => {
    const f = await figures("30");
    expect(f.period).toEqual({ from: periodStart, to: today });
    const inPeriod = written.filter((e) => berlinDay(e.at) >= periodStart);
    expect(inPeriod.length).toBe(written.length - 3); // the half hour before the period, 60 and 200 days back
    const expected = flows(inPeriod);
    expect(f.inPeriod).toEqual({ ...expected, redemptionRate: expected.redeemed / expected.issued });
    expect(f.lifetime).toEqual(flows(written));
    const balances = new Map<string, number>();
    for (const e of written) balances.set(e.customerId, (balances.get(e.customerId) ?? 0) + e.points);
    expect(f.members).toEqual({ total: 3, withPoints: [...balances.values()].filter((b) => b > 0).length });
    expect(f.outstanding.points).toBe([...balances.values()].reduce((s, b) => s + Math.max(0, b), 0));
    // The default catalog's best money reward: 500 points for 5.00 off.
    expect(f.outstanding.liabilityMinor).toBe(Math.floor((f.outstanding.points * 500) / 500));
    // Twelve months, the current one last; each month's flows are its entries'.
    expect(f.months).toHaveLength(12);
    for (const m of f.months) expect({ month: m.month, issued: m.issued, redeemed: m.redeemed, expired: m.expired }).toEqual({ month: m.month, ...flows(written.filter((e) => berlinDay(e.at).slice(0, 7) === m.month)) });
    expect(f.months.at(-1)!.month).toBe(today.slice(0, 7));
  });

  it("show rewards used and returned, and referrals that converted, in the period", async () => {
    const f = await figures("30");
    expect(f.rewards).toEqual([
      { rewardId: "five-off", title: "£5 off", redemptions: 3, used: 1, returned: 1, points: 1000 },
      { rewardId: "shipping", title: "Free shipping", redemptions: 1, used: 1, returned: 0, points: 300 },
    ]);
    // The blocked referral is no conversion; the one 50 days back is outside the period.
    expect(f.referrals).toEqual({ orders: 2, credited: 1, revenueMinor: 4500 + 1999 });
    const year = await figures("365");
    expect(year.referrals).toEqual({ orders: 3, credited: 2, revenueMinor: 4500 + 1999 + 7000 });
    expect(year.rewards.find((r) => r.rewardId === "shipping")?.redemptions).toBe(2);
  });
});
