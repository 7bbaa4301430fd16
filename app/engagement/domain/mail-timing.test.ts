import { describe, expect, it } from "vitest";
import { inQuietHours, localHour, parseQuietHours } from "./mail-timing";

describe("quiet hours on the shop's clock", () => {
  it("hold mail from 21:00 to 08:00 local time, across midnight and daylight saving", () => {
    // 20:30 UTC is 21:30 in Berlin in winter (quiet), 22:30 in summer (quiet); 06:30 UTC is 07:30 / 08:30.
    expect(inQuietHours(new Date("2026-12-07T20:30:00Z"), "Europe/Berlin")).toBe(true);
    expect(inQuietHours(new Date("2026-12-07T06:30:00Z"), "Europe/Berlin")).toBe(true);
    expect(inQuietHours(new Date("2026-07-07T06:30:00Z"), "Europe/Berlin")).toBe(false);
    expect(inQuietHours(new Date("2026-12-07T12:00:00Z"), "Europe/Berlin")).toBe(false);
    // The same instant is 04:00 in Los Angeles (PST): quiet there.
    expect(inQuietHours(new Date("2026-12-07T12:00:00Z"), "America/Los_Angeles")).toBe(true);
    expect(localHour(new Date("2026-12-07T23:30:00Z"), "Europe/Berlin")).toBe(0);
  });

  it("can be a span within a day, or off", () => {
    expect(inQuietHours(new Date("2026-12-07T13:30:00Z"), "UTC", { from: 13, to: 15 })).toBe(true);
    expect(inQuietHours(new Date("2026-12-07T15:00:00Z"), "UTC", { from: 13, to: 15 })).toBe(false);
    expect(inQuietHours(new Date("2026-12-07T23:00:00Z"), "UTC", { from: 0, to: 0 })).toBe(false);
  });

  it("are read from the setting, which refuses what it cannot mean", () => {
    expect(parseQuietHours("21-8")).toEqual({ from: 21, to: 8 });
    expect(parseQuietHours("off")).toEqual({ from: 0, to: 0 });
    expect(parseQuietHours("25-8")).toBeNull();
    expect(parseQuietHours("evening")).toBeNull();
  });
});
