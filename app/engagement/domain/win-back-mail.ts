/**
 * The win-back e-mail: a marketing mail to members slipping away (a segment the merchant chose, usually at risk or
 * lost), with the incentive the merchant gave them (bonus points, already in their account). Sent only with the
 * customer's e-mail marketing consent (mayReceive), and its unsubscribe link stops marketing mail only.
 */
import { greeting, marketingFooter, nextRewardLine, pointsText, renderMail, type MailFacts, type RenderedMail } from "./mail-layout";

export interface WinBackFacts extends MailFacts {
  /** The bonus points given with the mail. */
  points: number;
  shopUrl: string;
}

export function winBackMail(f: WinBackFacts): RenderedMail {
  const de = f.locale === "de";
  const p = (v: number) => pointsText(f.locale, v);
  const next = nextRewardLine(f.locale, f.balance, f.nextReward);
  return renderMail({
    locale: f.locale,
    subject: de ? `Wir vermissen Sie bei ${f.shopName}: ${p(f.points)} für Sie` : `We miss you at ${f.shopName}: ${p(f.points)} for you`,
    shopName: f.shopName,
    greeting: greeting(f.locale, f.firstName),
    lines: [
      de ? `es ist eine Weile her. Wir haben Ihrem Konto ${p(f.points)} gutgeschrieben.` : `It has been a while. We have added ${p(f.points)} to your account.`,
      de ? `Ihr Punktestand: ${p(f.balance)}.` : `Your balance: ${p(f.balance)}.`,
      ...(next ? [next] : []),
    ],
    button: { label: de ? `Zu ${f.shopName}` : `Visit ${f.shopName}`, url: f.shopUrl },
    footer: marketingFooter(f.locale, f.shopName),
    unsubscribeUrl: f.unsubscribeUrl,
    look: f.look,
  });
}
