/**
 * The merchant's loyalty program: how customers earn, when points become spendable and when they expire.
 * The settings page validates input with `parseLoyaltyProgram`; every error carries a stable code and
 * parameters so the admin can show it in German as well as English.
 */
import { z } from "zod";
import { earningContextFor, pointsWorthForOrder, type PointsBreakdown } from "./earning";
import { formatMinor } from "./money";
import type { OrderSnapshot } from "./order-snapshot";

export interface EarnRate {
  /** "`points` points for every `perCurrencyUnits` of shop currency": 1 per 1.00 €, or 1 per 100 ¥. */
  points: number;
  perCurrencyUnits: number;
}

/** Extra points for every unit bought of a product, or of any product in a collection. */
export interface ProductBonus {
  target: "product" | "collection";
  /** Shopify's numeric id of the product or collection. */
  targetId: string;
  pointsPerUnit: number;
}

interface CampaignBase {
  id: string;
  name: string;
  /** Orders created at or after this instant take part. */
  startsAt: Date;
  /** Orders created at or after this instant do not. */
  endsAt: Date;
}
export type Campaign =
  | (CampaignBase & { kind: "multiplier"; multiplierPercent: number })
  | (CampaignBase & { kind: "bonus"; bonusPoints: number });

export interface VipTier {
  id: string;
  name: string;
  /** Spend in the rolling window, shop-currency minor units, from which the tier is reached. */
  thresholdMinor: number;
  /** Earning multiplier while in the tier; 100 = ×1, 150 = ×1.5. */
  multiplierPercent: number;
}

export interface VipSettings {
  /** Length of the rolling spend window and of a tier period. */
  windowDays: number;
  /** Lowest threshold first. No tiers: everyone earns ×1. */
  tiers: VipTier[];
}

export type ExpiryPolicy =
  | { mode: "off" }
  /** The whole balance expires `months` after the customer's last activity. */
  | { mode: "inactivity"; months: number; reminderDays: number }
  /** Each lot of earned points expires `months` after it became spendable; spending uses the oldest first. */
  | { mode: "lots"; months: number; reminderDays: number };

