/**
 * Customers' birthdays as the program stores them: month and day only ("MM-DD"), because the bonus needs no
 * year and a year of birth is personal data we do not need. A full date ("YYYY-MM-DD") is accepted and its
 * year dropped after checking that the date exists.
 */
import { BIRTHDAY_GRACE_DAYS } from "./entries";
import { addCalendarDays, calendarDayOf } from "~/shops/domain/zoned";

export interface Birthday {
  /** 1–12 */
  month: number;
  /** 1–31, a day that exists in that month in a leap year (29 February is a birthday). */
  day: number;
}

const MONTH_DAY = /^(\d{2})-(\d{2})$/;
const FULL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** A birthday from "MM-DD" or "YYYY-MM-DD", or null when it is not a real date. */
export function parseBirthday(text: string): Birthday | null {
  const trimmed = text.trim();
  const md = MONTH_DAY.exec(trimmed);
  const full = md ? null : FULL_DATE.exec(trimmed);
  if (!md && !full) return null;
  const [year, month, day] = md ? [2000 /* a leap year */, Number(md[1]), Number(md[2])] : [Number(full![1]), Number(full![2]), Number(full![3])];
  if (year < 1900 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { month, day };
}

/** The stored spelling, "MM-DD". */
export function formatBirthday(b: Birthday): string {
  return `${String(b.month).padStart(2, "0")}-${String(b.day).padStart(2, "0")}`;
}

/**
 * The stored birthdays ("MM-DD") whose bonus may be due at `now` in the shop's time zone: its calendar day and
 * the grace days before it, plus 29 February when 28 February is among them in a year without one. A superset
 * the job narrows with `birthdayBonusEntry`, so the database can be asked for few members.
 */
export function birthdaysPossiblyDue(now: Date, timeZone = "UTC"): string[] {
  const out = new Set<string>();
  const today = calendarDayOf(now, timeZone);
  for (let back = 0; back < BIRTHDAY_GRACE_DAYS; back++) {
    const d = addCalendarDays(today, -back);
    const b = { month: d.month, day: d.day };
    out.add(formatBirthday(b));
    if (b.month === 2 && b.day === 28 && daysInMonth(d.year, 2) === 28) out.add("02-29");
  }
  return [...out].sort();
}
