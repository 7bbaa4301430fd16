/**
 * The thank-you after a member's first order, asking how it was (the product's seed: a personal thank-you that
 * asks for feedback), and the feedback form's fields (the signed link is feedback-token.ts). A request for
 * feedback counts as advertising under German law (BGH VI ZR 225/17), so it is a marketing mail: only with the
 * customer's consent, within the weekly cap.
 */
import type { Locale } from "~/i18n/messages";
import { greeting, marketingFooter, pointsText, renderMail, type MailFacts, type RenderedMail } from "./mail-layout";

/** A rating from 1 to 5 and an optional comment of at most this many characters. */
export const FEEDBACK_COMMENT_MAX = 2_000;

export type FeedbackInput = { rating: number; comment: string | null };

/** The feedback form's fields, checked; the problem in words for the page otherwise. */
export function readFeedbackForm(form: { rating: unknown; comment: unknown }, locale: Locale): { ok: true; value: FeedbackInput } | { ok: false; problem: string } {
  const de = locale === "de";
  const rating = typeof form.rating === "string" && /^[1-5]$/.test(form.rating) ? Number(form.rating) : null;
  if (rating === null) return { ok: false, problem: de ? "Bitte wählen Sie 1 bis 5 Sterne." : "Please choose 1 to 5 stars." };
  const comment = typeof form.comment === "string" ? form.comment.replace(/\r\n/g, "\n").trim() : "";
  if (comment.length > FEEDBACK_COMMENT_MAX) {
    return { ok: false, problem: de ? `Ihr Kommentar ist zu lang (höchstens ${FEEDBACK_COMMENT_MAX} Zeichen).` : `Your comment is too long (at most ${FEEDBACK_COMMENT_MAX} characters).` };
  }
  return { ok: true, value: { rating, comment: comment || null } };
}

export interface ThankYouFacts extends MailFacts {
  orderName: string | null;
  feedbackUrl: string;
}

export function thankYouMail(f: ThankYouFacts): RenderedMail {
  const de = f.locale === "de";
  const order = f.orderName ? ` ${f.orderName}` : "";
  return renderMail({
    locale: f.locale,
    subject: de ? `Danke für Ihre erste Bestellung bei ${f.shopName}` : `Thank you for your first order at ${f.shopName}`,
    shopName: f.shopName,
    greeting: greeting(f.locale, f.firstName),
    lines: [
      de
        ? `schön, dass Sie bei uns bestellt haben. Wir hoffen, Ihre Bestellung${order} gefällt Ihnen.`
        : `Thank you for ordering from us. We hope you like your order${order}.`,
      de ? "Wie war es? Mit einem Klick helfen Sie uns, besser zu werden." : "How was it? One click helps us get better.",
      ...(f.balance > 0 ? [de ? `Übrigens: Sie haben schon ${pointsText(f.locale, f.balance)} gesammelt.` : `By the way: you have already collected ${pointsText(f.locale, f.balance)}.`] : []),
    ],
    button: { label: de ? "Sagen Sie uns, wie es war" : "Tell us how it was", url: f.feedbackUrl },
    footer: marketingFooter(f.locale, f.shopName),
    unsubscribeUrl: f.unsubscribeUrl,
    look: f.look,
  });
}
