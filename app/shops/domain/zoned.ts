/**
 * Calendar days in a shop's time zone (an IANA name such as "Europe/Berlin"): a birthday starts at the shop's
 * local midnight, not at UTC midnight. Instants stay UTC everywhere else; only the calendar is the shop's.
 */

export interface CalendarDay {
  year: number;
  /** 1–12 */
  month: number;
  /** 1–31 */
  day: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The zone's wall-clock reading of `at`, as if it were UTC (milliseconds since the epoch). */
function wallClock(at: Date, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(at)) if (p.type !== "literal") parts[p.type] = Number(p.value);
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
}

/** How far the zone's clocks are ahead of UTC at `at`, in milliseconds (negative west of Greenwich). */
export function offsetAt(at: Date, timeZone: string): number {
  return wallClock(new Date(Math.floor(at.getTime() / 1000) * 1000), timeZone) - Math.floor(at.getTime() / 1000) * 1000;
}

/**
 * The instant the zone's clocks read `wall` (a wall-clock time written as if it were UTC, in milliseconds). Two
 * passes: the offset at a first guess, then at the instant it gives (they differ around a clock change).
 */
export function instantOfWallClock(wall: number, timeZone: string): Date {
  const guess = wall - offsetAt(new Date(wall), timeZone);
  return new Date(wall - offsetAt(new Date(guess), timeZone));
}

/** The calendar day `at` falls on in the zone. */
export function calendarDayOf(at: Date, timeZone: string): CalendarDay {
  const wall = new Date(wallClock(at, timeZone));
  return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() };
}

/**
 * The instant the day begins in the zone (its local midnight; where a clock change skips midnight, the first
 * instant of the day). Day numbers past the month's end roll over as Date.UTC's do.
 */
export function startOfDay(day: CalendarDay, timeZone: string): Date {
  const wallMidnight = Date.UTC(day.year, day.month - 1, day.day);
  let guess = instantOfWallClock(wallMidnight, timeZone).getTime();
  // Midnight skipped by a clock change (it does not exist locally): the day begins when the clocks jump.
  const shown = calendarDayOf(new Date(guess), timeZone);
  if (shown.day !== new Date(wallMidnight).getUTCDate()) {
    while (calendarDayOf(new Date(guess), timeZone).day !== new Date(wallMidnight).getUTCDate()) guess += 15 * 60_000;
  }
  return new Date(guess);
}

/** The calendar day `days` days after `day` (negative: before). */
export function addCalendarDays(day: CalendarDay, days: number): CalendarDay {
  const d = new Date(Date.UTC(day.year, day.month - 1, day.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** "YYYY-MM-DD". */
export function formatDay(day: CalendarDay): string {
  return `${String(day.year).padStart(4, "0")}-${String(day.month).padStart(2, "0")}-${String(day.day).padStart(2, "0")}`;
}

/** "YYYY-MM-DD" of the day `at` falls on in the zone: the shop's "today". */
export function dayIn(at: Date, timeZone: string): string {
  return formatDay(calendarDayOf(at, timeZone));
}

/** True for an IANA zone name this runtime knows ("Europe/Berlin", "UTC"), false for anything else. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return /\//.test(zone) || zone === "UTC";
  } catch {
    return false;
  }
}

/** Month arithmetic on a wall clock read as UTC: the same time of day, the day clamped to the month's last. */
function addMonthsToWallClock(wall: number, months: number): number {
  const at = new Date(wall);
  const m = at.getUTCMonth() + months;
  const year = at.getUTCFullYear() + Math.floor(m / 12);
  const month = ((m % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return Date.UTC(year, month, Math.min(at.getUTCDate(), lastDay), at.getUTCHours(), at.getUTCMinutes(), at.getUTCSeconds(), at.getUTCMilliseconds());
}

/**
 * `months` calendar months after `at` on the zone's clocks: the same local time of day, a day the target month
 * lacks clamped to its last (31 January + 1 month = 28 or 29 February). Points earned at 00:30 on 31 March in
 * Berlin expire at 00:30 on 30 April in Berlin, whatever the offset then. A local time the clocks skip (a
 * spring-forward hour) comes out one hour later.
 */
export function addMonthsIn(at: Date, months: number, timeZone: string): Date {
  if (timeZone === "UTC") return new Date(addMonthsToWallClock(at.getTime(), months));
  const wall = addMonthsToWallClock(at.getTime() + offsetAt(at, timeZone), months);
  // The zone's offsets a day either side: the instant is wall − one of them. A local time both give is
  // ambiguous (the earlier is taken); one neither gives was skipped, and the later instant is one hour on.
  const candidates = [wall - offsetAt(new Date(wall - 86_400_000), timeZone), wall - offsetAt(new Date(wall + 86_400_000), timeZone)].sort((a, b) => a - b);
  const exact = candidates.find((t) => t + offsetAt(new Date(t), timeZone) === wall);
  return new Date(exact ?? candidates[1]);
}
