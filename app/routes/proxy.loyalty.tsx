// GET /proxy/loyalty: the app proxy (shopify.app.toml [app_proxy]; storefront path /apps/treue/loyalty) for the
// storefront launcher. Shopify signs the query string with the app secret and names the logged-in customer;
// authenticate.public.appProxy refuses anything else with 400 before any data is read.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "~/storefront/json";
import prisma from "~/db.server";
import { readerLocale } from "~/i18n/translate";
import { storefrontLoyalty } from "~/storefront/proxy-loyalty.server";
import { authenticate, unauthenticated } from "~/shopify.server";

export async function loader({ request }: LoaderFunctionArgs) {
  await authenticate.public.appProxy(request);
  const params = new URL(request.url).searchParams;
  const shop = params.get("shop") ?? "";
  const referral = { adminFor: async (s: string) => (await unauthenticated.admin(s)).admin.graphql };
  const state = await storefrontLoyalty(prisma, shop, params.get("logged_in_customer_id") ?? "", new Date(), referral, readerLocale(request));
  // Per shopper: never cached by Shopify's proxy or the browser.
  const headers = { "Cache-Control": "private, no-store" };
  if (!state) return json({ error: { code: "SHOP_NOT_INSTALLED", message: "Treue is not installed in this shop" } }, { status: 404, headers });
  return json(state, { headers });
}
