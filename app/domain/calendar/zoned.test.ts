import { describe, expect, it } from "vitest";
import { addCalendarDays, calendarDayOf, formatDay, offsetAt, startOfDay } from "./zoned";

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
