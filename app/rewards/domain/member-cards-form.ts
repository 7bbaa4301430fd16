/**
 * The shop's two member cards as stored (JSON), and the admin form that edits them: fields as typed (text)
 * → settings, or every problem with a stable code, the field at fault and params, for the page to word in
 * English and German. No zod: the domain owns the rules, the route wraps them.
 */
import { formatMinor, parseMinor, type Money } from "~/points/domain/money";
import type { StampCard } from "./member-perks";

export interface MemberDiscountCardSettings {
  /** Whole percent (1–100) per VIP tier id; a tier not listed gets no member discount. */
  percentOffByTier: Record<string, number>;
  combinesWithOtherDiscounts: boolean;
}

export interface StampCardSettings {
  enabled: boolean;
  stampsRequired: number;
  /** A reward from the catalog, issued as a free single-use code when a card is full. */
  rewardId: string;
  minimumSubtotal?: Money;
  /** ISO instant; orders placed before it earn no stamp. A new start date starts a new card. */
  startsAt: string;
}

export interface MemberCardsSettings {
  discount: MemberDiscountCardSettings;
  stamps: StampCardSettings | null;
}

export const NO_MEMBER_CARDS: MemberCardsSettings = { discount: { percentOffByTier: {}, combinesWithOtherDiscounts: false }, stamps: null };

export const STAMPS_REQUIRED_MIN = 2;
export const STAMPS_REQUIRED_MAX = 100;

/**
 * The stamp card as the rules see it, or null when it is off. Its id is the start instant: a merchant who
 * moves the start starts a new card, and rewards issued on the old one do not count against it.
 */
export function activeStampCard(settings: MemberCardsSettings): StampCard | null {
  const s = settings.stamps;
  if (!s || !s.enabled) return null;
  const startsAt = new Date(s.startsAt);
  return {
    id: `stamps-${startsAt.getTime().toString(36)}`,
    stampsRequired: s.stampsRequired,
    rewardId: s.rewardId,
    startsAt,
    ...(s.minimumSubtotal && s.minimumSubtotal.amountMinor > 0 ? { minimumSubtotal: s.minimumSubtotal } : {}),
  };
}

/** Settings read from the database, tolerating rows written before a field existed (missing → default). */
export function memberCardsFromJson(value: unknown): MemberCardsSettings {
  const v = (value && typeof value === "object" ? value : {}) as Partial<MemberCardsSettings>;
  const d = v.discount as Partial<MemberDiscountCardSettings> | undefined;
  const percentOffByTier: Record<string, number> = {};
  for (const [tier, percent] of Object.entries(d?.percentOffByTier ?? {})) {
    if (Number.isSafeInteger(percent) && percent >= 1 && percent <= 100) percentOffByTier[tier] = percent;
  }
  const s = v.stamps as Partial<StampCardSettings> | null | undefined;
  const stamps =
    s && Number.isSafeInteger(s.stampsRequired) && typeof s.rewardId === "string" && typeof s.startsAt === "string" && !Number.isNaN(Date.parse(s.startsAt))
      ? { enabled: s.enabled === true, stampsRequired: s.stampsRequired!, rewardId: s.rewardId, startsAt: s.startsAt, ...(s.minimumSubtotal ? { minimumSubtotal: s.minimumSubtotal } : {}) }
      : null;
  return { discount: { percentOffByTier, combinesWithOtherDiscounts: d?.combinesWithOtherDiscounts === true }, stamps };
}

export interface MemberCardsFormValues {
  /** Percent per tier id, as typed; empty = no member discount for that tier. */
  percentByTier: Record<string, string>;
  combinesWithOtherDiscounts: boolean;
  stampsEnabled: boolean;
  stampsRequired: string;
  stampRewardId: string;
  stampMinimumSubtotal: string;
  /** YYYY-MM-DD (UTC); empty = from now. */
  stampStartsOn: string;
}

export type MemberCardsProblemCode =
  | "percent-invalid"
  | "tier-unknown"
  | "stamps-required-invalid"
  | "reward-missing"
  | "reward-unknown"
  | "minimum-subtotal-invalid"
  | "starts-on-invalid";

export interface MemberCardsProblem {
  code: MemberCardsProblemCode;
  /** The form field: `percent.<tierId>`, `stampsRequired`, `stampRewardId`, `stampMinimumSubtotal`, `stampStartsOn`. */
  field: string;
  params?: Record<string, string | number>;
}

export type MemberCardsFormResult = { ok: true; settings: MemberCardsSettings } | { ok: false; problems: MemberCardsProblem[] };

