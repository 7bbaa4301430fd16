/**
 * What a merchant can change in member e-mails: the look (their logo and accent colour) and, per kind and language,
 * the subject and a personal note that opens the mail. The facts (points, balance, dates, the unsubscribe line)
 * always stay the app's, so no edit can make a mail wrong. Subject and note may name a few placeholders, filled per
 * member when the mail is sent. Pure: checked here, stored by mail-settings.server.ts, used by mail-layout.ts.
 */
import type { Locale } from "~/i18n/messages";

export interface MailBrand {
  /** An https URL of the shop's logo, shown on top instead of the shop's name (which stays its alt text). */
  logoUrl: string | null;
  /** "#RRGGBB": the button and the top line. */
  accentColor: string | null;
}

export const DEFAULT_BRAND: MailBrand = { logoUrl: null, accentColor: null };
export const DEFAULT_ACCENT = "#202223";

/** A merchant's subject and opening note for one kind and language; null: the app's own. */
export interface MailWording {
  subject: string | null;
  intro: string | null;
}

/** What a mail looks like for one kind and language: the brand and the merchant's wording, placeholders filled. */
export interface MailLook {
  brand: MailBrand;
  wording: MailWording;
}

export const PLAIN_LOOK: MailLook = { brand: DEFAULT_BRAND, wording: { subject: null, intro: null } };

/** Placeholders every template may use. */
export const MAIL_PLACEHOLDERS = ["shop", "first_name", "points", "balance", "tier"] as const;
export type MailPlaceholder = (typeof MAIL_PLACEHOLDERS)[number];

export const SUBJECT_MAX = 150;
export const INTRO_MAX = 1_000;
export const LOGO_URL_MAX = 500;

export type LookProblem =
  | { field: "logoUrl"; code: "not-https" | "too-long" }
  | { field: "accentColor"; code: "not-a-colour" }
  | { field: "subject" | "intro"; code: "too-long"; max: number }
  | { field: "subject" | "intro"; code: "unknown-placeholder"; name: string }
  | { field: "subject" | "intro"; code: "unbalanced-brace" }
  | { field: "subject"; code: "line-break" };

/** A logo URL and an accent colour as typed ("" for none), each checked; the stored brand when there is no problem. */
export function checkBrand(input: { logoUrl: string; accentColor: string }): { brand: MailBrand; problems: LookProblem[] } {
  const problems: LookProblem[] = [];
  const logo = input.logoUrl.trim();
  const colour = input.accentColor.trim().toLowerCase();
  if (logo) {
    let https = false;
    try {
      https = new URL(logo).protocol === "https:";
    } catch {
      https = false;
    }
    if (!https) problems.push({ field: "logoUrl", code: "not-https" });
    else if (logo.length > LOGO_URL_MAX) problems.push({ field: "logoUrl", code: "too-long" });
  }
  if (colour && !/^#[0-9a-f]{6}$/.test(colour)) problems.push({ field: "accentColor", code: "not-a-colour" });
  return { brand: { logoUrl: logo || null, accentColor: colour || null }, problems };
}

/** A subject or note as typed ("" for the app's own), checked: length, one line for a subject, known placeholders only. */
export function checkWording(field: "subject" | "intro", text: string): { value: string | null; problems: LookProblem[] } {
  const value = field === "subject" ? text.trim() : text.replace(/\r\n/g, "\n").trim();
  if (!value) return { value: null, problems: [] };
  const problems: LookProblem[] = [];
  const max = field === "subject" ? SUBJECT_MAX : INTRO_MAX;
  if (value.length > max) problems.push({ field, code: "too-long", max });
  if (field === "subject" && /[\r\n]/.test(value)) problems.push({ field: "subject", code: "line-break" });
  const withoutPlaceholders = value.replace(/\{([a-z_]+)\}/g, (_, name: string) => {
    if (!(MAIL_PLACEHOLDERS as readonly string[]).includes(name)) problems.push({ field, code: "unknown-placeholder", name });
    return "";
  });
  if (/[{}]/.test(withoutPlaceholders)) problems.push({ field, code: "unbalanced-brace" });
  return { value, problems };
}

/** Fills {shop}, {first_name}, … with the member's values (a value not known for this mail becomes empty). */
export function fillPlaceholders(text: string, values: Partial<Record<MailPlaceholder, string>>): string {
  return text
    .replace(/\{([a-z_]+)\}/g, (_, name: string) => values[name as MailPlaceholder] ?? "")
    .replace(/[ \t]{2,}/g, " ")
    .trim();
}

/** The look with the wording's placeholders filled for one member. */
export function lookFor(brand: MailBrand, wording: MailWording | undefined, values: Partial<Record<MailPlaceholder, string>>): MailLook {
  return {
    brand,
    wording: {
      subject: wording?.subject ? fillPlaceholders(wording.subject, values) || null : null,
      intro: wording?.intro ? fillPlaceholders(wording.intro, values) || null : null,
    },
  };
}

/** Black or white, whichever reads better on `hex` (WCAG relative luminance). */
export function textColourOn(hex: string): "#000000" | "#ffffff" {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  // Contrast with white (1.05 / (L + 0.05)) against contrast with black ((L + 0.05) / 0.05).
  return 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.05 ? "#ffffff" : "#000000";
}

/** Key of a wording in a map: kind and language. */
export const wordingKey = (kind: string, locale: Locale) => `${kind}:${locale}`;
