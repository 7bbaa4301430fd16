/**
 * What every member e-mail shares: the words for points and the next reward, the greeting, and the layout of its
 * plain-text and HTML parts (the shop's name on top, one button, the unsubscribe line at the bottom). Everything
 * the shop or the buyer wrote is escaped in the HTML part.
 */
import type { Locale } from "~/i18n/messages";
import { DEFAULT_ACCENT, textColourOn, type MailLook } from "./mail-look";

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** Text for HTML: what the shop, the buyer or a link carries never becomes markup. */
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** "1 point", "1.500 Punkte". */
export function pointsText(locale: Locale, v: number): string {
  const n = new Intl.NumberFormat(locale === "de" ? "de-DE" : "en-GB").format(v);
  return locale === "de" ? `${n} ${v === 1 ? "Punkt" : "Punkte"}` : `${n} ${v === 1 ? "point" : "points"}`;
}

export function greeting(locale: Locale, firstName: string | null): string {
  return locale === "de" ? (firstName ? `Hallo ${firstName},` : "Hallo,") : firstName ? `Hi ${firstName},` : "Hi,";
}

/** What the balance buys, or how far the cheapest reward is; null without rewards. */
export function nextRewardLine(locale: Locale, balance: number, reward: { title: string; pointsCost: number } | null): string | null {
  if (!reward) return null;
  const missing = reward.pointsCost - balance;
  const de = locale === "de";
  if (missing <= 0) return de ? `Das reicht für: ${reward.title}.` : `That is enough for: ${reward.title}.`;
  return de ? `Noch ${pointsText(locale, missing)} bis ${reward.title}.` : `${pointsText(locale, missing)} more for ${reward.title}.`;
}

/** What every member e-mail knows: the shop, the member, their balance and the next reward, the way out. */
export interface MailFacts {
  shopName: string;
  locale: Locale;
  firstName: string | null;
  balance: number;
  /** The cheapest reward: what the balance buys, or how far it is. */
  nextReward: { title: string; pointsCost: number } | null;
  unsubscribeUrl: string;
  /** The merchant's logo, colour, subject and opening note (placeholders filled); none: the app's own. */
  look?: MailLook;
}

/** Why a member gets a service mail (about their own points), ending where the unsubscribe link follows. */
export function serviceFooter(locale: Locale, shopName: string): string {
  return locale === "de"
    ? `Sie erhalten diese E-Mail, weil Sie Mitglied im Treueprogramm von ${shopName} sind. Keine Punkte-E-Mails mehr:`
    : `You get this e-mail as a member of ${shopName}'s loyalty programme. No more points e-mails:`;
}

/** Why a member gets a marketing mail (they agreed to hear from the shop), ending where the unsubscribe link follows. */
export function marketingFooter(locale: Locale, shopName: string): string {
  return locale === "de"
    ? `Sie erhalten diese E-Mail, weil Sie Neuigkeiten von ${shopName} zugestimmt haben. Keine Angebote mehr:`
    : `You get this e-mail because you agreed to hear from ${shopName}. No more offers:`;
}

export interface MailBody {
  locale: Locale;
  subject: string;
  shopName: string;
  greeting: string;
  lines: string[];
  button: { label: string; url: string };
  /** Why the member gets it, ending where the unsubscribe link follows. */
  footer: string;
  unsubscribeUrl: string;
  look?: MailLook;
}

export function renderMail(b: MailBody): RenderedMail {
  const unsubscribe = b.locale === "de" ? "abmelden" : "unsubscribe";
  const subject = b.look?.wording.subject ?? b.subject;
  // The merchant's note opens the mail, paragraph by paragraph; the facts follow as the app writes them.
  const intro = b.look?.wording.intro ? b.look.wording.intro.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean) : [];
  const accent = b.look?.brand.accentColor ?? DEFAULT_ACCENT;
  const onAccent = textColourOn(accent);
  const logo = b.look?.brand.logoUrl;
  const text = [b.greeting, "", ...intro.flatMap((p) => [p, ""]), ...b.lines, "", `${b.button.label}: ${b.button.url}`, "", "--", `${b.footer} ${b.unsubscribeUrl}`, ""].join("\n");
  const html = `<!doctype html><html lang="${b.locale}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:24px;background:#f6f6f7;font:16px/1.5 -apple-system,BlinkMacSystemFont,'Segoe UI',sans-serif;color:#202223">
<div style="max-width:560px;margin:0 auto;background:#fff;border-radius:12px;padding:24px;border-top:4px solid ${accent}">
${
  logo
    ? `<p style="margin:0 0 16px"><img src="${escapeHtml(logo)}" alt="${escapeHtml(b.shopName)}" style="max-height:48px;max-width:240px"></p>`
    : `<h1 style="font-size:20px;margin:0 0 16px">${escapeHtml(b.shopName)}</h1>`
}
<p>${escapeHtml(b.greeting)}</p>
${intro.map((p) => `<p>${escapeHtml(p).replace(/\n/g, "<br>")}</p>`).join("\n")}
${b.lines.map((l) => `<p>${escapeHtml(l)}</p>`).join("\n")}
<p><a href="${escapeHtml(b.button.url)}" style="display:inline-block;background:${accent};color:${onAccent};text-decoration:none;padding:10px 16px;border-radius:8px">${escapeHtml(b.button.label)}</a></p>
</div>
<p style="max-width:560px;margin:16px auto 0;font-size:12px;color:#6d7175">${escapeHtml(b.footer)} <a href="${escapeHtml(b.unsubscribeUrl)}" style="color:#6d7175">${escapeHtml(unsubscribe)}</a></p>
</body></html>`;
  return { subject, text, html };
}
