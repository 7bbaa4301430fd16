/**
 * UTC time helpers shared by the analytics modules. Everything here is UTC on purpose: a shop's
 * report must not change with the time zone of the server that computes it.
 */

export const MS_PER_DAY = 86_400_000;

export type Instant = Date | string | number;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function digit(s: string, i: number): number {
  const d = s.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : Number.NaN;
}

function twoDigits(s: string, i: number): number {
  return digit(s, i) * 10 + digit(s, i + 1);
}

/**
 * Milliseconds since the epoch for a Date, an ISO-8601 string or an epoch-ms number.
 * Returns NaN when the value is not a valid instant, so callers can report the offending row.
 *
 * The common shape `YYYY-MM-DDTHH:MM:SS[.fff]Z` is parsed by hand because `Date.parse` dominates the
 * cost of indexing a million orders; anything else (offsets, plain dates) goes through `Date.parse`
 * after a check that date-only strings are read as UTC midnight, which is what ECMAScript does.
 */
export function toEpochMs(value: Instant): number {
  if (typeof value === "number") return Number.isFinite(value) ? value : Number.NaN;
  if (value instanceof Date) return value.getTime();
  if (typeof value !== "string") return Number.NaN;
  const s = value;
  if (s.length >= 20 && s.charCodeAt(10) === 84 /* T */ && s.charCodeAt(s.length - 1) === 90 /* Z */) {
    const y = digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3);
    const mo = twoDigits(s, 5);
    const d = twoDigits(s, 8);
    const h = twoDigits(s, 11);
    const mi = twoDigits(s, 14);
    const sec = twoDigits(s, 17);
    let ms = 0;
    let ok = s[4] === "-" && s[7] === "-" && s[13] === ":" && s[16] === ":";
    if (s.length === 20) {
      // no fraction
    } else if (s.charCodeAt(19) === 46 /* . */ && s.length === 24) {
      ms = digit(s, 20) * 100 + digit(s, 21) * 10 + digit(s, 22);
    } else {
      ok = false;
    }
    if (ok && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo) && h <= 23 && mi <= 59 && sec <= 59) {
      const t = Date.UTC(y, mo - 1, d, h, mi, sec, ms);
      if (Number.isFinite(t)) return t;
    }
    if (ok) return Number.NaN;
  }
  const dateOnly = ISO_DATE.exec(s);
  if (dateOnly) return calendarDateToEpochMs(s);
  // Require an explicit zone: a zone-less date-time would be read in the server's local time.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(s)) return Number.NaN;
  return Date.parse(s);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  if (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) return 29;
  return DAYS_IN_MONTH[month - 1];
}

/** UTC midnight of a `YYYY-MM-DD` calendar date, NaN if it is not a real date. */
export function calendarDateToEpochMs(value: string): number {
  const m = ISO_DATE.exec(value);
  if (!m) return Number.NaN;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return Number.NaN;
  return Date.UTC(y, mo - 1, d);
}

/** Day number (days since 1970-01-01 UTC) of an instant. */
export function utcDayNumber(epochMs: number): number {
  return Math.floor(epochMs / MS_PER_DAY);
}

/** Day number of a calendar date given as `YYYY-MM-DD` or as a Date (its UTC calendar day). */
export function toDayNumber(value: string | Date): number {
  if (value instanceof Date) return utcDayNumber(value.getTime());
  return utcDayNumber(calendarDateToEpochMs(value));
}

export function dayNumberToIsoDate(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/**
 * Month index (months since 1970-01, UTC) of an instant. Uses the days-to-civil arithmetic of
 * H. Hinnant's date algorithms instead of a Date object, because cohort tables call it per order.
 */
export function utcMonthIndex(epochMs: number): number {
  const day = Math.floor(epochMs / MS_PER_DAY);
  // Dashboards call this for every order and refund: days 1970–2149 come from a table built once.
  if (day >= 0 && day < MONTH_TABLE_DAYS) return (monthByDay ??= buildMonthTable())[day];
  return civilMonthIndex(day);
}

const MONTH_TABLE_DAYS = 65_744; // 1970-01-01 .. 2149-12-31
let monthByDay: Int16Array | undefined;

function buildMonthTable(): Int16Array {
  const table = new Int16Array(MONTH_TABLE_DAYS);
  for (let d = 0; d < MONTH_TABLE_DAYS; d++) table[d] = civilMonthIndex(d);
  return table;
}

function civilMonthIndex(dayNumber: number): number {
  const z = dayNumber + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9; // 1..12
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return (year - 1970) * 12 + (month - 1);
}

export function monthIndexToLabel(index: number): string {
  const year = 1970 + Math.floor(index / 12);
  const month = (((index % 12) + 12) % 12) + 1;
  return `${year}-${String(month).padStart(2, "0")}`;
}
