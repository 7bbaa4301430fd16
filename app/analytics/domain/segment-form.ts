/**
 * The merchant's segment rules form: fields as typed (text) → SegmentThresholds, and back. Each problem
 * names its field and a message key, so the page can show it next to the field in the admin's language.
 * The VIP rule is either "the top N % of spenders" (the default, currency-free) or "spent at least X" in
 * the shop currency.
 */
import { formatMinor, parseMinor } from "~/points/domain/money";
import { DEFAULT_SEGMENT_THRESHOLDS, type SegmentThresholds } from "./lifecycle-segments";

export interface SegmentFormValues {
  newWithinDays: string;
  atRiskAfterDays: string;
  lostAfterDays: string;
  vipMinOrders: string;
  /** "share" (top N % of spenders) or "amount" (spent at least X). */
  vipSpendRule: string;
  vipTopPercent: string;
  vipMinSpend: string;
}

export type SegmentFormField = keyof SegmentFormValues;
export type SegmentFormProblemCode =
  | "new-days"
  | "at-risk-days"
  | "lost-days"
  | "lost-before-at-risk"
  | "vip-orders"
  | "vip-rule"
  | "vip-percent"
  | "vip-spend";

export interface SegmentFormProblem {
  field: SegmentFormField;
  code: SegmentFormProblemCode;
}

export type SegmentFormResult = { ok: true; thresholds: SegmentThresholds } | { ok: false; problems: SegmentFormProblem[] };

export const SEGMENT_LIMITS = {
  newWithinDays: { min: 1, max: 365 },
  atRiskAfterDays: { min: 1, max: 1825 },
  lostAfterDays: { min: 2, max: 3650 },
  vipMinOrders: { min: 1, max: 1000 },
  vipTopPercent: { min: 1, max: 50 },
} as const;

const whole = (s: string) => (/^\s*\d+\s*$/.test(s) ? Number(s) : NaN);
const within = (n: number, { min, max }: { min: number; max: number }) => Number.isSafeInteger(n) && n >= min && n <= max;

export function segmentThresholdsFromForm(values: SegmentFormValues, shopCurrency: string): SegmentFormResult {
  const problems: SegmentFormProblem[] = [];
  const newWithinDays = whole(values.newWithinDays);
  if (!within(newWithinDays, SEGMENT_LIMITS.newWithinDays)) problems.push({ field: "newWithinDays", code: "new-days" });
  const atRiskAfterDays = whole(values.atRiskAfterDays);
  if (!within(atRiskAfterDays, SEGMENT_LIMITS.atRiskAfterDays)) problems.push({ field: "atRiskAfterDays", code: "at-risk-days" });
  const lostAfterDays = whole(values.lostAfterDays);
  if (!within(lostAfterDays, SEGMENT_LIMITS.lostAfterDays)) problems.push({ field: "lostAfterDays", code: "lost-days" });
  else if (within(atRiskAfterDays, SEGMENT_LIMITS.atRiskAfterDays) && lostAfterDays <= atRiskAfterDays) {
    problems.push({ field: "lostAfterDays", code: "lost-before-at-risk" });
  }
  const vipMinOrders = whole(values.vipMinOrders);
  if (!within(vipMinOrders, SEGMENT_LIMITS.vipMinOrders)) problems.push({ field: "vipMinOrders", code: "vip-orders" });

  const thresholds: SegmentThresholds = { newWithinDays, atRiskAfterDays, lostAfterDays, vipMinOrders, vipTopShare: DEFAULT_SEGMENT_THRESHOLDS.vipTopShare };
  if (values.vipSpendRule === "share") {
    const percent = whole(values.vipTopPercent);
    if (!within(percent, SEGMENT_LIMITS.vipTopPercent)) problems.push({ field: "vipTopPercent", code: "vip-percent" });
    thresholds.vipTopShare = percent / 100;
  } else if (values.vipSpendRule === "amount") {
    const minor = parseMinor(values.vipMinSpend.trim().replace(",", "."), shopCurrency.toUpperCase());
    if (minor === null || minor <= 0) problems.push({ field: "vipMinSpend", code: "vip-spend" });
    else thresholds.vipMinSpendMinor = minor;
  } else {
    problems.push({ field: "vipSpendRule", code: "vip-rule" });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, thresholds };
}

/** The form's fields for stored rules (or the defaults). */
export function segmentFormValues(thresholds: SegmentThresholds, shopCurrency: string): SegmentFormValues {
  const amount = thresholds.vipMinSpendMinor !== undefined;
  return {
    newWithinDays: String(thresholds.newWithinDays),
    atRiskAfterDays: String(thresholds.atRiskAfterDays),
    lostAfterDays: String(thresholds.lostAfterDays),
    vipMinOrders: String(thresholds.vipMinOrders),
    vipSpendRule: amount ? "amount" : "share",
    vipTopPercent: String(Math.round(thresholds.vipTopShare * 100)),
    vipMinSpend: amount ? formatMinor(thresholds.vipMinSpendMinor!, shopCurrency.toUpperCase()) : "",
  };
}

/** Stored rules as read back from JSON: anything unusable falls back to the defaults, field by field. */
export function segmentThresholdsFromStored(stored: unknown): SegmentThresholds {
  const s = (stored ?? {}) as Record<string, unknown>;
  const pick = (key: keyof typeof SEGMENT_LIMITS & keyof SegmentThresholds) =>
    typeof s[key] === "number" && within(s[key] as number, SEGMENT_LIMITS[key]) ? (s[key] as number) : DEFAULT_SEGMENT_THRESHOLDS[key];
  const t: SegmentThresholds = {
    newWithinDays: pick("newWithinDays"),
    atRiskAfterDays: pick("atRiskAfterDays"),
    lostAfterDays: pick("lostAfterDays"),
    vipMinOrders: pick("vipMinOrders"),
    vipTopShare: typeof s.vipTopShare === "number" && s.vipTopShare > 0 && s.vipTopShare <= 0.5 ? s.vipTopShare : DEFAULT_SEGMENT_THRESHOLDS.vipTopShare,
  };
  if (typeof s.vipMinSpendMinor === "number" && Number.isSafeInteger(s.vipMinSpendMinor) && s.vipMinSpendMinor > 0) t.vipMinSpendMinor = s.vipMinSpendMinor;
  if (t.lostAfterDays <= t.atRiskAfterDays) {
    t.atRiskAfterDays = DEFAULT_SEGMENT_THRESHOLDS.atRiskAfterDays;
    t.lostAfterDays = DEFAULT_SEGMENT_THRESHOLDS.lostAfterDays;
  }
  return t;
}

/** A short stable key of the rules, for caches of results computed with them. */
export function segmentThresholdsKey(t: SegmentThresholds): string {
  return [t.newWithinDays, t.atRiskAfterDays, t.lostAfterDays, t.vipMinOrders, t.vipTopShare, t.vipMinSpendMinor ?? "-"].join("/");
}
