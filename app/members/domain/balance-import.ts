// Reading a points-balance file from the loyalty app a merchant is leaving (Smile, LoyaltyLion, Rivo, Joy and
// the like all export one customer per line with an e-mail and a points balance, often a tier): which columns
// hold what (guessed from the header, shown to the merchant and changeable before anything is written), and
// each line's values or what is wrong with it. Pure: the server module looks the e-mails and tiers up.
import type { CsvRecord } from "~/analytics/domain/csv";

export interface BalanceMapping {
  /** Column positions in the header; tier is optional. */
  email: number;
  points: number;
  tier: number | null;
}

export interface BalanceLine {
  line: number;
  email: string;
  points: number;
  tier: string | null;
}

export type BalanceLineProblemCode = "badEmail" | "badPoints" | "duplicateEmail" | "unknownCustomer" | "unknownTier" | "spentImportedPoints";

export interface BalanceLineProblem {
  line: number;
  code: BalanceLineProblemCode;
  /** The offending value, as the file has it. */
  value: string;
}

/** The largest balance a line may carry: far above any real program, below anything that overflows a sum. */
export const MAX_IMPORTED_POINTS = 100_000_000;

const normal = (header: string) => header.trim().toLowerCase().replace(/[\s_\-.]+/g, " ");

/** Headers that hold something other than the spendable balance, though they mention points. */
const NOT_THE_BALANCE = /lifetime|pending|spent|redeemed|used|earned|expired|total earned|insgesamt|ausstehend|eingel/;

/**
 * The columns a header most likely means: the e-mail ("email", "E-Mail", "email address", "customer email"), the
 * spendable balance ("points", "points balance", "approved points", "balance", "Punkte"; never a lifetime or
 * pending count) and the tier ("tier", "vip tier", "current tier", "Stufe"). null where no column fits.
 */
export function guessBalanceColumns(header: readonly string[]): { email: number | null; points: number | null; tier: number | null } {
  const names = header.map(normal);
  const first = (test: (name: string) => boolean) => {
    const i = names.findIndex(test);
    return i < 0 ? null : i;
  };
  const email = first((n) => n === "email" || n === "e mail") ?? first((n) => /e ?mail/.test(n));
  const points =
    first((n) => ["points", "points balance", "point balance", "balance", "approved points", "points approved", "current points", "available points", "punkte", "punktestand"].includes(n)) ??
    first((n) => /(points?|punkte|balance)/.test(n) && !NOT_THE_BALANCE.test(n));
  const tier = first((n) => ["tier", "vip tier", "current tier", "tier name", "vip", "stufe", "vip stufe"].includes(n)) ?? first((n) => /tier|stufe/.test(n));
  return { email, points, tier };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Each line after the header under `mapping`: its e-mail (lower case), balance and tier, or its problems. A
 * balance is a whole number of points from 0 up, digits only (a thousands separator would be read wrongly by
 * one program or another, so it is refused, not guessed). An e-mail given twice is a problem on its second line.
 */
export function readBalanceLines(records: readonly CsvRecord[], mapping: BalanceMapping): { lines: BalanceLine[]; problems: BalanceLineProblem[] } {
  const lines: BalanceLine[] = [];
  const problems: BalanceLineProblem[] = [];
  const seen = new Set<string>();
  for (const record of records.slice(1)) {
    const field = (i: number | null) => (i === null ? "" : (record.fields[i] ?? "").trim());
    const email = field(mapping.email).toLowerCase();
    const pointsText = field(mapping.points);
    let ok = true;
    if (!EMAIL.test(email)) {
      problems.push({ line: record.line, code: "badEmail", value: field(mapping.email) });
      ok = false;
    } else if (seen.has(email)) {
      problems.push({ line: record.line, code: "duplicateEmail", value: field(mapping.email) });
      ok = false;
    }
    const points = /^\+?\d+$/.test(pointsText) ? Number(pointsText.replace("+", "")) : NaN;
    if (!(Number.isSafeInteger(points) && points <= MAX_IMPORTED_POINTS)) {
      problems.push({ line: record.line, code: "badPoints", value: pointsText });
      ok = false;
    }
    seen.add(email);
    if (ok) lines.push({ line: record.line, email, points, tier: field(mapping.tier) || null });
  }
  return { lines, problems };
}
