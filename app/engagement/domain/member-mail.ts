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

export type MailCategory = "service" | "marketing";
export type MailKind = "points-earned";

export const MAIL_CATEGORY: Record<MailKind, MailCategory> = { "points-earned": "service" };

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

export interface PointsEarnedFacts {
  shopName: string;
  locale: Locale;
  firstName: string | null;
  points: number;
  balance: number;
  orderName: string | null;
  /** When the points become spendable, if later than now (the program's pending period). */
  spendableFrom: Date | null;
  timeZone: string;
  /** The cheapest reward: what the balance buys, or how far it is. */
  nextReward: { title: string; pointsCost: number } | null;
  accountUrl: string;
  unsubscribeUrl: string;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** "You earned 120 points at Tea & Co." with the new balance and what it buys, in the member's language. */
export function pointsEarnedMail(f: PointsEarnedFacts): RenderedMail {
  const de = f.locale === "de";
  const n = (v: number) => new Intl.NumberFormat(de ? "de-DE" : "en-GB").format(v);
  const points = (v: number) => (de ? `${n(v)} ${v === 1 ? "Punkt" : "Punkte"}` : `${n(v)} ${v === 1 ? "point" : "points"}`);
  const day = f.spendableFrom
    ? new Intl.DateTimeFormat(de ? "de-DE" : "en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: f.timeZone }).format(f.spendableFrom)
    : null;
  const subject = de ? `Sie haben ${points(f.points)} bei ${f.shopName} gesammelt` : `You earned ${points(f.points)} at ${f.shopName}`;
  const greeting = de ? (f.firstName ? `Hallo ${f.firstName},` : "Hallo,") : f.firstName ? `Hi ${f.firstName},` : "Hi,";
  const lines: string[] = [];
  lines.push(
    de
      ? `danke für Ihre Bestellung${f.orderName ? ` ${f.orderName}` : ""}: Sie haben ${points(f.points)} gesammelt.`
      : `thank you for your order${f.orderName ? ` ${f.orderName}` : ""}: you earned ${points(f.points)}.`,
  );
  if (day) lines.push(de ? `Sie können sie ab dem ${day} einlösen.` : `You can spend them from ${day}.`);
  lines.push(de ? `Ihr Punktestand: ${points(f.balance)}.` : `Your balance: ${points(f.balance)}.`);
  if (f.nextReward) {
    const missing = f.nextReward.pointsCost - f.balance;
    lines.push(
      missing <= 0
        ? de
          ? `Das reicht für: ${f.nextReward.title}.`
          : `That is enough for: ${f.nextReward.title}.`
        : de
          ? `Noch ${points(missing)} bis ${f.nextReward.title}.`
          : `${points(missing)} more for ${f.nextReward.title}.`,
    );
  }
  const cta = de ? "Punkte ansehen und einlösen" : "See and spend your points";
  const footer = de
    ? `Sie erhalten diese E-Mail, weil Sie Mitglied im Treueprogramm von ${f.shopName} sind. Keine Punkte-E-Mails mehr:`
    : `You get this e-mail as a member of ${f.shopName}'s loyalty programme. No more points e-mails:`;
  const unsubscribe = de ? "abmelden" : "unsubscribe";
  const text = [greeting, "", ...lines, "", `${cta}: ${f.accountUrl}`, "", "--", `${footer} ${f.unsubscribeUrl}`, ""].join("\n");
  const html = `<!doctype html><html lang="${f.locale}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:24px;background:#f6f6f7;font:16px/1.5 -apple-system,BlinkMacSystemFont,'Segoe UI',sans-serif;color:#202223">
<div style="max-width:560px;margin:0 auto;background:#fff;border-radius:12px;padding:24px">
<h1 style="font-size:20px;margin:0 0 16px">${escapeHtml(f.shopName)}</h1>
<p>${escapeHtml(greeting)}</p>
${lines.map((l) => `<p>${escapeHtml(l)}</p>`).join("\n")}
<p><a href="${escapeHtml(f.accountUrl)}" style="display:inline-block;background:#202223;color:#fff;text-decoration:none;padding:10px 16px;border-radius:8px">${escapeHtml(cta)}</a></p>
</div>
<p style="max-width:560px;margin:16px auto 0;font-size:12px;color:#6d7175">${escapeHtml(footer)} <a href="${escapeHtml(f.unsubscribeUrl)}" style="color:#6d7175">${escapeHtml(unsubscribe)}</a></p>
</body></html>`;
  return { subject, text, html };
}
