import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { birthdaysPossiblyDue, formatBirthday, parseBirthday } from "./birthday";
import { birthdayBonusEntry } from "./entries";

describe("parseBirthday", () => {
  it("reads MM-DD and YYYY-MM-DD and keeps month and day only", () => {
    expect(parseBirthday("03-05")).toEqual({ month: 3, day: 5 });
    expect(parseBirthday(" 1990-12-31 ")).toEqual({ month: 12, day: 31 });
    expect(formatBirthday({ month: 3, day: 5 })).toBe("03-05");
  });

  it("accepts 29 February without a year and in a leap year, not in other years", () => {
    expect(parseBirthday("02-29")).toEqual({ month: 2, day: 29 });
    expect(parseBirthday("2000-02-29")).toEqual({ month: 2, day: 29 });
    expect(parseBirthday("1999-02-29")).toBeNull();
    expect(parseBirthday("1900-02-29")).toBeNull();
  });

  it("refuses days that do not exist and other spellings", () => {
    for (const bad of ["02-30", "04-31", "13-01", "00-10", "01-00", "1-5", "2025/03/05", "05.03.", "", "03-05-1990", "1800-01-01"]) {
      expect(parseBirthday(bad), bad).toBeNull();
    }
  });

  it("round-trips every real month and day", () => {
    fc.assert(
      fc.property(fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2000-12-31T00:00:00Z"), noInvalidDate: true }), (d) => {
        const b = { month: d.getUTCMonth() + 1, day: d.getUTCDate() };
        expect(parseBirthday(formatBirthday(b))).toEqual(b);
      }),
    );
  });
});

describe("birthdaysPossiblyDue", () => {
  it("names the day and the grace days before it", () => {
    expect(birthdaysPossiblyDue(new Date("2025-03-05T10:00:00Z"))).toEqual(["02-27", "02-28", "02-29", "03-01", "03-02", "03-03", "03-04", "03-05"]);
    expect(birthdaysPossiblyDue(new Date("2024-03-05T10:00:00Z"))).toEqual(["02-28", "02-29", "03-01", "03-02", "03-03", "03-04", "03-05"]);
  });

  it("includes every birthday whose bonus is due (property)", () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date("2020-01-01T00:00:00Z"), max: new Date("2030-12-31T23:59:59Z"), noInvalidDate: true }),
        fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2000-12-31T00:00:00Z"), noInvalidDate: true }),
        (now, bd) => {
          const birthday = { month: bd.getUTCMonth() + 1, day: bd.getUTCDate() };
          const due = birthdayBonusEntry({ birthdayBonus: 10 }, "c", birthday, now) !== null;
          if (due) expect(birthdaysPossiblyDue(now)).toContain(formatBirthday(birthday));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("29 February gets its bonus on 28 February in a year without one, on 29 February in a leap year", () => {
    const feb29 = { month: 2, day: 29 };
    expect(birthdayBonusEntry({ birthdayBonus: 10 }, "c", feb29, new Date("2025-02-28T00:00:00Z"))?.key).toBe("birthday:c:2025");
    expect(birthdayBonusEntry({ birthdayBonus: 10 }, "c", feb29, new Date("2024-02-28T12:00:00Z"))).toBeNull();
    expect(birthdayBonusEntry({ birthdayBonus: 10 }, "c", feb29, new Date("2024-02-29T00:00:00Z"))?.key).toBe("birthday:c:2024");
    expect(birthdaysPossiblyDue(new Date("2025-02-28T00:00:00Z"))).toContain("02-29");
  });

  it("counts the birthday in the shop's time zone: it begins at the shop's midnight", () => {
    const birthday = { month: 7, day: 14 };
    // 22:30 UTC on 13 July is already 14 July in Berlin (UTC+2 in summer), not yet in London or UTC.
    const evening = new Date("2026-07-13T22:30:00Z");
    expect(birthdayBonusEntry({ birthdayBonus: 10 }, "c", birthday, evening, "Europe/Berlin")).toMatchObject({ key: "birthday:c:2026", at: new Date("2026-07-13T22:00:00Z") });
    expect(birthdayBonusEntry({ birthdayBonus: 10 }, "c", birthday, evening, "UTC")).toBeNull();
    expect(birthdaysPossiblyDue(evening, "Europe/Berlin")).toContain("07-14");
    expect(birthdaysPossiblyDue(evening, "UTC")).not.toContain("07-14");
    // The grace ends at the shop's midnight seven days later, too.
    expect(birthdayBonusEntry({ birthdayBonus: 10 }, "c", birthday, new Date("2026-07-20T21:59:59Z"), "Europe/Berlin")).not.toBeNull();
    expect(birthdayBonusEntry({ birthdayBonus: 10 }, "c", birthday, new Date("2026-07-20T22:00:00Z"), "Europe/Berlin")).toBeNull();
    // New Year in Auckland comes first: a 1 January birthday there belongs to the new year's key.
    expect(birthdayBonusEntry({ birthdayBonus: 10 }, "c", { month: 1, day: 1 }, new Date("2026-12-31T12:00:00Z"), "Pacific/Auckland")?.key).toBe("birthday:c:2027");
  });

  it("includes every birthday whose bonus is due, in any time zone (property)", () => {
    const zones = ["UTC", "Europe/Berlin", "America/Los_Angeles", "Pacific/Auckland", "Asia/Kolkata", "America/Santiago", "Pacific/Kiritimati"];
    fc.assert(
      fc.property(
        fc.date({ min: new Date("2020-01-01T00:00:00Z"), max: new Date("2030-12-31T23:59:59Z"), noInvalidDate: true }),
        fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2000-12-31T00:00:00Z"), noInvalidDate: true }),
        fc.constantFrom(...zones),
        (now, bd, zone) => {
          const birthday = { month: bd.getUTCMonth() + 1, day: bd.getUTCDate() };
          const due = birthdayBonusEntry({ birthdayBonus: 10 }, "c", birthday, now, zone) !== null;
          if (due) expect(birthdaysPossiblyDue(now, zone)).toContain(formatBirthday(birthday));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
