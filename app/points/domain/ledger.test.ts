import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { entry, T0 } from "../../../tests/support/points-builders";
import {
  balanceOf,
  canRedeem,
  EMPTY_BALANCE,
  expiringLots,
  expiryEntries,
  foldBalance,
  lastActivityOf,
  openLots,
  postEntry,
  rebuildBalance,
  reminderDue,
  type ExpiryReminder,
  type LedgerEntry,
} from "./ledger";
import {
  birthdayBonusEntry,
  manualAdjustmentEntry,
  redemptionEntry,
  redemptionReversalEntry,
  signupBonusEntry,
} from "./entries";
import type { ExpiryPolicy } from "./program";
import { addDays } from "./time";

const day = (n: number) => addDays(T0, n);

/** An order posting for customer c1: all postings of one order share its creation and pending end. */
function orderPosting(orderId: string, posting: number, points: number, createdDay: number, atDay = createdDay, pendingDays = 0): LedgerEntry {
  return {
    key: `order:${orderId}:v${posting}`,
    kind: posting === 1 ? "earn" : "adjust-order",
    customerId: "c1",
    points,
    at: day(atDay),
    availableAt: day(createdDay + pendingDays),
    orderId,
    orderCreatedAt: day(createdDay),
  };
}

function post(entries: LedgerEntry[], ...more: LedgerEntry[]): LedgerEntry[] {
  let ledger = entries;
  for (const e of more) {
    const r = postEntry(ledger, e);
    if (r.outcome !== "posted") throw new Error(`${e.key}: ${r.outcome}`);
    ledger = r.entries;
  }
  return ledger;
}

function runExpiry(entries: LedgerEntry[], now: Date, policy: ExpiryPolicy) {
  const due = expiryEntries(entries, now, policy);
  return { entries: post(entries, ...due), due };
}

describe("balanceOf", () => {
  it("keeps order points pending until the pending period ends", () => {
    const ledger = [orderPosting("o1", 1, 100, 0, 0, 14)];
    expect(balanceOf(ledger, day(13))).toEqual({ balance: 0, pending: 100, lifetimeEarned: 100, lifetimeRedeemed: 0, expired: 0 });
    expect(balanceOf(ledger, day(14))).toMatchObject({ balance: 100, pending: 0 });
  });

  it("lets a refund inside the pending period take back pending points only", () => {
    const ledger = [entry(40), orderPosting("o1", 1, 100, 0, 0, 14), orderPosting("o1", 2, -30, 0, 3, 14)];
    expect(balanceOf(ledger, day(5))).toMatchObject({ balance: 40, pending: 70 });
    expect(balanceOf(ledger, day(14))).toMatchObject({ balance: 110, pending: 0 });
  });

  it("counts points on their way out at once", () => {
    // Defensive: were a reversal ever due later than the points it reverses, it would not be spendable meanwhile.
    const ledger = [entry(100), entry(-50, { kind: "manual", reason: "goodwill clawback", availableAt: day(30) })];
    expect(balanceOf(ledger, day(1))).toMatchObject({ balance: 50, pending: 0 });
  });

  it("goes below zero when a refund reverses points already spent, and then refuses redemptions", () => {
    let ledger = post([], orderPosting("o1", 1, 100, 0), redemptionEntry({ customerId: "c1", redemptionId: "r1", points: 100, at: day(1) }));
    ledger = post(ledger, orderPosting("o1", 2, -100, 0, 2));
    expect(balanceOf(ledger, day(3))).toMatchObject({ balance: -100, lifetimeEarned: 0, lifetimeRedeemed: 100 });
    expect(canRedeem(ledger, 1, day(3))).toBe(false);
    expect(postEntry(ledger, redemptionEntry({ customerId: "c1", redemptionId: "r2", points: 1, at: day(3) }))).toEqual({ outcome: "insufficient-points", balance: -100 });
  });
});

