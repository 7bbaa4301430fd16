import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LEDGER_ENTRY_KINDS } from "./ledger";
import { bestPointValue, flowOfKind, flowsOf, liabilityMinor, monthlyFlows, monthsEnding, redemptionRate } from "./points-figures";

describe("points flows", () => {
  it("put every ledger kind in one flow, reversals with what they reverse", () => {
    for (const kind of LEDGER_ENTRY_KINDS) expect(flowOfKind(kind), kind).not.toBeNull();
    expect(flowOfKind("redeem-reversal")).toBe("redeemed");
    expect(flowOfKind("expire-reversal")).toBe("expired");
    expect(flowOfKind("adjust-order")).toBe("issued");
    expect(flowOfKind("something new")).toBeNull();
  });

  it("count a returned reward and an undone expiry against what they reverse", () => {
    const flows = flowsOf([
      { kind: "earn", points: 500 },
      { kind: "adjust-order", points: -100 },
      { kind: "signup-bonus", points: 50 },
      { kind: "redeem", points: -300 },
      { kind: "redeem-reversal", points: 100 },
      { kind: "expire", points: -40 },
      { kind: "expire-reversal", points: 10 },
    ]);
    expect(flows).toEqual({ issued: 450, redeemed: 200, expired: 30 });
    expect(redemptionRate(flows)).toBeCloseTo(200 / 450);
    expect(redemptionRate({ issued: 0, redeemed: 0, expired: 0 })).toBeNull();
  });

  it("leave what is outstanding equal to the ledger's sum, whatever the entries", () => {
    const kinds = fc.constantFrom(...LEDGER_ENTRY_KINDS);
    fc.assert(
      fc.property(fc.array(fc.record({ kind: kinds, points: fc.integer({ min: -10_000, max: 10_000 }) })), (rows) => {
        const f = flowsOf(rows);
        expect(f.issued - f.redeemed - f.expired).toBe(rows.reduce((s, r) => s + r.points, 0));
      }),
    );
  });

  it("spread over the months asked, across a year's end, empty months zero", () => {
    expect(monthsEnding("2026-02-14", 4)).toEqual(["2025-11", "2025-12", "2026-01", "2026-02"]);
    expect(monthsEnding("2026-12-01", 1)).toEqual(["2026-12"]);
    const months = monthsEnding("2026-02-14", 3);
    const rows = [
      { month: "2026-01", kind: "earn", points: 70 },
      { month: "2026-01", kind: "redeem", points: -20 },
      { month: "2025-07", kind: "earn", points: 999 },
    ];
    expect(monthlyFlows(rows, months)).toEqual([
      { month: "2025-12", issued: 0, redeemed: 0, expired: 0 },
      { month: "2026-01", issued: 70, redeemed: 20, expired: 0 },
      { month: "2026-02", issued: 0, redeemed: 0, expired: 0 },
    ]);
  });
});

describe("what outstanding points are worth", () => {
  it("takes the best money rate among the rewards and rounds down to whole minor units", () => {
    const value = bestPointValue([
      { pointsCost: 500, amountMinor: 500, currency: "EUR" },
      { pointsCost: 1000, amountMinor: 1500, currency: "EUR" },
      { pointsCost: 0, amountMinor: 100, currency: "EUR" },
    ]);
    expect(value).toEqual({ pointsCost: 1000, amountMinor: 1500, currency: "EUR" });
    expect(liabilityMinor(12_345, value)).toBe(18_517);
    expect(liabilityMinor(-50, value)).toBe(0);
    expect(liabilityMinor(100, null)).toBeNull();
    expect(bestPointValue([])).toBeNull();
  });
});
