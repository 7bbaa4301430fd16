/**
 * The points-expiring reminder (a service mail): the points engine records a reminder once per lot of points
 * about to expire (PointsReminder, the program's reminder days before); the member hears how many, on which day
 * of the shop's calendar, their balance and what it buys now.
 */
import { greeting, nextRewardLine, pointsText, renderMail, serviceFooter, type MailFacts, type RenderedMail } from "./mail-layout";

export interface PointsExpiringFacts extends MailFacts {
  points: number;
  expiresAt: Date;
  timeZone: string;
  accountUrl: string;
}

export function pointsExpiringMail(f: PointsExpiringFacts): RenderedMail {
  const de = f.locale === "de";
  const p = (v: number) => pointsText(f.locale, v);
  const day = new Intl.DateTimeFormat(de ? "de-DE" : "en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: f.timeZone }).format(f.expiresAt);
  const next = nextRewardLine(f.locale, f.balance, f.nextReward);
  return renderMail({
    locale: f.locale,
    subject: de ? `${p(f.points)} bei ${f.shopName} verfallen am ${day}` : `${p(f.points)} at ${f.shopName} expire on ${day}`,
    shopName: f.shopName,
    greeting: greeting(f.locale, f.firstName),
    lines: [
      de ? `${p(f.points)} auf Ihrem Konto verfallen am ${day}, wenn Sie sie bis dahin nicht einlösen.` : `${p(f.points)} in your account expire on ${day} unless you spend them before.`,
      de ? `Ihr Punktestand: ${p(f.balance)}.` : `Your balance: ${p(f.balance)}.`,
      ...(next ? [next] : []),
    ],
    button: { label: de ? "Punkte jetzt einlösen" : "Spend your points now", url: f.accountUrl },
    footer: serviceFooter(f.locale, f.shopName),
    unsubscribeUrl: f.unsubscribeUrl,
    look: f.look,
  });
}
