import { describe, expect, it } from "vitest";
import { DEFAULT_PROGRAM, parseLoyaltyProgram, previewEarning, PROGRAM_ERROR_CODES, type LoyaltyProgram } from "./program";

function errorsOf(input: unknown) {
  const parsed = parseLoyaltyProgram(input);
  if (parsed.ok) throw new Error("expected errors");
  return parsed.errors.map((e) => ({ code: e.code, path: e.path.join(".") }));
}

describe("DEFAULT_PROGRAM", () => {
  it("is what a new shop gets: 1 point per 1.00, nothing else", () => {
    expect(DEFAULT_PROGRAM).toEqual({
      earnRate: { points: 1, perCurrencyUnits: 1 },
      minimumOrderMinor: 0,
      pointsPerOrder: 0,
      productBonuses: [],
      campaigns: [],
      signupBonus: 0,
      birthdayBonus: 0,
      vip: { windowDays: 365, tiers: [] },
      pendingDays: 0,
      expiry: { mode: "off" },
    });
    expect(parseLoyaltyProgram(DEFAULT_PROGRAM)).toEqual({ ok: true, program: DEFAULT_PROGRAM });
  });

  it("fills settings missing from the input with their defaults", () => {
    expect(parseLoyaltyProgram({})).toEqual({ ok: true, program: DEFAULT_PROGRAM });
    expect(parseLoyaltyProgram({ earnRate: { points: 5 } })).toMatchObject({ ok: true, program: { earnRate: { points: 5, perCurrencyUnits: 1 } } });
  });
});

describe("parseLoyaltyProgram", () => {
  const full = {
    earnRate: { points: 2, perCurrencyUnits: 1 },
    minimumOrderMinor: 2500,
    pointsPerOrder: 10,
    productBonuses: [{ target: "collection", targetId: "4711", pointsPerUnit: 50 }],
    campaigns: [
      { id: "bf", name: " Black Friday ", kind: "multiplier", multiplierPercent: 200, startsAt: "2025-11-28T00:00:00+01:00", endsAt: "2025-11-30T00:00:00+01:00" },
      { id: "launch", name: "Launch", kind: "bonus", bonusPoints: 100, startsAt: new Date("2025-01-01T00:00:00Z"), endsAt: new Date("2025-01-08T00:00:00Z") },
    ],
    signupBonus: 100,
    birthdayBonus: 200,
    vip: { windowDays: 365, tiers: [{ id: "gold", name: "Gold", thresholdMinor: 100_000, multiplierPercent: 150 }] },
    pendingDays: 14,
    expiry: { mode: "lots", months: 12, reminderDays: 30 },
  };

  it("accepts a complete program and reads campaign times as instants", () => {
    const parsed = parseLoyaltyProgram(full);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const expected: LoyaltyProgram = {
      ...(full as unknown as LoyaltyProgram),
      campaigns: [
        { id: "bf", name: "Black Friday", kind: "multiplier", multiplierPercent: 200, startsAt: new Date("2025-11-27T23:00:00Z"), endsAt: new Date("2025-11-29T23:00:00Z") },
        { id: "launch", name: "Launch", kind: "bonus", bonusPoints: 100, startsAt: new Date("2025-01-01T00:00:00Z"), endsAt: new Date("2025-01-08T00:00:00Z") },
      ],
    };
    expect(parsed.program).toEqual(expected);
  });

  it("gives every error a stable code and the field it belongs to", () => {
    expect(errorsOf({ earnRate: { points: 0, perCurrencyUnits: 1.5 }, pendingDays: "14" })).toEqual([
      { code: "program.wholeNumberOutOfRange", path: "earnRate.points" },
      { code: "program.wholeNumberOutOfRange", path: "earnRate.perCurrencyUnits" },
      { code: "program.wholeNumberOutOfRange", path: "pendingDays" },
    ]);
    expect(errorsOf({ campaigns: [{ ...full.campaigns[0], endsAt: "2025-11-27T00:00:00Z" }] })).toEqual([{ code: "program.campaign.endsBeforeStart", path: "campaigns.0.endsAt" }]);
    expect(errorsOf({ campaigns: [{ ...full.campaigns[0], startsAt: "2025-11-28 00:00" }] })).toEqual([{ code: "program.instantInvalid", path: "campaigns.0.startsAt" }]);
    expect(errorsOf({ campaigns: [{ ...full.campaigns[0], multiplierPercent: 100 }] })).toEqual([{ code: "program.wholeNumberOutOfRange", path: "campaigns.0.multiplierPercent" }]);
    expect(errorsOf({ campaigns: [{ ...full.campaigns[0], kind: "triple" }] })).toEqual([{ code: "program.choiceInvalid", path: "campaigns.0.kind" }]);
    expect(errorsOf({ campaigns: [full.campaigns[0], full.campaigns[0]] })).toEqual([{ code: "program.campaign.duplicateId", path: "campaigns.1.id" }]);
    expect(errorsOf({ productBonuses: [full.productBonuses[0], full.productBonuses[0]] })).toEqual([{ code: "program.productBonus.duplicateTarget", path: "productBonuses.1.targetId" }]);
    expect(errorsOf({ productBonuses: [{ target: "product", targetId: "", pointsPerUnit: 5 }] })).toEqual([{ code: "program.textMissing", path: "productBonuses.0.targetId" }]);
    expect(errorsOf({ productBonuses: "many" })).toEqual([{ code: "program.listExpected", path: "productBonuses" }]);
    expect(errorsOf({ expiry: { mode: "lots", months: 1, reminderDays: 30 } })).toEqual([{ code: "program.expiry.reminderNotBeforeExpiry", path: "expiry.reminderDays" }]);
    expect(errorsOf({ expiry: { mode: "sometimes" } })).toEqual([{ code: "program.choiceInvalid", path: "expiry.mode" }]);
    expect(errorsOf({ expiry: { mode: "inactivity" } })).toEqual([{ code: "program.wholeNumberOutOfRange", path: "expiry.months" }]);
    expect(errorsOf({ vip: "yes" })).toEqual([{ code: "program.notAnObject", path: "vip" }]);
    expect(errorsOf("program")).toEqual([{ code: "program.notAnObject", path: "" }]);
  });

  it("requires VIP tiers to need more spend and earn no less as they go up", () => {
    const tier = (id: string, thresholdMinor: number, multiplierPercent: number) => ({ id, name: id, thresholdMinor, multiplierPercent });
    expect(errorsOf({ vip: { tiers: [tier("a", 1000, 150), tier("b", 1000, 140), tier("a", 500, 200)] } })).toEqual([
      { code: "program.vip.thresholdsNotIncreasing", path: "vip.tiers.1.thresholdMinor" },
      { code: "program.vip.multipliersDecreasing", path: "vip.tiers.1.multiplierPercent" },
      { code: "program.vip.tierDuplicateId", path: "vip.tiers.2.id" },
      { code: "program.vip.thresholdsNotIncreasing", path: "vip.tiers.2.thresholdMinor" },
    ]);
  });

  it("explains errors in English with the parameters a translation needs", () => {
    const parsed = parseLoyaltyProgram({ minimumOrderMinor: -1 });
    expect(parsed).toEqual({
      ok: false,
      errors: [
        {
          code: "program.wholeNumberOutOfRange",
          path: ["minimumOrderMinor"],
          message: "Minimum order value must be a whole number from 0 to 100000000000.",
          params: { label: "Minimum order value", min: 0, max: 100_000_000_000 },
        },
      ],
    });
    expect(PROGRAM_ERROR_CODES).toContain(parsed.ok ? "" : parsed.errors[0].code);
  });
});