describe("canRedeem", () => {
  it("counts only spendable points and never lets the balance go below zero", () => {
    const ledger = [entry(30), orderPosting("o1", 1, 100, 0, 0, 14)];
    expect(canRedeem(ledger, 30, day(1))).toBe(true);
    expect(canRedeem(ledger, 31, day(1))).toBe(false);
    expect(canRedeem(ledger, 130, day(14))).toBe(true);
    expect(canRedeem(ledger, 0, day(14))).toBe(false);
    expect(canRedeem(ledger, 1.5, day(14))).toBe(false);
  });
});

describe("postEntry", () => {
  const signup = signupBonusEntry({ signupBonus: 50 }, "c1", T0)!;

  it("refuses a replay as a duplicate and a different entry under a used key as a conflict", () => {
    const ledger = post([], signup);
    expect(postEntry(ledger, { ...signup })).toEqual({ outcome: "duplicate" });
    expect(postEntry(ledger, { ...signup, points: 60 })).toMatchObject({ outcome: "key-conflict", existing: signup });
  });

  it("refuses entries that break the rules of their kind", () => {
    expect(postEntry([], { ...signup, points: -5 })).toMatchObject({ outcome: "invalid" });
    expect(postEntry([], { ...signup, points: 1.5 })).toMatchObject({ outcome: "invalid" });
    expect(postEntry([], manualAdjustmentEntry({ customerId: "c1", points: 5, reason: "  ", requestId: "m1", at: T0 }))).toMatchObject({ outcome: "invalid" });
    expect(postEntry([], { ...orderPosting("o1", 1, 5, 0), orderId: undefined })).toMatchObject({ outcome: "invalid" });
    expect(postEntry([signup], { ...entry(5), customerId: "c2" })).toMatchObject({ outcome: "invalid" });
    expect(postEntry([], redemptionEntry({ customerId: "c1", redemptionId: "r", points: 0, at: T0 }))).toMatchObject({ outcome: "invalid" });
  });

  it("records staff adjustments with their reason and who made them", () => {
    const e = manualAdjustmentEntry({ customerId: "c1", points: -20, reason: " Parcel lost, reissued ", staffId: "staff-7", requestId: "req-1", at: T0 });
    expect(e).toMatchObject({ key: "manual:req-1", kind: "manual", points: -20, reason: "Parcel lost, reissued", staffId: "staff-7" });
    expect(postEntry([], e).outcome).toBe("posted");
  });
});

describe("bonuses", () => {
  it("grants the sign-up bonus once, spendable at once, and none when set to 0", () => {
    expect(signupBonusEntry({ signupBonus: 50 }, "c1", T0)).toMatchObject({ key: "signup:c1", points: 50, availableAt: T0 });
    expect(signupBonusEntry({ signupBonus: 0 }, "c1", T0)).toBeNull();
  });

  it("grants the birthday bonus on the day or up to a week late, once per year", () => {
    const p = { birthdayBonus: 100 };
    const birthday = { month: 3, day: 5 };
    expect(birthdayBonusEntry(p, "c1", birthday, new Date("2025-03-04T23:00:00Z"))).toBeNull();
    expect(birthdayBonusEntry(p, "c1", birthday, new Date("2025-03-05T00:00:00Z"))).toMatchObject({ key: "birthday:c1:2025", points: 100 });
    expect(birthdayBonusEntry(p, "c1", birthday, new Date("2025-03-11T23:59:59Z"))?.key).toBe("birthday:c1:2025");
    expect(birthdayBonusEntry(p, "c1", birthday, new Date("2025-03-12T00:00:00Z"))).toBeNull();
    expect(birthdayBonusEntry(p, "c1", { month: 12, day: 30 }, new Date("2026-01-02T08:00:00Z"))?.key).toBe("birthday:c1:2025");
    expect(birthdayBonusEntry(p, "c1", { month: 2, day: 29 }, new Date("2025-02-28T08:00:00Z"))?.at).toEqual(new Date("2025-02-28T00:00:00Z"));
  });

  it("gives a redemption back when its code expired unused", () => {
    const r = redemptionEntry({ customerId: "c1", redemptionId: "r1", points: 40, at: T0 });
    expect(redemptionReversalEntry(r, day(30))).toMatchObject({ key: "redeem:r1:reversal", kind: "redeem-reversal", points: 40 });
    const ledger = post([], entry(100), r, redemptionReversalEntry(r, day(30)));
    expect(balanceOf(ledger, day(30))).toMatchObject({ balance: 100, lifetimeRedeemed: 0 });
  });
});