export interface LoyaltyProgram {
  earnRate: EarnRate;
  /** Orders whose merchandise is worth less than this (shop-currency minor units) earn nothing. */
  minimumOrderMinor: number;
  /** Points every qualifying order earns, whatever its value. */
  pointsPerOrder: number;
  productBonuses: ProductBonus[];
  campaigns: Campaign[];
  signupBonus: number;
  birthdayBonus: number;
  vip: VipSettings;
  /** Days after the order before its points can be spent, so that returns can come back first. */
  pendingDays: number;
  expiry: ExpiryPolicy;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** What a shop gets on install. Frozen: a program is changed by building a new one, never in place. */
export const DEFAULT_PROGRAM: LoyaltyProgram = deepFreeze<LoyaltyProgram>({
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

// ---------------------------------------------------------------------------------------------------------
// Validation

export const PROGRAM_ERROR_CODES = [
  "program.notAnObject",
  "program.wholeNumberOutOfRange",
  "program.textMissing",
  "program.listExpected",
  "program.instantInvalid",
  "program.choiceInvalid",
  "program.campaign.endsBeforeStart",
  "program.campaign.duplicateId",
  "program.productBonus.duplicateTarget",
  "program.vip.tierDuplicateId",
  "program.vip.thresholdsNotIncreasing",
  "program.vip.multipliersDecreasing",
  "program.expiry.reminderNotBeforeExpiry",
] as const;
export type ProgramErrorCode = (typeof PROGRAM_ERROR_CODES)[number];

export interface ProgramError {
  code: ProgramErrorCode;
  /** Where in the input, e.g. ["campaigns", 0, "endsAt"]: the form field to mark. */
  path: (string | number)[];
  /** English text; the admin translates by `code` and `params`. */
  message: string;
  params: Record<string, string | number>;
}

type Issue = { code: ProgramErrorCode; message: string; params?: Record<string, string | number> };

function fail(ctx: z.RefinementCtx, issue: Issue): typeof z.NEVER {
  ctx.addIssue({ code: z.ZodIssueCode.custom, message: issue.message, params: { programCode: issue.code, ...issue.params } });
  return z.NEVER;
}

// Each field is checked by hand (z.unknown + transform) rather than with zod's built-in checks so that every
// error, including "wrong type", carries one of our codes; a missing field takes its default so programs
// saved before a setting existed stay valid.
function wholeNumber(label: string, min: number, max: number, fallback?: number) {
  return z.unknown().transform((value, ctx): number => {
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value === "number" && Number.isInteger(value) && value >= min && value <= max) return value;
    return fail(ctx, { code: "program.wholeNumberOutOfRange", message: `${label} must be a whole number from ${min} to ${max}.`, params: { label, min, max } });
  });
}

function text(label: string, maxLength = 200) {
  return z.unknown().transform((value, ctx): string => {
    if (typeof value === "string" && value.trim().length > 0 && value.length <= maxLength) return value.trim();
    return fail(ctx, { code: "program.textMissing", message: `${label} must be filled in (at most ${maxLength} characters).`, params: { label, maxLength } });
  });
}

function instant(label: string) {
  return z.unknown().transform((value, ctx): Date => {
    const at = value instanceof Date ? value : typeof value === "string" && /(Z|[+-]\d{2}:\d{2})$/.test(value) ? new Date(value) : null;
    if (at && !Number.isNaN(at.getTime())) return at;
    return fail(ctx, { code: "program.instantInvalid", message: `${label} must be a date and time with a time zone.`, params: { label } });
  });
}

function choice<const T extends string>(label: string, options: readonly T[], fallback?: T) {
  return z.unknown().transform((value, ctx): T => {
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value === "string" && (options as readonly string[]).includes(value)) return value as T;
    return fail(ctx, { code: "program.choiceInvalid", message: `${label} must be one of: ${options.join(", ")}.`, params: { label, options: options.join(", ") } });
  });
}

function list<T extends z.ZodTypeAny>(label: string, item: T, maxItems: number) {
  return z.unknown().transform((value, ctx): unknown[] => {
    if (value === undefined) return [];
    if (Array.isArray(value) && value.length <= maxItems) return value;
    return fail(ctx, { code: "program.listExpected", message: `${label} must be a list of at most ${maxItems} entries.`, params: { label, maxItems } });
  }).pipe(z.array(item));
}

function section<T extends z.ZodRawShape>(label: string, shape: T) {
  return z
    .unknown()
    .transform((value, ctx): Record<string, unknown> => {
      if (value === undefined) return {};
      if (typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date)) return value as Record<string, unknown>;
      return fail(ctx, { code: "program.notAnObject", message: `${label} must be a group of settings.`, params: { label } });
    })
    .pipe(z.object(shape));
}

const MAX_POINTS = 1_000_000;
const MAX_MINOR = 100_000_000_000; // a billion in two-decimal currencies; keeps all points arithmetic exact

const campaignSchema = z
  .unknown()
  .transform((value, ctx): Record<string, unknown> => {
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    return fail(ctx, { code: "program.notAnObject", message: "A campaign must be a group of settings.", params: { label: "campaign" } });
  })
  .pipe(
    z.object({
      id: text("Campaign id", 100),
      name: text("Campaign name"),
      startsAt: instant("Campaign start"),
      endsAt: instant("Campaign end"),
      kind: choice("Campaign type", ["multiplier", "bonus"] as const),
      multiplierPercent: z.unknown(),
      bonusPoints: z.unknown(),
    }),
  )
  .transform((c, ctx): Campaign => {
    if (c.endsAt.getTime() <= c.startsAt.getTime()) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["endsAt"],
        message: "A campaign must end after it starts.",
        params: { programCode: "program.campaign.endsBeforeStart" },
      });
    }
    const base = { id: c.id, name: c.name, startsAt: c.startsAt, endsAt: c.endsAt };
    if (c.kind === "multiplier") {
      const m = c.multiplierPercent;
      if (!(typeof m === "number" && Number.isInteger(m) && m >= 101 && m <= 1000)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ["multiplierPercent"],
          message: "Campaign multiplier must be a whole percentage from 101 to 1000.",
          params: { programCode: "program.wholeNumberOutOfRange", label: "Campaign multiplier", min: 101, max: 1000 },
        });
        return z.NEVER;
      }
      return { ...base, kind: "multiplier", multiplierPercent: m };
    }
    const b = c.bonusPoints;
    if (!(typeof b === "number" && Number.isInteger(b) && b >= 1 && b <= MAX_POINTS)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["bonusPoints"],
        message: `Campaign bonus points must be a whole number from 1 to ${MAX_POINTS}.`,
        params: { programCode: "program.wholeNumberOutOfRange", label: "Campaign bonus points", min: 1, max: MAX_POINTS },
      });
      return z.NEVER;
    }
    return { ...base, kind: "bonus", bonusPoints: b };
  });

