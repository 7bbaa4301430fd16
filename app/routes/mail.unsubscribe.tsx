// The unsubscribe link of every member e-mail (List-Unsubscribe, RFC 8058). GET shows a page with one button
// (a link scanner opening the link unsubscribes no one); POST, from that button or from the mail client's
// one-click unsubscribe ("List-Unsubscribe=One-Click"), records the opt-out. A link whose signature does not
// hold is refused with 400.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { env } from "~/env.server";
import { readUnsubscribeToken, type UnsubscribeClaim } from "~/engagement/domain/unsubscribe-token";
import { escapeHtml } from "~/engagement/domain/mail-layout";
import { memberPage as page } from "~/engagement/domain/member-page";
import { unsubscribe } from "~/engagement/member-mails.server";


const WHAT = {
  en: { service: "points e-mails (points, tiers, birthday and referral rewards)", marketing: "offers and reminders" },
  de: { service: "Punkte-E-Mails (Punkte, Status, Geburtstags- und Empfehlungsprämien)", marketing: "Angebote und Erinnerungen" },
};

function claimOf(request: Request): UnsubscribeClaim | null {
  const token = new URL(request.url).searchParams.get("t") ?? "";
  return readUnsubscribeToken(token, env().SHOPIFY_API_SECRET);
}

const invalid = () =>
  page("en", "This link does not work", "<p>The unsubscribe link is incomplete or was changed. Use the link from the e-mail itself, or reply to the e-mail.</p>", 400);

async function shopName(shop: string) {
  return (await prisma.shop.findUnique({ where: { domain: shop }, select: { name: true } }))?.name ?? shop;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const claim = claimOf(request);
  if (!claim) return invalid();
  const name = escapeHtml(await shopName(claim.shop));
  const what = escapeHtml(WHAT[claim.locale][claim.category]);
  const email = escapeHtml(claim.email);
  const de = claim.locale === "de";
  return page(
    claim.locale,
    de ? "E-Mails abbestellen" : "Unsubscribe",
    `<p>${de ? `Keine ${what} von ${name} mehr an ${email}?` : `Stop ${what} from ${name} to ${email}?`}</p>
<form method="post"><button type="submit" style="font:inherit;padding:10px 16px;border-radius:8px;border:0;background:#202223;color:#fff;cursor:pointer">${de ? "Abbestellen" : "Unsubscribe"}</button></form>`,
  );
}

export async function action({ request }: ActionFunctionArgs) {
  const claim = claimOf(request);
  if (!claim) return invalid();
  await unsubscribe(prisma, claim);
  const de = claim.locale === "de";
  const name = escapeHtml(await shopName(claim.shop));
  const what = escapeHtml(WHAT[claim.locale][claim.category]);
  return page(
    claim.locale,
    de ? "Abbestellt" : "Unsubscribed",
    `<p>${de ? `Sie erhalten keine ${what} von ${name} mehr.` : `You will get no more ${what} from ${name}.`}</p>`,
  );
}