describe("lots and expiry", () => {
  const lots: ExpiryPolicy = { mode: "lots", months: 6, reminderDays: 14 };

  it("spends the oldest lot first and expires what is left of each lot", () => {
    let ledger = post([], orderPosting("march", 1, 50, 0), orderPosting("april", 1, 50, 31), redemptionEntry({ customerId: "c1", redemptionId: "r1", points: 70, at: day(40) }));
    expect(openLots(ledger).map((l) => [l.lotKey, l.points])).toEqual([["order:april", 30]]);
    expect(expiryEntries(ledger, day(200), lots)).toEqual([]);
    const run = runExpiry(ledger, day(215), lots);
    expect(run.due).toEqual([
      { key: "expire:order:april:1", kind: "expire", customerId: "c1", points: -30, at: new Date("2025-10-01T12:00:00Z"), availableAt: new Date("2025-10-01T12:00:00Z"), lotKey: "order:april" },
    ]);
    ledger = run.entries;
    expect(balanceOf(ledger, day(215))).toMatchObject({ balance: 0, expired: 30 });
    expect(expiryEntries(ledger, day(215), lots)).toEqual([]);
  });

  it("counts the months on the shop's calendar: points earned at 00:30 on 31 March in Berlin expire at 00:30 on 30 April there", () => {
    const placed = new Date("2026-03-30T22:30:00Z"); // 31 March, 00:30 in Berlin
    const ledger = post([], { key: "order:o1:v1", kind: "earn", customerId: "c1", points: 50, at: placed, availableAt: placed, orderId: "o1", orderCreatedAt: placed });
    const monthly: ExpiryPolicy = { mode: "lots", months: 1, reminderDays: 3 };
    const berlinExpiry = new Date("2026-04-29T22:30:00Z");
    expect(expiringLots(ledger, new Date("2026-12-31T00:00:00Z"), monthly, "Europe/Berlin")[0].expiresAt).toEqual(berlinExpiry);
    // UTC months would keep them a day longer, to 1 May in Berlin.
    expect(expiringLots(ledger, new Date("2026-12-31T00:00:00Z"), monthly)[0].expiresAt).toEqual(new Date("2026-04-30T22:30:00Z"));
    const now = new Date("2026-04-30T06:00:00Z");
    expect(expiryEntries(ledger, now, monthly, "Europe/Berlin")).toMatchObject([{ kind: "expire", points: -50, at: berlinExpiry }]);
    expect(expiryEntries(ledger, now, monthly)).toEqual([]);
    // The reminder names the shop's expiry too.
    expect(reminderDue(ledger, new Date("2026-04-27T12:00:00Z"), monthly, [], "Europe/Berlin")).toMatchObject({ points: 50, expiresAt: berlinExpiry });
  });

  it("lets a refund shrink the lot of its own order, not the oldest one", () => {
    const ledger = post([], orderPosting("o1", 1, 50, 0), orderPosting("o2", 1, 80, 10), orderPosting("o2", 2, -80, 10, 12));
    expect(openLots(ledger).map((l) => [l.lotKey, l.points])).toEqual([["order:o1", 50]]);
  });

  it("makes up for points reversed after they were spent from the oldest lots, then from new ones", () => {
    let ledger = post([], orderPosting("o1", 1, 100, 0), entry(30, { at: day(5) }), redemptionEntry({ customerId: "c1", redemptionId: "r1", points: 100, at: day(6) }));
    ledger = post(ledger, orderPosting("o1", 2, -100, 0, 7));
    expect(openLots(ledger)).toEqual([]);
    expect(balanceOf(ledger, day(7)).balance).toBe(-70);
    ledger = post(ledger, orderPosting("o2", 1, 100, 8));
    expect(openLots(ledger).map((l) => [l.lotKey, l.points])).toEqual([["order:o2", 30]]);
    expect(expiringLots(ledger, day(400), lots).map((l) => l.points)).toEqual([30]);
  });

  it("gives expired points back when a later refund takes them back too", () => {
    let ledger = runExpiry(post([], orderPosting("o1", 1, 100, 0)), day(190), lots).entries;
    expect(balanceOf(ledger, day(190))).toMatchObject({ balance: 0, expired: 100 });
    ledger = post(ledger, orderPosting("o1", 2, -60, 0, 191));
    expect(balanceOf(ledger, day(191)).balance).toBe(-60);
    const run = runExpiry(ledger, day(192), lots);
    expect(run.due).toMatchObject([{ key: "expire-reversal:order:o1:1", kind: "expire-reversal", points: 60, lotKey: "order:o1" }]);
    expect(balanceOf(run.entries, day(192))).toMatchObject({ balance: 0, expired: 40 });
    expect(expiryEntries(run.entries, day(192), lots)).toEqual([]);
  });

  it("expires the whole balance months after the last activity, and later bonuses on their own clock", () => {
    const inactivity: ExpiryPolicy = { mode: "inactivity", months: 3, reminderDays: 7 };
    let ledger = post([], orderPosting("o1", 1, 50, 0), orderPosting("o2", 1, 20, 40), entry(10, { kind: "birthday-bonus", at: day(60) }));
    expect(lastActivityOf(ledger)).toEqual(day(40));
    expect(expiryEntries(ledger, addDays(day(40), 88), inactivity)).toEqual([]);
    const run = runExpiry(ledger, new Date("2025-07-10T12:00:00Z"), inactivity);
    expect(run.due.map((e) => [e.lotKey, e.points, e.at.toISOString()])).toEqual([
      ["order:o1", -50, "2025-07-10T12:00:00.000Z"],
      ["order:o2", -20, "2025-07-10T12:00:00.000Z"],
    ]);
    ledger = run.entries;
    expect(balanceOf(ledger, day(200)).balance).toBe(10);
    expect(expiryEntries(ledger, new Date("2025-07-30T11:00:00Z"), inactivity)).toEqual([]);
    expect(expiryEntries(ledger, new Date("2025-07-30T12:00:00Z"), inactivity).map((e) => e.points)).toEqual([-10]);
    // A redemption is activity: it moves every lot's expiry.
    const active = post(ledger, redemptionEntry({ customerId: "c1", redemptionId: "r1", points: 5, at: day(120) }));
    expect(expiringLots(active, day(200), inactivity)).toEqual([]);
  });

  it("reminds once per lot, gathering what expires within the reminder days", () => {
    const ledger = post([], orderPosting("o1", 1, 50, 0), orderPosting("o2", 1, 20, 3), orderPosting("o3", 1, 5, 20));
    const sent: ExpiryReminder[] = [];
    expect(reminderDue(ledger, new Date("2025-08-17T12:00:00Z"), lots, sent)).toBeNull();
    const first = reminderDue(ledger, new Date("2025-08-18T12:00:00Z"), lots, sent)!;
    expect(first).toMatchObject({ customerId: "c1", points: 50, expiresAt: new Date("2025-09-01T12:00:00Z"), covers: ["order:o1@2025-09-01T12:00:00.000Z"] });
    sent.push(first);
    expect(reminderDue(ledger, new Date("2025-08-19T12:00:00Z"), lots, sent)).toBeNull();
    const second = reminderDue(ledger, new Date("2025-08-21T12:00:00Z"), lots, sent)!;
    expect(second).toMatchObject({ points: 20, covers: ["order:o2@2025-09-04T12:00:00.000Z"] });
    expect(second.key).not.toBe(first.key);
    expect(reminderDue(ledger, day(300), { mode: "off" }, [])).toBeNull();
  });
});

