/**
 * When member e-mails may go out: not in the shop's quiet hours (by default 21:00 to 08:00 on the shop's clock,
 * the mail waits in the queue until morning), and not more than a weekly number of marketing mails per member
 * (service mail, about the member's own points, is not capped).
 */

export interface QuietHours {
  /** Local hour (0–23) quiet time starts; equal to `to`: no quiet hours. */
  from: number;
  /** Local hour (0–23) it ends. */
  to: number;
}

export const DEFAULT_QUIET_HOURS: QuietHours = { from: 21, to: 8 };
export const NO_QUIET_HOURS: QuietHours = { from: 0, to: 0 };
/** Marketing mails per member in any 7 days. */
export const MARKETING_PER_WEEK = 1;

/** "21-8" (quiet from 21:00 to 08:00), "off"; anything else is null. */
export function parseQuietHours(text: string): QuietHours | null {
  const t = text.trim().toLowerCase();
  if (t === "off" || t === "none" || t === "") return NO_QUIET_HOURS;
  const m = /^(\d{1,2})-(\d{1,2})$/.exec(t);
  if (!m) return null;
  const from = Number(m[1]);
  const to = Number(m[2]);
  return from <= 23 && to <= 23 ? { from, to } : null;
}

/** The hour (0–23) on the shop's clock. */
export function localHour(at: Date, timeZone: string): number {
  const hour = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", hourCycle: "h23", timeZone }).format(at);
  return Number(hour) % 24;
}

export function inQuietHours(at: Date, timeZone: string, quiet: QuietHours = DEFAULT_QUIET_HOURS): boolean {
  if (quiet.from === quiet.to) return false;
  const h = localHour(at, timeZone);
  // A span over midnight (21–8) or within a day (13–15).
  return quiet.from > quiet.to ? h >= quiet.from || h < quiet.to : h >= quiet.from && h < quiet.to;
}
