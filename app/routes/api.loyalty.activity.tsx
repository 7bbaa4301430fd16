// GET /api/loyalty/activity?before=<id>&limit=<1–50> for the customer-account rewards page: the logged-in
// customer's points history (newest first, 20 per page) and their progress to the next VIP tier (contract:
// extensions/treue-checkout/README.md). Auth and CORS as GET /api/loyalty (session token, shop = the token's
// `dest`); a guest has no history to see (401 LOGIN_REQUIRED).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "~/storefront/json";
import { z } from "zod";
import prisma from "~/db.server";
import { readerLocale } from "~/i18n/translate";
import { ACTIVITY_MAX_PAGE_SIZE, memberActivity } from "~/points/member-activity.server";
import { customerIdOf, shopFromDest } from "~/points/loyalty-state.server";
import { authenticate } from "~/shopify.server";

const query = z.object({ before: z.string().regex(/^[1-9]\d{0,17}$/).optional(), limit: z.coerce.number().int().min(1).max(ACTIVITY_MAX_PAGE_SIZE).optional() });

export async function loader({ request }: LoaderFunctionArgs) {
  // Answers OPTIONS preflights itself, and throws 401 for a missing, expired or badly signed token.
  const { sessionToken, cors } = await authenticate.public.checkout(request);
  const params = query.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!params.success) return cors(json({ error: { code: "BAD_REQUEST", message: `before must be an entry id from nextBefore, limit a whole number from 1 to ${ACTIVITY_MAX_PAGE_SIZE}` } }, { status: 400 }));
  const customerId = customerIdOf(sessionToken.sub);
  if (!customerId) return cors(json({ error: { code: "LOGIN_REQUIRED", message: "Log in to see your points history." } }, { status: 401 }));
  const shop = shopFromDest(String(sessionToken.dest ?? ""));
  const shopRow = shop ? await prisma.shop.findUnique({ where: { domain: shop }, select: { currency: true, uninstalledAt: true } }) : null;
  if (!shop || !shopRow || shopRow.uninstalledAt) {
    return cors(json({ error: { code: "SHOP_NOT_INSTALLED", message: "Treue is not installed in this shop" } }, { status: 404 }));
  }
  const activity = await memberActivity(prisma, shop, customerId, {
    before: params.data.before ? BigInt(params.data.before) : null,
    limit: params.data.limit,
    now: new Date(),
    currency: shopRow.currency ?? "EUR",
    locale: readerLocale(request),
  });
  return cors(json(activity, { headers: { "Cache-Control": "no-store" } }));
}

// Remix routes OPTIONS (the CORS preflight) to the action; the library answers it.
export async function action({ request }: ActionFunctionArgs) {
  const { cors } = await authenticate.public.checkout(request);
  return cors(new Response(null, { status: 405, headers: { Allow: "GET, OPTIONS" } }));
}
