/**
 * Member e-mails: which may be sent, and what they say. Pure: the server module reads the member, the shop and
 * the program, and sends what these functions write.
 *
 * Two categories, as the law and the inbox providers see them: a *service* mail tells a member about their own
 * account (points earned, points about to expire) and goes to every member who has not opted out of it; a
 * *marketing* mail (win-back, promotions) needs the customer's e-mail marketing consent as Shopify records it, and
 * no opt-out. A bounce or complaint stops every mail to the address.
 */
import type { Locale } from "~/i18n/messages";
import { greeting, nextRewardLine, pointsText, renderMail, serviceFooter, type MailFacts, type RenderedMail } from "./mail-layout";

export type { RenderedMail } from "./mail-layout";

export type MailCategory = "service" | "marketing";
export type MailKind =
  | "points-earned"
  | "points-expiring"
  | "reward-unlocked"
  | "tier-up"
  | "tier-kept"
  | "tier-lost"
  | "birthday"
  | "friend-ordered"
  | "referral-reward"
  | "thank-you"
  | "win-back";

export const MAIL_KINDS: readonly MailKind[] = ["points-earned", "points-expiring", "reward-unlocked", "tier-up", "tier-kept", "tier-lost", "birthday", "friend-ordered", "referral-reward", "thank-you", "win-back"];

/** Rewards within reach, tier news, birthday points and referral rewards are about the member's own account: service mail, like their points. */
export const MAIL_CATEGORY: Record<MailKind, MailCategory> = {
  "points-earned": "service",
  "points-expiring": "service",
  "reward-unlocked": "service",
  "tier-up": "service",
  "tier-kept": "service",
  "tier-lost": "service",
  birthday: "service",
  "friend-ordered": "service",
  "referral-reward": "service",
  // A request for feedback is advertising under German law (BGH VI ZR 225/17): consent needed.
  "thank-you": "marketing",
  "win-back": "marketing",
};

// What an A/B test can be about (experiments.server.ts): one kind of member e-mail.
/** What a test is about: one kind of member e-mail ("points-earned-mail", "win-back-mail", …), one test at a time each. */
export type ExperimentSubject = `${MailKind}-mail`;
export const EXPERIMENT_SUBJECTS: readonly ExperimentSubject[] = MAIL_KINDS.map((kind) => `${kind}-mail` as const);

export const mailSubject = (kind: MailKind): ExperimentSubject => `${kind}-mail`;
/** The subject of a test of the whole program (program-test.server.ts): a share of new customers sees no program. */
export const PROGRAM_SUBJECT = "program";
/**
 * The subject of a test of segment bonuses (segment-bonus.server.ts): while it runs, a share of each bonus's
 * recipients gets neither its points nor its win-back e-mail.
 */
export const SEGMENT_BONUS_SUBJECT = "segment-bonus";

/** The mail kind a subject tests, or null for one the app does not know. */
export function subjectMailKind(subject: string): MailKind | null {
  const kind = subject.replace(/-mail$/, "");
  return subject.endsWith("-mail") && (MAIL_KINDS as readonly string[]).includes(kind) ? (kind as MailKind) : null;
}

/** What stops a mail to an address: an opt-out of one category, or of all mail (bounce, complaint). */
export interface Suppression {
  category: MailCategory | "all";
  reason: "unsubscribe" | "bounce" | "complaint";
}

export type MailVerdict = { send: true } | { send: false; reason: "no-address" | "erased" | "unsubscribed" | "bounced" | "no-consent" };

/** Whether a mail of `category` may go to the member now. `emailMarketing` is Shopify's consent state, lower case. */
export function mayReceive(
  category: MailCategory,
  member: { email: string | null; redacted: boolean; emailMarketing: string | null },
  suppressions: readonly Suppression[],
): MailVerdict {
  if (member.redacted) return { send: false, reason: "erased" };
  if (!member.email) return { send: false, reason: "no-address" };
  if (suppressions.some((s) => s.category === "all")) return { send: false, reason: "bounced" };
  if (suppressions.some((s) => s.category === category)) return { send: false, reason: "unsubscribed" };
  if (category === "marketing" && member.emailMarketing !== "subscribed") return { send: false, reason: "no-consent" };
  return { send: true };
}

/** A member's language from the buyer's checkout language ("de-AT" → German); anything else is English. */
export function mailLocale(value: string | null | undefined): Locale {
  return value?.toLowerCase().startsWith("de") ? "de" : "en";
}

export interface PointsEarnedFacts extends MailFacts {
  points: number;
  orderName: string | null;
  /** When the points become spendable, if later than now (the program's pending period). */
  spendableFrom: Date | null;
  timeZone: string;
  accountUrl: string;
}

/** "You earned 120 points at Tea & Co." with the new balance and what it buys, in the member's language. */
export function pointsEarnedMail(f: PointsEarnedFacts): RenderedMail {
  const de = f.locale === "de";
  const p = (v: number) => pointsText(f.locale, v);
  const day = f.spendableFrom
    ? new Intl.DateTimeFormat(de ? "de-DE" : "en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: f.timeZone }).format(f.spendableFrom)
    : null;
  const order = f.orderName ? ` ${f.orderName}` : "";
  const next = nextRewardLine(f.locale, f.balance, f.nextReward);
  return renderMail({
    locale: f.locale,
    subject: de ? `Sie haben ${p(f.points)} bei ${f.shopName} gesammelt` : `You earned ${p(f.points)} at ${f.shopName}`,
    shopName: f.shopName,
    greeting: greeting(f.locale, f.firstName),
    lines: [
      de ? `danke für Ihre Bestellung${order}: Sie haben ${p(f.points)} gesammelt.` : `Thank you for your order${order}: you earned ${p(f.points)}.`,
      ...(day ? [de ? `Sie können sie ab dem ${day} einlösen.` : `You can spend them from ${day}.`] : []),
      de ? `Ihr Punktestand: ${p(f.balance)}.` : `Your balance: ${p(f.balance)}.`,
      ...(next ? [next] : []),
    ],
    button: { label: de ? "Punkte ansehen und einlösen" : "See and spend your points", url: f.accountUrl },
    footer: serviceFooter(f.locale, f.shopName),
    unsubscribeUrl: f.unsubscribeUrl,
    look: f.look,
  });
}
