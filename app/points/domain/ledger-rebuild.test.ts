import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { balanceFromKindTotals, EMPTY_BALANCE, foldBalance, LEDGER_ENTRY_KINDS, rebuildBalance, type LedgerEntry } from "./ledger";

const entry = fc.record({
  kind: fc.constantFrom(...LEDGER_ENTRY_KINDS),
  points: fc.integer({ min: -10_000, max: 10_000 }),
});

describe("balanceFromKindTotals", () => {
  it("agrees with folding every entry, however the entries are grouped (property)", () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 40 }), (raw) => {
        const entries = raw.map((e, i) => ({ ...e, key: `k${i}`, customerId: "c", at: new Date(0), availableAt: new Date(0) }) as LedgerEntry);
        const folded = entries.reduce(foldBalance, EMPTY_BALANCE);
        expect(rebuildBalance(entries)).toEqual(folded);
        // As a GROUP BY kind returns them, in any order.
        const totals = new Map<string, { points: number; count: number }>();
        for (const e of entries) {
          const t = totals.get(e.kind) ?? { points: 0, count: 0 };
          totals.set(e.kind, { points: t.points + e.points, count: t.count + 1 });
        }
        expect(balanceFromKindTotals([...totals].reverse().map(([kind, t]) => ({ kind, ...t })))).toEqual(folded);
      }),
    );
  });

  it("is empty without entries", () => {
    expect(balanceFromKindTotals([])).toEqual(EMPTY_BALANCE);
  });
});
