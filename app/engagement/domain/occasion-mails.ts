/**
 * Mails for a member's occasions: the birthday bonus, a friend's first order with the member's referral code, and
 * the referral reward once that order counts. All three are about the member's own points (service mail).
 */
import { greeting, nextRewardLine, pointsText, renderMail, serviceFooter, type MailFacts, type RenderedMail } from "./mail-layout";

export interface OccasionFacts extends MailFacts {
  points: number;
  accountUrl: string;
}

const balanceLine = (f: OccasionFacts) => (f.locale === "de" ? `Ihr Punktestand: ${pointsText(f.locale, f.balance)}.` : `Your balance: ${pointsText(f.locale, f.balance)}.`);

function occasionMail(f: OccasionFacts, subject: string, lines: string[]): RenderedMail {
  const de = f.locale === "de";
  const next = nextRewardLine(f.locale, f.balance, f.nextReward);
  return renderMail({
    locale: f.locale,
    subject,
    shopName: f.shopName,
    greeting: greeting(f.locale, f.firstName),
    lines: [...lines, balanceLine(f), ...(next ? [next] : [])],
    button: { label: de ? "Punkte ansehen und einlösen" : "See and spend your points", url: f.accountUrl },
    footer: serviceFooter(f.locale, f.shopName),
    unsubscribeUrl: f.unsubscribeUrl,
    look: f.look,
  });
}

/** "Happy birthday: 200 points from Tea & Co". */
export function birthdayMail(f: OccasionFacts): RenderedMail {
  const de = f.locale === "de";
  const p = pointsText(f.locale, f.points);
  return occasionMail(f, de ? `Alles Gute zum Geburtstag: ${p} von ${f.shopName}` : `Happy birthday: ${p} from ${f.shopName}`, [
    de ? `alles Gute zum Geburtstag! Wir haben Ihrem Konto ${p} gutgeschrieben.` : `Happy birthday! We have added ${p} to your account.`,
  ]);
}

export interface FriendOrderedFacts extends OccasionFacts {
  /** Days after the friend's order until the reward is paid (refunds and cancellations within them void it). */
  windowDays: number;
}

/** A friend ordered with the member's code: the reward follows once the order counts. */
export function friendOrderedMail(f: FriendOrderedFacts): RenderedMail {
  const de = f.locale === "de";
  const p = pointsText(f.locale, f.points);
  return occasionMail(f, de ? `Ihre Empfehlung hat bei ${f.shopName} bestellt` : `A friend you referred ordered at ${f.shopName}`, [
    de ? `ein Freund, den Sie empfohlen haben, hat mit Ihrem Code zum ersten Mal bestellt.` : `A friend you referred has placed their first order with your code.`,
    de
      ? `Sie erhalten ${p}, sobald die Bestellung bezahlt ist und ${f.windowDays} Tage lang nicht storniert oder erstattet wurde.`
      : `You get ${p} once the order is paid and has not been cancelled or refunded for ${f.windowDays} days.`,
  ]);
}

/** The referral reward is in the member's account. */
export function referralRewardMail(f: OccasionFacts): RenderedMail {
  const de = f.locale === "de";
  const p = pointsText(f.locale, f.points);
  return occasionMail(f, de ? `${p} für Ihre Empfehlung bei ${f.shopName}` : `${p} for your referral at ${f.shopName}`, [
    de ? `danke für Ihre Empfehlung: Die Bestellung Ihres Freundes zählt, wir haben Ihrem Konto ${p} gutgeschrieben.` : `Thank you for your referral: your friend's order counts, and we have added ${p} to your account.`,
  ]);
}