describe("previewEarning", () => {
  it("says what an order of a given amount earns", () => {
    expect(previewEarning(DEFAULT_PROGRAM, 5790, "EUR")).toMatchObject({ amount: "57.90", currency: "EUR", points: 57 });
    expect(previewEarning(DEFAULT_PROGRAM, 5790, "JPY")).toMatchObject({ amount: "5790", points: 5790 });
    expect(previewEarning(DEFAULT_PROGRAM, 5790, "KWD")).toMatchObject({ amount: "5.790", points: 5 });
  });

  it("shows the fixed points and the minimum order value", () => {
    const p: LoyaltyProgram = { ...DEFAULT_PROGRAM, pointsPerOrder: 10, minimumOrderMinor: 2000 };
    expect(previewEarning(p, 5790, "EUR")).toMatchObject({ points: 67, breakdown: { spendPoints: 57, orderPoints: 10 } });
    expect(previewEarning(p, 1999, "EUR")).toMatchObject({ points: 0, breakdown: { nothingEarnedBecause: "below-minimum" } });
  });

  it("includes a campaign or tier when asked", () => {
    const p: LoyaltyProgram = {
      ...DEFAULT_PROGRAM,
      campaigns: [{ id: "x", name: "Double", kind: "multiplier", multiplierPercent: 200, startsAt: new Date("2025-05-01T00:00:00Z"), endsAt: new Date("2025-05-03T00:00:00Z") }],
    };
    expect(previewEarning(p, 5790, "EUR").points).toBe(57);
    expect(previewEarning(p, 5790, "EUR", { at: new Date("2025-05-02T00:00:00Z"), tierMultiplierPercent: 150 }).points).toBe(173);
  });
});
