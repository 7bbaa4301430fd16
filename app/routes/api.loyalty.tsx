// GET /api/loyalty for the checkout and customer-account extensions (contract: extensions/treue-checkout/README.md).
// A guest's token has no `sub`: the answer is 200 with customerId null and zeros, so the extension can
// still show the earn rate and the log-in invitation. A missing or bad token is 401 (the library's answer).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "~/storefront/json";
import { z } from "zod";
import prisma from "~/db.server";
import { readerLocale } from "~/i18n/translate";
import { authenticate, unauthenticated } from "~/shopify.server";
import { loyaltyStateFor, shopFromDest } from "~/points/loyalty-state.server";

const query = z.object({ orderId: z.string().regex(/^gid:\/\/shopify\/Order\/\d+$/).optional() });

export async function loader({ request }: LoaderFunctionArgs) {
  // Answers OPTIONS preflights itself, and throws 401 for a missing, expired or badly signed token.
  const { sessionToken, cors } = await authenticate.public.checkout(request);
  const params = query.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!params.success) return cors(json({ error: { code: "BAD_REQUEST", message: "orderId must be an Order GID" } }, { status: 400 }));
  const shop = shopFromDest(String(sessionToken.dest ?? ""));
  // The Admin client creates the friend's discount behind a member's referral code on their first request.
  const referral = { adminFor: async (s: string) => (await unauthenticated.admin(s)).admin.graphql };
  const state = shop ? await loyaltyStateFor(prisma, shop, sessionToken.sub ?? null, params.data.orderId ?? null, new Date(), referral, readerLocale(request)) : null;
  if (!state) return cors(json({ error: { code: "SHOP_NOT_INSTALLED", message: "Treue is not installed in this shop" } }, { status: 404 }));
  return cors(json(state, { headers: { "Cache-Control": "no-store" } }));
}

// Remix routes OPTIONS (the CORS preflight) to the action; the library answers it.
export async function action({ request }: ActionFunctionArgs) {
  const { cors } = await authenticate.public.checkout(request);
  return cors(new Response(null, { status: 405, headers: { Allow: "GET, OPTIONS" } }));
}
