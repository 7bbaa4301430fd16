/**
 * Tier news: what a recorded change of a member's VIP tier means to the member (moved up, kept the tier for another
 * period, or lost it) and the e-mail that tells them. Pure: tier-events.server.ts reads the changes the database
 * recorded (table TierChange) and the program, and member-mails.server.ts sends what tierMail writes.
 */
import type { Locale } from "~/i18n/messages";
import type { VipTier } from "~/points/domain/program";
import { formatRewardMoney } from "~/rewards/domain/reward-title";
import { greeting, pointsText, renderMail, serviceFooter, type MailFacts, type RenderedMail } from "./mail-layout";

export type TierDirection = "up" | "kept" | "down";

/** One row of TierChange: the member's tier and period before and after, and who changed them. */
export interface RecordedTierChange {
  fromTierId: string | null;
  toTierId: string | null;
  fromPeriodEnd: Date | null;
  toPeriodEnd: Date | null;
  /** "import" (a balance import), "flow" (Flow's Set VIP tier), null: the program's own rules. */
  source: string | null;
}

/**
 * What the change is to the member, or null when it is no news to them: an imported standing (carried over from
 * the app the shop used before), a tier the merchant removed from the program, the same tier set again by Flow,
 * or a tier the program no longer has. "kept": the tier review renewed the tier for another period.
 */
export function tierDirection(change: RecordedTierChange, tiers: readonly VipTier[]): TierDirection | null {
  if (change.source === "import") return null;
  const rank = (id: string | null) => (id === null ? -1 : tiers.findIndex((t) => t.id === id));
  if (change.toTierId !== null && rank(change.toTierId) < 0) return null;
  if (change.fromTierId === change.toTierId) {
    const extended = change.fromPeriodEnd !== null && change.toPeriodEnd !== null && change.toPeriodEnd.getTime() > change.fromPeriodEnd.getTime();
    return change.toTierId !== null && change.source === null && extended ? "kept" : null;
  }
  // A removed tier ends for everyone at once: the merchant's decision, not news about the member's orders.
  if (change.fromTierId !== null && rank(change.fromTierId) < 0 && change.toTierId === null) return null;
  return rank(change.toTierId) > rank(change.fromTierId) ? "up" : "down";
}

export interface TierMailFacts extends MailFacts {
  direction: TierDirection;
  /** The tier held now (null: none). */
  tier: { name: string; multiplierPercent: number } | null;
  /** The tier held before (for "down": the one lost, and what it takes to get it back). */
  previousTier: { name: string; thresholdMinor: number } | null;
  /** When the tier is next reviewed. */
  periodEnd: Date | null;
  windowDays: number;
  /** The change followed from the member's orders (the program's rules), not from a merchant's workflow. */
  byOrders: boolean;
  currency: string | null;
  timeZone: string;
  accountUrl: string;
}

function dayText(locale: Locale, at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat(locale === "de" ? "de-DE" : "en-GB", { day: "numeric", month: "long", year: "numeric", timeZone }).format(at);
}

/** "1.5" / "1,5": a tier's earning multiplier. */
function timesText(locale: Locale, percent: number): string {
  return new Intl.NumberFormat(locale === "de" ? "de-DE" : "en-GB", { maximumFractionDigits: 2 }).format(percent / 100);
}

/** The tier e-mail for a direction, in the member's language. */
export function tierMail(f: TierMailFacts): RenderedMail {
  const de = f.locale === "de";
  const tier = f.tier?.name ?? "";
  const previous = f.previousTier?.name ?? "";
  const until = f.periodEnd ? dayText(f.locale, f.periodEnd, f.timeZone) : null;
  const n = f.windowDays;
  const multiplier =
    f.tier && f.tier.multiplierPercent > 100
      ? de
        ? `Als ${tier}-Mitglied sammeln Sie bei jeder Bestellung das ${timesText(f.locale, f.tier.multiplierPercent)}-Fache an Punkten.`
        : `As a ${tier} member you earn ${timesText(f.locale, f.tier.multiplierPercent)} times the points on every order.`
      : null;
  const balance = de ? `Ihr Punktestand: ${pointsText(f.locale, f.balance)}.` : `Your balance: ${pointsText(f.locale, f.balance)}.`;
  let subject: string;
  let lines: string[];
  if (f.direction === "up") {
    subject = de ? `Willkommen im Status ${tier} bei ${f.shopName}` : `Welcome to ${tier} at ${f.shopName}`;
    lines = [
      f.byOrders
        ? de
          ? `mit Ihren Bestellungen der letzten ${n} Tage haben Sie den Status ${tier} erreicht.`
          : `Your orders of the last ${n} days have brought you to ${tier}.`
        : de
          ? `Sie haben jetzt den Status ${tier}.`
          : `You now hold ${tier}.`,
      ...(multiplier ? [multiplier] : []),
      ...(until ? [de ? `Der Status gilt mindestens bis zum ${until}.` : `${tier} is yours until at least ${until}.`] : []),
      balance,
    ];
  } else if (f.direction === "kept") {
    subject = de ? `Sie behalten den Status ${tier} bei ${f.shopName}` : `You keep ${tier} at ${f.shopName}`;
    lines = [
      de
        ? `mit Ihren Bestellungen der letzten ${n} Tage behalten Sie den Status ${tier}${until ? ` bis zum ${until}` : ""}.`
        : `Your orders of the last ${n} days keep you at ${tier}${until ? ` until ${until}` : ""}.`,
      ...(multiplier ? [multiplier] : []),
      balance,
    ];
  } else {
    subject = f.tier
      ? de ? `Ihr Status bei ${f.shopName} ist jetzt ${tier}` : `Your status at ${f.shopName} is now ${tier}`
      : de ? `Ihr Status ${previous} bei ${f.shopName} ist abgelaufen` : `Your ${previous} status at ${f.shopName} has ended`;
    // German goes on in lower case after the greeting's comma, English starts a sentence.
    const now = f.tier
      ? de ? `Ihr Status ist jetzt ${tier}.` : `your status is now ${tier}.`
      : de ? `Ihr Status ${previous} ist abgelaufen.` : `your ${previous} status has ended.`;
    const first = f.byOrders
      ? de
        ? `Ihre Bestellungen der letzten ${n} Tage haben für ${previous} nicht gereicht. ${now}`
        : `Your orders of the last ${n} days did not reach ${previous}, so ${now}`
      : de ? now : now.charAt(0).toUpperCase() + now.slice(1);
    const threshold = f.previousTier && f.currency ? formatRewardMoney({ amountMinor: f.previousTier.thresholdMinor, currency: f.currency }, f.locale) : null;
    lines = [
      first,
      ...(threshold
        ? [de ? `Mit Bestellungen über ${threshold} innerhalb von ${n} Tagen erhalten Sie ${previous} zurück.` : `Orders of ${threshold} within ${n} days bring ${previous} back.`]
        : []),
      de ? `Ihre Punkte bleiben Ihnen: ${pointsText(f.locale, f.balance)}.` : `Your points stay yours: ${pointsText(f.locale, f.balance)}.`,
    ];
  }
  return renderMail({
    locale: f.locale,
    subject,
    shopName: f.shopName,
    greeting: greeting(f.locale, f.firstName),
    lines,
    button: { label: de ? "Ihr Kundenkonto" : "Your account", url: f.accountUrl },
    footer: serviceFooter(f.locale, f.shopName),
    unsubscribeUrl: f.unsubscribeUrl,
    look: f.look,
  });
}
