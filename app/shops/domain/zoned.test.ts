import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { addCalendarDays, addMonthsIn, calendarDayOf, dayIn, formatDay, offsetAt, startOfDay } from "./zoned";

describe("calendar days in a time zone", () => {
  it("puts an instant on the zone's day, not UTC's", () => {
    const at = new Date("2026-12-06T23:30:00Z");
    expect(calendarDayOf(at, "UTC")).toEqual({ year: 2026, month: 12, day: 6 });
    expect(calendarDayOf(at, "Europe/Berlin")).toEqual({ year: 2026, month: 12, day: 7 });
    expect(calendarDayOf(new Date("2026-12-07T04:00:00Z"), "America/Los_Angeles")).toEqual({ year: 2026, month: 12, day: 6 });
  });

  it("starts a day at the zone's midnight, summer and winter", () => {
    expect(startOfDay({ year: 2026, month: 7, day: 14 }, "Europe/Berlin").toISOString()).toBe("2026-07-13T22:00:00.000Z");
    expect(startOfDay({ year: 2026, month: 12, day: 24 }, "Europe/Berlin").toISOString()).toBe("2026-12-23T23:00:00.000Z");
    expect(startOfDay({ year: 2026, month: 3, day: 1 }, "Asia/Kolkata").toISOString()).toBe("2026-02-28T18:30:00.000Z");
    expect(startOfDay({ year: 2026, month: 12, day: 6 }, "UTC").toISOString()).toBe("2026-12-06T00:00:00.000Z");
  });

  it("begins a day whose midnight a clock change skips when the clocks jump", () => {
    // Santiago moves from 00:00 to 01:00 on the first Sunday of September 2026 (6 September).
    const start = startOfDay({ year: 2026, month: 9, day: 6 }, "America/Santiago");
    expect(calendarDayOf(start, "America/Santiago")).toEqual({ year: 2026, month: 9, day: 6 });
    expect(calendarDayOf(new Date(start.getTime() - 1), "America/Santiago")).toEqual({ year: 2026, month: 9, day: 5 });
  });

  it("counts days and offsets", () => {
    expect(addCalendarDays({ year: 2026, month: 3, day: 1 }, -1)).toEqual({ year: 2026, month: 2, day: 28 });
    expect(formatDay(addCalendarDays({ year: 2024, month: 2, day: 28 }, 1))).toBe("2024-02-29");
    expect(offsetAt(new Date("2026-07-01T00:00:00Z"), "Europe/Berlin")).toBe(2 * 3_600_000);
    expect(offsetAt(new Date("2026-07-01T00:00:00Z"), "America/New_York")).toBe(-4 * 3_600_000);
  });
});

describe("months on a zone's clocks", () => {
  it("keeps the local time of day across a change of offset, and clamps to the month's last day", () => {
    // 00:30 on 31 March in Berlin (CEST, +2) is 30 March 22:30 UTC; a month later is 00:30 on 30 April in Berlin.
    expect(addMonthsIn(new Date("2026-03-30T22:30:00Z"), 1, "Europe/Berlin").toISOString()).toBe("2026-04-29T22:30:00.000Z");
    // Counted in UTC months, the same instant would expire at 00:30 on 1 May in Berlin.
    expect(addMonthsIn(new Date("2026-03-30T22:30:00Z"), 1, "UTC").toISOString()).toBe("2026-04-30T22:30:00.000Z");
    // Winter time to summer time: 10:00 local stays 10:00 local.
    expect(addMonthsIn(new Date("2026-01-15T09:00:00Z"), 6, "Europe/Berlin").toISOString()).toBe("2026-07-15T08:00:00.000Z");
    // 31 January + 1 month = 28 February (2026 is no leap year); 29 February 2028 + 12 months = 28 February 2029.
    expect(dayIn(addMonthsIn(new Date("2026-01-31T12:00:00Z"), 1, "Asia/Tokyo"), "Asia/Tokyo")).toBe("2026-02-28");
    expect(dayIn(addMonthsIn(new Date("2028-02-29T03:00:00Z"), 12, "Asia/Tokyo"), "Asia/Tokyo")).toBe("2029-02-28");
    // Backwards, as the expiry job's horizon counts.
    expect(addMonthsIn(new Date("2026-07-15T08:00:00Z"), -6, "Europe/Berlin").toISOString()).toBe("2026-01-15T09:00:00.000Z");
  });

  it("moves a local time the clocks skip one hour on", () => {
    // 02:30 on 29 January in Berlin + 2 months = 02:30 on 29 March, which the clocks skip (02:00 → 03:00).
    const at = addMonthsIn(new Date("2026-01-29T01:30:00Z"), 2, "Europe/Berlin");
    expect(at.toISOString()).toBe("2026-03-29T01:30:00.000Z"); // 03:30 CEST
    // Santiago skips its midnight on 6 September 2026: midnight + 18 months is 01:00 that day, not the day before.
    const santiago = addMonthsIn(new Date("2025-03-06T03:00:00Z"), 18, "America/Santiago");
    expect(dayIn(santiago, "America/Santiago")).toBe("2026-09-06");
  });

  it("lands on the same local day of the target month, in any zone, for any instant", () => {
    const zones = ["Europe/Berlin", "America/Los_Angeles", "Pacific/Auckland", "Asia/Kolkata", "America/Santiago", "UTC"];
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }), fc.integer({ min: -24, max: 24 }), fc.constantFrom(...zones), (t, months, zone) => {
        const from = calendarDayOf(new Date(t), zone);
        const to = calendarDayOf(addMonthsIn(new Date(t), months, zone), zone);
        const m = from.month - 1 + months;
        const year = from.year + Math.floor(m / 12);
        const month = (((m % 12) + 12) % 12) + 1;
        const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
        // A day whose local time the clocks skip may come out an hour on, still the same day but for times near midnight.
        expect({ year: to.year, month: to.month }).toEqual({ year, month });
        expect(to.day === Math.min(from.day, last) || to.day === Math.min(from.day, last) + 1).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
