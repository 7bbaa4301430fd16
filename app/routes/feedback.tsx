// The feedback link of the thank-you after a member's first order: GET shows the question (1 to 5 stars and an
// optional comment, the earlier answer filled in), POST keeps the answer (one per order; sending again changes
// it). A link whose signature does not hold gets 400; an answer without a rating, or too long, 422 with the reason.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { env } from "~/env.server";
import { escapeHtml } from "~/engagement/domain/mail-layout";
import { memberPage } from "~/engagement/domain/member-page";
import { FEEDBACK_COMMENT_MAX, readFeedbackForm } from "~/engagement/domain/thank-you";
import { readFeedbackToken, type FeedbackClaim } from "~/engagement/domain/feedback-token";
import { feedbackFor, saveFeedback } from "~/engagement/feedback.server";

function claimOf(request: Request): FeedbackClaim | null {
  return readFeedbackToken(new URL(request.url).searchParams.get("t") ?? "", env().SHOPIFY_API_SECRET);
}

const invalid = () => memberPage("en", "This link does not work", "<p>The feedback link is incomplete or was changed. Use the link from the e-mail itself, or reply to the e-mail.</p>", 400);

async function shopName(shop: string) {
  return (await prisma.shop.findUnique({ where: { domain: shop }, select: { name: true } }))?.name ?? shop;
}

function form(claim: FeedbackClaim, name: string, given: { rating: number | null; comment: string }, problem: string | null, status: number): Response {
  const de = claim.locale === "de";
  const stars = [1, 2, 3, 4, 5]
    .map(
      (n) =>
        `<label style="display:inline-flex;align-items:center;gap:4px;padding:8px 12px;border:1px solid #babfc3;border-radius:8px;cursor:pointer">` +
        `<input type="radio" name="rating" value="${n}"${given.rating === n ? " checked" : ""} required> ${n} ★</label>`,
    )
    .join("");
  return memberPage(
    claim.locale,
    de ? `Wie war Ihre Bestellung ${claim.orderName}?` : `How was your order ${claim.orderName}?`,
    `<p>${escapeHtml(de ? `${name} freut sich über Ihre Meinung.` : `${name} would love to hear from you.`)}</p>
${problem ? `<p role="alert" id="feedback-problem" style="color:#8e1f0b">${escapeHtml(problem)}</p>` : ""}
<form method="post" id="feedback-form">
<fieldset style="border:0;padding:0;margin:0 0 16px"><legend style="margin-bottom:8px">${de ? "Ihre Bewertung" : "Your rating"}</legend>
<div style="display:flex;gap:8px;flex-wrap:wrap">${stars}</div></fieldset>
<label for="feedback-comment" style="display:block;margin-bottom:4px">${de ? "Möchten Sie uns noch etwas sagen? (freiwillig)" : "Anything you would like to tell us? (optional)"}</label>
<textarea id="feedback-comment" name="comment" rows="4" maxlength="${FEEDBACK_COMMENT_MAX}" style="width:100%;box-sizing:border-box;font:inherit;padding:8px;border:1px solid #babfc3;border-radius:8px">${escapeHtml(given.comment)}</textarea>
<p><button type="submit" style="font:inherit;padding:10px 16px;border-radius:8px;border:0;background:#202223;color:#fff;cursor:pointer">${de ? "Senden" : "Send"}</button></p>
</form>`,
    status,
  );
}

export async function loader({ request }: LoaderFunctionArgs) {
  const claim = claimOf(request);
  if (!claim) return invalid();
  const earlier = await feedbackFor(prisma, claim);
  return form(claim, await shopName(claim.shop), { rating: earlier?.rating ?? null, comment: earlier?.comment ?? "" }, null, 200);
}

export async function action({ request }: ActionFunctionArgs) {
  const claim = claimOf(request);
  if (!claim) return invalid();
  const body = await request.formData();
  const read = readFeedbackForm({ rating: body.get("rating"), comment: body.get("comment") }, claim.locale);
  const name = await shopName(claim.shop);
  if (!read.ok) {
    const rating = Number(body.get("rating"));
    return form(claim, name, { rating: Number.isInteger(rating) ? rating : null, comment: String(body.get("comment") ?? "").slice(0, FEEDBACK_COMMENT_MAX) }, read.problem, 422);
  }
  await saveFeedback(prisma, claim, read.value);
  const de = claim.locale === "de";
  return memberPage(
    claim.locale,
    de ? "Danke!" : "Thank you!",
    `<p id="feedback-thanks">${escapeHtml(de ? `${name} hat Ihre Bewertung erhalten. Sie können sie über den Link in der E-Mail jederzeit ändern.` : `${name} has your rating. You can change it any time through the link in the e-mail.`)}</p>`,
  );
}
