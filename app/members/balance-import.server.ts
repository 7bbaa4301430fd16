// Moving from another loyalty app: a CSV of e-mails and points balances (and tiers) becomes each member's
// imported balance. A dry run first (planBalanceImport): the columns the file's header was read as, what would
// change, and every line that can't be imported with its reason; nothing is written while any line has a
// problem. Applying is idempotent: a member's imported balance is the sum of their import entries, and each
// import adds only the difference to the file's value (ledger key `balance-import:<customer>:<from>:<to>`),
// so the same file again changes nothing and a corrected file changes only what it corrects.
import type { PrismaClient } from "@prisma/client";
import { CsvError, parseCsvRecords } from "~/analytics/domain/csv";
import { sqlOf } from "~/db/connection.server";
import { guessBalanceColumns, readBalanceLines, type BalanceLineProblem, type BalanceMapping } from "~/members/domain/balance-import";
import { loadLoyaltyProgram } from "~/points/loyalty-program.server";
import { appendLedgerEntry, type Db } from "~/points/points-ledger.server";
import { ledgerKeys } from "~/points/domain/ledger";
import { addDays } from "~/points/domain/time";
import { setTierSource } from "~/engagement/tier-events.server";

export const MAX_BALANCE_FILE_BYTES = 5 * 1024 * 1024;

export interface BalanceChange {
  line: number;
  memberId: bigint;
  customerId: string;
  email: string;
  /** The member's imported balance before and after (the file's value). */
  from: number;
  to: number;
  /** The tier the file gives, when it differs from the member's (null: unchanged). */
  tierId: string | null;
}

export type BalancePlan =
  | { ok: false; error: "csv"; line: number; message: string }
  | { ok: false; error: "empty" }
  | {
      ok: true;
      header: string[];
      /** null until the e-mail and points columns are known (guessed from the header or chosen). */
      mapping: BalanceMapping | null;
      lines: number;
      changes: BalanceChange[];
      unchanged: number;
      problems: BalanceLineProblem[];
    };

/** What the import would do, reading the columns as `chosen` says or as the header suggests. Writes nothing. */
export async function planBalanceImport(db: Db, shop: string, text: string, chosen: Partial<BalanceMapping> = {}): Promise<BalancePlan> {
  let records;
  try {
    records = parseCsvRecords(text);
  } catch (error) {
    if (error instanceof CsvError) return { ok: false, error: "csv", line: error.line, message: error.problem };
    throw error;
  }
  if (records.length === 0) return { ok: false, error: "empty" };
  const header = records[0].fields.map((f) => f.trim());
  const guessed = guessBalanceColumns(header);
  const pick = (k: keyof BalanceMapping) => (chosen[k] !== undefined ? chosen[k] : guessed[k]);
  const email = pick("email");
  const points = pick("points");
  const valid = (i: number | null | undefined): i is number => typeof i === "number" && i >= 0 && i < header.length;
  if (!valid(email) || !valid(points)) return { ok: true, header, mapping: null, lines: records.length - 1, changes: [], unchanged: 0, problems: [] };
  const tier = pick("tier");
  const mapping: BalanceMapping = { email, points, tier: valid(tier) ? tier : null };
  const { lines, problems } = readBalanceLines(records, mapping);

  const sql = sqlOf(db);
  const members = new Map<string, { id: string; customerId: string; points: number; tierId: string | null }>();
  for (let from = 0; from < lines.length; from += 5_000) {
    const emails = lines.slice(from, from + 5_000).map((l) => l.email);
    const rows = await sql.query<{ id: string; customerId: string; email: string; points: number; tierId: string | null }>(
      `SELECT "id"::text AS id, "customerId", lower("email") AS email, "points", "tierId" FROM "Member"
        WHERE "shop" = $1 AND "redactedAt" IS NULL AND lower("email") = ANY($2::text[]) ORDER BY "id"`,
      [shop, emails],
    );
    for (const r of rows) if (!members.has(r.email)) members.set(r.email, r);
  }
  const imported = new Map<string, number>();
  const ids = [...members.values()].map((m) => m.id);
  for (let from = 0; from < ids.length; from += 5_000) {
    const rows = await sql.query<{ memberId: string; points: string }>(
      `SELECT "memberId"::text AS "memberId", sum("points")::text AS points FROM "LedgerEntry"
        WHERE "shop" = $1 AND "memberId" = ANY($2::bigint[]) AND "idempotencyKey" LIKE 'balance-import:%' GROUP BY "memberId"`,
      [shop, ids.slice(from, from + 5_000)],
    );
    for (const r of rows) imported.set(r.memberId, Number(r.points));
  }
  const tiers = mapping.tier === null ? [] : (await loadLoyaltyProgram(db as PrismaClient, shop)).vip.tiers;
  const tierOf = (name: string) => tiers.find((t) => t.name.trim().toLowerCase() === name.toLowerCase() || t.id.toLowerCase() === name.toLowerCase()) ?? null;

  const changes: BalanceChange[] = [];
  let unchanged = 0;
  for (const l of lines) {
    const member = members.get(l.email);
    if (!member) {
      problems.push({ line: l.line, code: "unknownCustomer", value: l.email });
      continue;
    }
    const tier = l.tier === null ? null : tierOf(l.tier);
    if (l.tier !== null && !tier) {
      problems.push({ line: l.line, code: "unknownTier", value: l.tier });
      continue;
    }
    const from = imported.get(member.id) ?? 0;
    // Lowering an imported balance takes points back; not more than the member still has.
    if (l.points < from && member.points - (from - l.points) < 0) {
      problems.push({ line: l.line, code: "spentImportedPoints", value: String(l.points) });
      continue;
    }
    const tierId = tier && tier.id !== member.tierId ? tier.id : null;
    if (l.points === from && tierId === null) unchanged++;
    else changes.push({ line: l.line, memberId: BigInt(member.id), customerId: member.customerId, email: l.email, from, to: l.points, tierId });
  }
  problems.sort((a, b) => a.line - b.line);
  return { ok: true, header, mapping, lines: records.length - 1, changes, unchanged, problems };
}