const expirySchema = section("Expiry", {
  mode: choice("Expiry", ["off", "inactivity", "lots"] as const, "off"),
  months: z.unknown(),
  reminderDays: z.unknown(),
}).transform((e, ctx): ExpiryPolicy => {
  if (e.mode === "off") return { mode: "off" };
  const months = e.months;
  const reminderDays = e.reminderDays ?? 0;
  let ok = true;
  if (!(typeof months === "number" && Number.isInteger(months) && months >= 1 && months <= 120)) {
    ok = false;
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ["months"],
      message: "Months until points expire must be a whole number from 1 to 120.",
      params: { programCode: "program.wholeNumberOutOfRange", label: "Months until points expire", min: 1, max: 120 },
    });
  }
  if (!(typeof reminderDays === "number" && Number.isInteger(reminderDays) && reminderDays >= 0 && reminderDays <= 365)) {
    ok = false;
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ["reminderDays"],
      message: "Reminder days must be a whole number from 0 to 365.",
      params: { programCode: "program.wholeNumberOutOfRange", label: "Reminder days", min: 0, max: 365 },
    });
  }
  if (!ok) return z.NEVER;
  // 28 days is the shortest month: a reminder due before the points were even earned would never be useful.
  if ((reminderDays as number) >= (months as number) * 28) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ["reminderDays"],
      message: "The reminder must come before the points expire.",
      params: { programCode: "program.expiry.reminderNotBeforeExpiry" },
    });
    return z.NEVER;
  }
  return { mode: e.mode, months: months as number, reminderDays: reminderDays as number };
});

const programShape = {
  earnRate: section("Earning rate", {
    points: wholeNumber("Points per amount", 1, 1000, DEFAULT_PROGRAM.earnRate.points),
    perCurrencyUnits: wholeNumber("Amount per points", 1, 1_000_000, DEFAULT_PROGRAM.earnRate.perCurrencyUnits),
  }),
  minimumOrderMinor: wholeNumber("Minimum order value", 0, MAX_MINOR, DEFAULT_PROGRAM.minimumOrderMinor),
  pointsPerOrder: wholeNumber("Points per order", 0, MAX_POINTS, DEFAULT_PROGRAM.pointsPerOrder),
  productBonuses: list(
    "Product bonuses",
    section("Product bonus", {
      target: choice("Bonus applies to", ["product", "collection"] as const),
      targetId: text("Product or collection", 100),
      pointsPerUnit: wholeNumber("Bonus points per item", 1, MAX_POINTS),
    }),
    500,
  ),
  campaigns: list("Campaigns", campaignSchema, 200),
  signupBonus: wholeNumber("Sign-up bonus", 0, MAX_POINTS, 0),
  birthdayBonus: wholeNumber("Birthday bonus", 0, MAX_POINTS, 0),
  vip: section("VIP tiers", {
    windowDays: wholeNumber("VIP spend window (days)", 30, 3650, DEFAULT_PROGRAM.vip.windowDays),
    tiers: list(
      "VIP tiers",
      section("VIP tier", {
        id: text("Tier id", 100),
        name: text("Tier name"),
        thresholdMinor: wholeNumber("Tier spend threshold", 0, MAX_MINOR),
        multiplierPercent: wholeNumber("Tier multiplier", 100, 1000),
      }),
      20,
    ),
  }),
  pendingDays: wholeNumber("Pending days", 0, 365, DEFAULT_PROGRAM.pendingDays),
  expiry: expirySchema,
};

