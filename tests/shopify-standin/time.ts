// Stored timestamps are normalised to "YYYY-MM-DDTHH:MM:SSZ" so they sort as strings.
// GraphQL DateTime answers in that UTC form; REST/webhook payloads use the shop's
// timezone offset ("2024-03-31T02:30:00+01:00") as Shopify does.

export function isoUtc(input: Date | number | string = Date.now()): string {
  const d = input instanceof Date ? input : new Date(input);
  if (Number.isNaN(d.getTime())) throw new Error(`invalid date: ${String(input)}`);
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function tryIsoUtc(input: unknown): string | null {
  if (typeof input !== "string" && typeof input !== "number") return null;
  const ms = typeof input === "number" ? input : Date.parse(input);
  return Number.isNaN(ms) ? null : isoUtc(ms);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Minutes east of UTC for `timeZone` at instant `ms`. */
export function zoneOffsetMinutes(ms: number, timeZone: string): number {
  if (timeZone === "UTC" || timeZone === "Etc/UTC") return 0;
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(ms))) if (part.type !== "literal") p[part.type] = Number(part.value);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((wall - Math.floor(ms / 1000) * 1000) / 60000);
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

export function offsetString(minutes: number, colon = true): string {
  const sign = minutes < 0 ? "-" : "+";
  const m = Math.abs(minutes);
  return `${sign}${pad(Math.floor(m / 60))}${colon ? ":" : ""}${pad(m % 60)}`;
}

/** REST spelling of an instant in the shop's zone. */
export function restTime(iso: string | null | undefined, timeZone: string): string | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  const off = zoneOffsetMinutes(ms, timeZone);
  const local = new Date(ms + off * 60000).toISOString().replace(/\.\d{3}Z$/, "");
  return local + offsetString(off);
}

/** Midnight of a calendar date in the shop's zone, as epoch ms (search dates without a time mean shop-local days). */
export function startOfDayInZone(date: string, timeZone: string): number {
  const [y, m, d] = date.split("-").map(Number);
  const guess = Date.UTC(y, m - 1, d);
  let ms = guess - zoneOffsetMinutes(guess, timeZone) * 60000;
  ms = guess - zoneOffsetMinutes(ms, timeZone) * 60000;
  return ms;
}