export type BalanceImportResult =
  | { ok: true; changed: number; unchanged: number; points: number; tiers: number }
  | { ok: false; plan: BalancePlan };

/**
 * Applies the file in one transaction, planned again with the members' rows locked: nothing is written while a
 * line has a problem or the columns are unknown. `reason` goes into each ledger entry (the members' history).
 */
export async function applyBalanceImport(
  prisma: PrismaClient,
  shop: string,
  input: { text: string; mapping: Partial<BalanceMapping>; reason: string; staffId: string | null },
  now = new Date(),
): Promise<BalanceImportResult> {
  return prisma.$transaction(
    async (tx) => {
      // Lock the members the file names (in the order every writer locks members), then plan on what is locked.
      const first = await planBalanceImport(tx, shop, input.text, input.mapping);
      if (!first.ok || !first.mapping || first.problems.length > 0) return { ok: false as const, plan: first };
      await sqlOf(tx).query(
        `SELECT 1 FROM "Member" WHERE "shop" = $1 AND "id" = ANY($2::bigint[]) ORDER BY "customerId" COLLATE "C" FOR UPDATE`,
        [shop, first.changes.map((c) => String(c.memberId))],
      );
      const plan = await planBalanceImport(tx, shop, input.text, input.mapping);
      if (!plan.ok || !plan.mapping || plan.problems.length > 0) return { ok: false as const, plan };
      const program = await loadLoyaltyProgram(tx as unknown as PrismaClient, shop);
      let points = 0;
      let tiers = 0;
      for (const c of plan.changes) {
        if (c.to !== c.from) {
          await appendLedgerEntry(
            tx,
            shop,
            c.memberId,
            { key: ledgerKeys.balanceImport(c.customerId, c.from, c.to), kind: "manual", customerId: c.customerId, points: c.to - c.from, at: now, availableAt: now, reason: input.reason, ...(input.staffId ? { staffId: input.staffId } : {}) },
            input.staffId,
          );
          points += c.to - c.from;
        }
        if (c.tierId !== null) {
          // A standing carried over from the shop's previous app: no "tier reached" mail or Flow trigger.
          if (tiers === 0) await setTierSource(tx, "import");
          await sqlOf(tx).execute(`UPDATE "Member" SET "tierId" = $3, "tierPeriodEnd" = $4::timestamp(3) WHERE "shop" = $1 AND "id" = $2::bigint`, [
            shop,
            String(c.memberId),
            c.tierId,
            addDays(now, program.vip.windowDays).toISOString(),
          ]);
          tiers++;
        }
      }
      return { ok: true as const, changed: plan.changes.length, unchanged: plan.unchanged, points, tiers };
    },
    { maxWait: 10_000, timeout: 10 * 60_000 },
  );
}