export const loyaltyProgramSchema: z.ZodType<LoyaltyProgram, z.ZodTypeDef, unknown> = section("Program", programShape).superRefine((p, ctx) => {
  const issue = (path: (string | number)[], code: ProgramErrorCode, message: string, params: Record<string, string | number> = {}) =>
    ctx.addIssue({ code: z.ZodIssueCode.custom, path, message, params: { programCode: code, ...params } });
  // Runs even when a field failed (its value is then missing), so each check looks before it leaps.
  const listOf = <T>(value: T[] | undefined): T[] => (Array.isArray(value) ? value : []);
  const seenTargets = new Set<string>();
  listOf(p.productBonuses).forEach((b, i) => {
    if (!b) return;
    const key = `${b.target}:${b.targetId}`;
    if (seenTargets.has(key)) issue(["productBonuses", i, "targetId"], "program.productBonus.duplicateTarget", "This product or collection already has a bonus.");
    seenTargets.add(key);
  });
  const campaignIds = new Set<string>();
  listOf(p.campaigns).forEach((c, i) => {
    if (!c) return;
    if (campaignIds.has(c.id)) issue(["campaigns", i, "id"], "program.campaign.duplicateId", "Two campaigns have the same id.");
    campaignIds.add(c.id);
  });
  const tierIds = new Set<string>();
  const tiers = listOf(p.vip?.tiers);
  tiers.forEach((t, i) => {
    if (!t) return;
    if (tierIds.has(t.id)) issue(["vip", "tiers", i, "id"], "program.vip.tierDuplicateId", "Two tiers have the same id.");
    tierIds.add(t.id);
    const before = tiers[i - 1];
    if (before && t.thresholdMinor <= before.thresholdMinor) {
      issue(["vip", "tiers", i, "thresholdMinor"], "program.vip.thresholdsNotIncreasing", "Each tier must need more spend than the tier before it.");
    }
    if (before && t.multiplierPercent < before.multiplierPercent) {
      issue(["vip", "tiers", i, "multiplierPercent"], "program.vip.multipliersDecreasing", "A higher tier must not earn less than the tier before it.");
    }
  });
}) as unknown as z.ZodType<LoyaltyProgram, z.ZodTypeDef, unknown>;

export type ParsedProgram = { ok: true; program: LoyaltyProgram } | { ok: false; errors: ProgramError[] };

/** Validates the settings form (or a stored program). Missing settings take their defaults. */
export function parseLoyaltyProgram(input: unknown): ParsedProgram {
  const parsed = loyaltyProgramSchema.safeParse(input);
  if (parsed.success) return { ok: true, program: parsed.data };
  return {
    ok: false,
    errors: parsed.error.issues.map((issue) => {
      const params: Record<string, string | number> = { ...((issue as { params?: Record<string, string | number> }).params ?? {}) };
      const code = (params.programCode as ProgramErrorCode | undefined) ?? "program.notAnObject";
      delete params.programCode;
      return { code, path: issue.path, message: issue.message, params };
    }),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Preview

export interface EarningPreview {
  /** The amount as Shopify spells it: "57.90". */
  amount: string;
  currency: string;
  points: number;
  breakdown: PointsBreakdown;
}

/**
 * "An order of 57.90 earns 57 points" for the settings page: one item of no particular product, no VIP
 * tier, no campaign unless `at` names a moment one runs.
 */
export function previewEarning(
  program: LoyaltyProgram,
  amountMinor: number,
  currency: string,
  options: { at?: Date; tierMultiplierPercent?: number } = {},
): EarningPreview {
  const at = options.at ?? new Date(0);
  const order: OrderSnapshot = {
    orderId: "preview",
    customerId: "preview",
    createdAt: at,
    updatedAt: at,
    cancelled: false,
    test: false,
    financialStatus: "paid",
    currency,
    currentSubtotalMinor: amountMinor,
    lines: [{ lineId: "preview", productId: null, variantId: null, currentQuantity: 1, unitPriceMinor: amountMinor, giftCard: false }],
    refundCount: 0,
  };
  const context = earningContextFor(program, at, options.tierMultiplierPercent ?? 100);
  const worth = pointsWorthForOrder(order, program, context);
  return { amount: formatMinor(amountMinor, currency), currency, points: worth.points, breakdown: worth.breakdown };
}
