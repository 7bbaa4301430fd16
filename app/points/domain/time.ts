/** Calendar arithmetic in UTC: a customer's expiry date must not depend on the server's time zone. */
import { addMonthsIn } from "~/shops/domain/zoned";

export const MS_PER_DAY = 86_400_000;

export function addDays(at: Date, days: number): Date {
  return new Date(at.getTime() + days * MS_PER_DAY);
}

/**
 * The same UTC wall-clock time `months` calendar months later; a day that does not exist in the target
 * month falls back to its last day (31 January + 1 month = 28 or 29 February), as merchants expect.
 * In a shop's time zone: `addMonthsIn` (domain/calendar/zoned.ts).
 */
export function addMonths(at: Date, months: number): Date {
  return addMonthsIn(at, months, "UTC");
}

const ZONED_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * An instant from an ISO-8601 string that names its offset, or null. A string without an offset would be
 * read in the server's local zone, so it is refused rather than guessed.
 */
export function parseInstant(text: string): Date | null {
  if (!ZONED_INSTANT.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : new Date(ms);
}
