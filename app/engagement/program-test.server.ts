// A test of the whole program ("does loyalty itself pay?"): while it runs, a share of the customers the shop sees
// for the first time gets no program at all — their orders earn nothing, no sign-up bonus, no member e-mail, and
// the checkout, account and storefront surfaces show them nothing (the loyalty API answers `inProgram: false`).
// Everyone else, and every customer who was there before the test, has the program as before. The experiments
// page compares the two groups' repeat purchases after their first order (experiments.server.ts).
import { sqlOf, utcTextColumn } from "~/db/connection.server";
import { heldOutOfProgram, PROGRAM_SUBJECT, type ProgramTest } from "./domain/experiments";

type SqlDb = Parameters<typeof sqlOf>[0];

/** The shop's running test of the whole program, or null (the common case: one indexed read). */
export async function runningProgramTest(db: SqlDb, shop: string): Promise<ProgramTest | null> {
  const [row] = await sqlOf(db).query<{ id: string; holdoutPercent: number; startedAt: string }>(
    `SELECT "id", "holdoutPercent", ${utcTextColumn("startedAt")} FROM "Experiment" WHERE "shop" = $1 AND "subject" = $2 AND "status" = 'running' LIMIT 1`,
    [shop, PROGRAM_SUBJECT],
  );
  return row ? { id: row.id, holdoutPercent: row.holdoutPercent, startedAt: new Date(row.startedAt) } : null;
}

/**
 * Which of `customers` the test holds out, each first seen at its member row's joinedAt or, for one the shop has
 * no member row for yet, at `seenAt` (the order or account that brings them).
 */
export async function heldOutAmong(db: SqlDb, shop: string, test: ProgramTest | null, customers: readonly { customerId: string; seenAt: Date }[]): Promise<Set<string>> {
  const held = new Set<string>();
  if (!test || customers.length === 0) return held;
  const ids = [...new Set(customers.map((c) => c.customerId))];
  const rows = await sqlOf(db).query<{ customerId: string; joinedAt: string }>(
    `SELECT "customerId", ${utcTextColumn("joinedAt")} FROM "Member" WHERE "shop" = $1 AND "customerId" = ANY($2::text[])`,
    [shop, ids],
  );
  const joined = new Map(rows.map((r) => [r.customerId, new Date(r.joinedAt)]));
  for (const c of customers) {
    const firstSeen = joined.get(c.customerId) ?? c.seenAt;
    if (heldOutOfProgram(test, c.customerId, firstSeen)) held.add(c.customerId);
  }
  return held;
}

/** Whether the customer is held out of the shop's program now (the loyalty API, the mail job). */
export async function isHeldOutOfProgram(db: SqlDb, shop: string, customerId: string, now: Date): Promise<boolean> {
  const test = await runningProgramTest(db, shop);
  if (!test) return false;
  return (await heldOutAmong(db, shop, test, [{ customerId, seenAt: now }])).has(customerId);
}