describe("rebuildBalance", () => {
  it("sums the history by kind", () => {
    const ledger = post([], orderPosting("o1", 1, 100, 0), entry(-30, { at: day(1) }), entry(10, { kind: "manual", reason: "sorry" }), entry(-5, { kind: "expire", at: day(2), lotKey: "order:o1" }));
    expect(rebuildBalance(ledger)).toEqual({ points: 75, lifetimeEarned: 110, lifetimeRedeemed: 30, expired: 5, entryCount: 4 });
  });
});

// ---------------------------------------------------------------------------------------------------------
// Random histories: orders earning and being refunded, bonuses, redemptions (some refused), staff
// adjustments, given-back redemptions and expiry runs, on a clock that only moves forward.

type Op =
  | { op: "order"; order: number; points: number }
  | { op: "refund"; order: number; all: boolean }
  | { op: "bonus"; points: number }
  | { op: "redeem"; points: number }
  | { op: "manual"; points: number }
  | { op: "give-back" }
  | { op: "expire" };

const arbOp: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant("order" as const), order: fc.integer({ min: 1, max: 6 }), points: fc.integer({ min: -150, max: 200 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("refund" as const), order: fc.integer({ min: 1, max: 6 }), all: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("bonus" as const), points: fc.integer({ min: 1, max: 100 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("redeem" as const), points: fc.integer({ min: 1, max: 250 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("manual" as const), points: fc.integer({ min: -100, max: 100 }).filter((n) => n !== 0) }) },
  { weight: 1, arbitrary: fc.constant({ op: "give-back" as const }) },
  { weight: 3, arbitrary: fc.constant({ op: "expire" as const }) },
);

const arbPolicy: fc.Arbitrary<ExpiryPolicy> = fc.oneof(
  fc.record({ mode: fc.constant("lots" as const), months: fc.integer({ min: 1, max: 2 }), reminderDays: fc.constant(7) }),
  fc.record({ mode: fc.constant("inactivity" as const), months: fc.integer({ min: 1, max: 2 }), reminderDays: fc.constant(7) }),
);

interface HistoryChecks {
  onRedeemed?: (ledger: LedgerEntry[], now: Date) => void;
  onExpiryRun?: (before: LedgerEntry[], due: LedgerEntry[], after: LedgerEntry[], now: Date) => void;
}

function playHistory(ops: Op[], gaps: number[], policy: ExpiryPolicy, pendingDays: number, checks: HistoryChecks = {}): LedgerEntry[] {
  let ledger: LedgerEntry[] = [];
  const orders = new Map<number, { net: number; postings: number; created: number }>();
  const redemptions: LedgerEntry[] = [];
  let now = 0;
  ops.forEach((op, i) => {
    now += gaps[i % gaps.length];
    const at = day(now);
    const tryPost = (e: LedgerEntry) => {
      const r = postEntry(ledger, e);
      if (r.outcome === "posted") ledger = r.entries;
      return r.outcome;
    };
    switch (op.op) {
      case "order":
      case "refund": {
        const o = orders.get(op.order) ?? { net: 0, postings: 0, created: now };
        // The engine never lets an order's total go below zero: an order is worth 0 at the least.
        const points = op.op === "refund" ? -(op.all ? o.net : Math.ceil(o.net / 2)) : Math.max(op.points, -o.net);
        if (points === 0) break;
        o.postings++;
        o.net += points;
        orders.set(op.order, o);
        tryPost(orderPosting(`o${op.order}`, o.postings, points, o.created, now, pendingDays));
        break;
      }
      case "bonus":
        tryPost(entry(op.points, { key: `bonus:${i}`, at }));
        break;
      case "redeem": {
        const e = redemptionEntry({ customerId: "c1", redemptionId: String(i), points: op.points, at });
        const outcome = tryPost(e);
        expect(outcome === "posted").toBe(canRedeem(ledger.slice(0, outcome === "posted" ? -1 : undefined), op.points, at));
        if (outcome === "posted") {
          redemptions.push(e);
          checks.onRedeemed?.(ledger, at);
        }
        break;
      }
      case "manual":
        tryPost(manualAdjustmentEntry({ customerId: "c1", points: op.points, reason: "test", requestId: String(i), at }));
        break;
      case "give-back": {
        const r = redemptions.shift();
        if (r) tryPost(redemptionReversalEntry(r, at));
        break;
      }
      case "expire": {
        const before = ledger;
        const due = expiryEntries(ledger, at, policy);
        for (const e of due) expect(tryPost(e)).toBe("posted");
        checks.onExpiryRun?.(before, due, ledger, at);
        break;
      }
    }
  });
  return ledger;
}

const arbHistory = fc.record({
  ops: fc.array(arbOp, { minLength: 1, maxLength: 60 }),
  gaps: fc.array(fc.integer({ min: 0, max: 45 }), { minLength: 1, maxLength: 10 }),
  policy: arbPolicy,
  pendingDays: fc.constantFrom(0, 14),
});

describe("ledger properties", () => {
  it("an incrementally maintained balance always equals a full rebuild", () => {
    fc.assert(
      fc.property(arbHistory, ({ ops, gaps, policy, pendingDays }) => {
        const ledger = playHistory(ops, gaps, policy, pendingDays);
        let cached = EMPTY_BALANCE;
        ledger.forEach((e, i) => {
          cached = foldBalance(cached, e);
          expect(cached).toEqual(rebuildBalance(ledger.slice(0, i + 1)));
        });
        const settled = balanceOf(ledger, day(100_000));
        expect(settled.balance + settled.pending).toBe(cached.points);
        expect({ lifetimeEarned: settled.lifetimeEarned, lifetimeRedeemed: settled.lifetimeRedeemed, expired: settled.expired }).toEqual({
          lifetimeEarned: cached.lifetimeEarned,
          lifetimeRedeemed: cached.lifetimeRedeemed,
          expired: cached.expired,
        });
      }),
    );
  });

  it("expiry never expires more than earned minus spent, and a second run appends nothing", () => {
    fc.assert(
      fc.property(arbHistory, ({ ops, gaps, policy, pendingDays }) => {
        playHistory(ops, gaps, policy, pendingDays, {
          onExpiryRun: (before, due, after, now) => {
            const expiredNow = -due.reduce((s, e) => s + e.points, 0);
            const held = rebuildBalance(before).points;
            expect(expiredNow).toBeLessThanOrEqual(Math.max(0, held));
            // Over the whole history: points expired and points redeemed are distinct points that were earned.
            const total = rebuildBalance(after);
            const earnedGross = after.reduce((s, e) => (e.points > 0 && e.kind !== "expire-reversal" ? s + e.points : s), 0);
            const redeemedGross = after.reduce((s, e) => (e.kind === "redeem" ? s - e.points : s), 0);
            expect(total.expired + redeemedGross).toBeLessThanOrEqual(earnedGross);
            expect(total.expired).toBeGreaterThanOrEqual(0);
            expect(openLots(after).reduce((s, l) => s + l.points, 0)).toBe(Math.max(0, total.points));
            expect(expiryEntries(after, now, policy)).toEqual([]);
          },
        });
      }),
      { numRuns: 300 },
    );
  });

  it("a redemption never makes the spendable balance negative", () => {
    fc.assert(
      fc.property(arbHistory, ({ ops, gaps, policy, pendingDays }) => {
        playHistory(ops, gaps, policy, pendingDays, {
          onRedeemed: (ledger, now) => expect(balanceOf(ledger, now).balance).toBeGreaterThanOrEqual(0),
        });
      }),
    );
  });
});