export interface MemberCardsFormContext {
  shopCurrency: string;
  /** The program's VIP tiers (id and name). */
  tiers: readonly { id: string; name: string }[];
  /** Ids of the catalog's rewards. */
  rewardIds: ReadonlySet<string>;
  /** The settings saved so far: an unchanged start date keeps its exact instant (and so the card). */
  previous: MemberCardsSettings;
  now: Date;
}

const whole = (s: string) => (/^\s*\d+\s*$/.test(s) ? Number(s) : NaN);

/** The settings the form describes, or every problem with it. */
export function memberCardsFromForm(values: MemberCardsFormValues, ctx: MemberCardsFormContext): MemberCardsFormResult {
  const problems: MemberCardsProblem[] = [];
  const currency = ctx.shopCurrency.toUpperCase();
  const tierIds = new Set(ctx.tiers.map((t) => t.id));

  const percentOffByTier: Record<string, number> = {};
  for (const [tierId, text] of Object.entries(values.percentByTier)) {
    if (text.trim() === "") continue;
    const field = `percent.${tierId}`;
    if (!tierIds.has(tierId)) {
      problems.push({ code: "tier-unknown", field, params: { tier: tierId } });
      continue;
    }
    const percent = whole(text);
    if (!(percent >= 1 && percent <= 100)) problems.push({ code: "percent-invalid", field, params: { min: 1, max: 100 } });
    else percentOffByTier[tierId] = percent;
  }

  let stamps: StampCardSettings | null = ctx.previous.stamps;
  const anyStampField = values.stampsEnabled || values.stampsRequired.trim() !== "" || values.stampRewardId.trim() !== "";
  if (anyStampField) {
    // A switched-off card is still validated when filled in: the merchant sees the mistake before turning it on.
    const stampsRequired = whole(values.stampsRequired);
    if (!(stampsRequired >= STAMPS_REQUIRED_MIN && stampsRequired <= STAMPS_REQUIRED_MAX)) {
      problems.push({ code: "stamps-required-invalid", field: "stampsRequired", params: { min: STAMPS_REQUIRED_MIN, max: STAMPS_REQUIRED_MAX } });
    }
    const rewardId = values.stampRewardId.trim();
    if (rewardId === "") problems.push({ code: "reward-missing", field: "stampRewardId" });
    else if (!ctx.rewardIds.has(rewardId)) problems.push({ code: "reward-unknown", field: "stampRewardId", params: { id: rewardId } });
    let minimumSubtotal: Money | undefined;
    const minText = values.stampMinimumSubtotal.trim();
    if (minText !== "") {
      const minor = parseMinor(minText.replace(",", "."), currency);
      if (minor === null || minor < 0) problems.push({ code: "minimum-subtotal-invalid", field: "stampMinimumSubtotal" });
      else if (minor > 0) minimumSubtotal = { amountMinor: minor, currency };
    }
    let startsAt: string;
    const day = values.stampStartsOn.trim();
    const previousStart = ctx.previous.stamps?.startsAt;
    if (day === "") startsAt = previousStart ?? ctx.now.toISOString();
    else if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`)) || new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) !== day) {
      problems.push({ code: "starts-on-invalid", field: "stampStartsOn" });
      startsAt = "";
    } else if (previousStart && previousStart.slice(0, 10) === day) startsAt = previousStart;
    else startsAt = `${day}T00:00:00.000Z`;
    stamps = { enabled: values.stampsEnabled, stampsRequired, rewardId, startsAt, ...(minimumSubtotal ? { minimumSubtotal } : {}) };
  }
  if (problems.length) return { ok: false, problems };
  return { ok: true, settings: { discount: { percentOffByTier, combinesWithOtherDiscounts: values.combinesWithOtherDiscounts }, stamps } };
}

/** The form's fields for the saved settings (and the program's tiers). */
export function memberCardsFormValues(settings: MemberCardsSettings, tiers: readonly { id: string }[], shopCurrency: string): MemberCardsFormValues {
  const percentByTier: Record<string, string> = {};
  for (const t of tiers) percentByTier[t.id] = settings.discount.percentOffByTier[t.id] !== undefined ? String(settings.discount.percentOffByTier[t.id]) : "";
  const s = settings.stamps;
  return {
    percentByTier,
    combinesWithOtherDiscounts: settings.discount.combinesWithOtherDiscounts,
    stampsEnabled: s?.enabled ?? false,
    stampsRequired: s ? String(s.stampsRequired) : "",
    stampRewardId: s?.rewardId ?? "",
    stampMinimumSubtotal: s?.minimumSubtotal ? formatMinor(s.minimumSubtotal.amountMinor, shopCurrency.toUpperCase()) : "",
    stampStartsOn: s ? s.startsAt.slice(0, 10) : "",
  };
}
