// The shop's loyalty program: read (the default on first use, so an installed shop always has one) and
// saved after the domain's validation.
import type { Prisma, PrismaClient } from "@prisma/client";
import { DEFAULT_PROGRAM, parseLoyaltyProgram, type LoyaltyProgram, type ProgramError } from "~/points/domain/program";
import type { EarningRules } from "~/points/domain/earning";

type Db = PrismaClient | Prisma.TransactionClient;

/** The shop's program; a shop that never saved one gets DEFAULT_PROGRAM (stored, so later reads agree). */
export async function loadLoyaltyProgram(db: Db, shop: string): Promise<LoyaltyProgram> {
  const row = await db.loyaltyProgram.findUnique({ where: { shop } });
  if (!row) {
    await db.loyaltyProgram.createMany({ data: [{ shop, settings: toJson(DEFAULT_PROGRAM) }], skipDuplicates: true });
    return DEFAULT_PROGRAM;
  }
  return storedProgram(shop, row.settings);
}

/**
 * A stored program's settings as the program. It was valid when saved; if a later rule refuses it, earning must
 * not stop, so the default applies until the merchant saves again — and the reason is logged.
 */
export function storedProgram(shop: string, settings: unknown): LoyaltyProgram {
  const parsed = parseLoyaltyProgram(settings);
  if (!parsed.ok) {
    console.error(`[treue] stored loyalty program of ${shop} is invalid:`, parsed.errors.map((e) => e.message).join(" "));
    return DEFAULT_PROGRAM;
  }
  return parsed.program;
}

export type SaveProgramResult = { ok: true; program: LoyaltyProgram } | { ok: false; errors: ProgramError[] };

/** Validates `input` with the domain and stores it; nothing is written when it is invalid. */
export async function saveLoyaltyProgram(db: Db, shop: string, input: unknown): Promise<SaveProgramResult> {
  const parsed = parseLoyaltyProgram(input);
  if (!parsed.ok) return parsed;
  const settings = toJson(parsed.program);
  await db.loyaltyProgram.upsert({ where: { shop }, create: { shop, settings }, update: { settings } });
  return { ok: true, program: parsed.program };
}

/** The part of the program that prices an order, stored with each order as its terms. */
export function earningRulesOf(program: LoyaltyProgram): EarningRules {
  const { earnRate, minimumOrderMinor, pointsPerOrder, productBonuses, pendingDays } = program;
  return { earnRate, minimumOrderMinor, pointsPerOrder, productBonuses, pendingDays };
}

function toJson(program: LoyaltyProgram): Prisma.InputJsonValue {
  // Dates become ISO strings, which parseLoyaltyProgram reads back.
  return JSON.parse(JSON.stringify(program)) as Prisma.InputJsonValue;
}
