/**
 * Ledger entries for business events other than orders (orders: `reconcileOrder`): sign-up, referral and birthday
 * bonuses, staff adjustments, redemptions and their reversal. Each is keyed by its event (`ledgerKeys`), so a
 * replay builds the same entry and the ledger refuses it.
 */
import { addCalendarDays, calendarDayOf, startOfDay } from "~/shops/domain/zoned";
import { ledgerKeys, type LedgerEntry, type LedgerEntryKind } from "./ledger";
import type { LoyaltyProgram } from "./program";

/** Bonuses cannot be returned, so they are spendable at once; the pending period is for orders only. */
function bonus(kind: LedgerEntryKind, key: string, customerId: string, points: number, at: Date): LedgerEntry | null {
  return points > 0 ? { key, kind, customerId, points, at, availableAt: at } : null;
}

export function signupBonusEntry(program: Pick<LoyaltyProgram, "signupBonus">, customerId: string, at: Date): LedgerEntry | null {
  return bonus("signup-bonus", ledgerKeys.signup(customerId), customerId, program.signupBonus, at);
}

/** Days after a birthday on which a late daily job still grants that birthday's bonus. */
export const BIRTHDAY_GRACE_DAYS = 7;

/**
 * The birthday bonus due at `now`, if the customer's birthday (a calendar day in the shop's time zone: it begins
 * at the shop's local midnight) began within the last `BIRTHDAY_GRACE_DAYS` days. Keyed by year, so it is granted
 * once a year however often the job runs; 29 February counts as 28 February in other years.
 */
export function birthdayBonusEntry(
  program: Pick<LoyaltyProgram, "birthdayBonus">,
  customerId: string,
  birthday: { month: number; day: number },
  now: Date,
  timeZone = "UTC",
): LedgerEntry | null {
  const year = calendarDayOf(now, timeZone).year;
  for (const y of [year, year - 1]) {
    const lastDay = new Date(Date.UTC(y, birthday.month, 0)).getUTCDate();
    const day = { year: y, month: birthday.month, day: Math.min(birthday.day, lastDay) };
    const on = startOfDay(day, timeZone);
    const graceEnds = startOfDay(addCalendarDays(day, BIRTHDAY_GRACE_DAYS), timeZone);
    if (on.getTime() <= now.getTime() && now.getTime() < graceEnds.getTime()) {
      return bonus("birthday-bonus", ledgerKeys.birthday(customerId, y), customerId, program.birthdayBonus, on);
    }
  }
  return null;
}

export function manualAdjustmentEntry(input: {
  customerId: string;
  points: number;
  reason: string;
  staffId?: string;
  requestId: string;
  at: Date;
}): LedgerEntry {
  return {
    key: ledgerKeys.manual(input.requestId),
    kind: "manual",
    customerId: input.customerId,
    points: input.points,
    at: input.at,
    availableAt: input.at,
    reason: input.reason.trim(),
    ...(input.staffId ? { staffId: input.staffId } : {}),
  };
}

export function redemptionEntry(input: { customerId: string; redemptionId: string; points: number; at: Date }): LedgerEntry {
  return { key: ledgerKeys.redeem(input.redemptionId), kind: "redeem", customerId: input.customerId, points: -input.points, at: input.at, availableAt: input.at };
}

/** Gives back a redemption whose discount code expired unused. The points return as a new lot dated now. */
export function redemptionReversalEntry(redemption: LedgerEntry, at: Date): LedgerEntry {
  if (redemption.kind !== "redeem") throw new Error(`not a redemption: ${redemption.key}`);
  return {
    key: `${redemption.key}:reversal`,
    kind: "redeem-reversal",
    customerId: redemption.customerId,
    points: -redemption.points,
    at,
    availableAt: at,
  };
}
