// POST /api/loyalty/birthday for the checkout and customer-account extensions: the logged-in customer tells
// us their birthday for the birthday bonus. Body {"birthday":"MM-DD"} or {"birthday":"YYYY-MM-DD"} (the year
// is not kept). Auth and CORS as GET /api/loyalty (session token, shop = the token's `dest`).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "~/storefront/json";
import { z } from "zod";
import prisma from "~/db.server";
import { setCustomerBirthday } from "~/members/member-birthday.server";
import { customerIdOf, shopFromDest } from "~/points/loyalty-state.server";
import { authenticate } from "~/shopify.server";

const body = z.object({ birthday: z.string().max(20) });
const badRequest = (message: string) => json({ error: { code: "BAD_REQUEST", message } }, { status: 400 });

export async function action({ request }: ActionFunctionArgs) {
  // Answers OPTIONS preflights itself, and throws 401 for a missing, expired or badly signed token.
  const { sessionToken, cors } = await authenticate.public.checkout(request);
  if (request.method !== "POST") return cors(new Response(null, { status: 405, headers: { Allow: "POST, OPTIONS" } }));
  const customerId = customerIdOf(sessionToken.sub);
  if (!customerId) return cors(json({ error: { code: "LOGIN_REQUIRED", message: "Log in to save your birthday." } }, { status: 401 }));
  let raw: unknown;
  try {
    raw = await request.json();
  } catch {
    return cors(badRequest('The body must be JSON: {"birthday": "MM-DD"}'));
  }
  const parsed = body.safeParse(raw);
  if (!parsed.success) return cors(badRequest('birthday is required, as "MM-DD" or "YYYY-MM-DD"'));
  const shop = shopFromDest(String(sessionToken.dest ?? ""));
  const installed = shop ? await prisma.shop.findUnique({ where: { domain: shop }, select: { uninstalledAt: true } }) : null;
  if (!shop || !installed || installed.uninstalledAt) {
    return cors(json({ error: { code: "SHOP_NOT_INSTALLED", message: "Treue is not installed in this shop" } }, { status: 404 }));
  }
  const result = await setCustomerBirthday(prisma, shop, customerId, parsed.data.birthday);
  if (!result.ok) {
    if (result.code === "invalidBirthday") return cors(badRequest(`birthday must be a real date as "MM-DD" or "YYYY-MM-DD" (got "${parsed.data.birthday}")`));
    return cors(json({ error: { code: "REDACTED", message: "This customer's data was erased on request." } }, { status: 409 }));
  }
  return cors(json({ birthday: result.birthday }, { headers: { "Cache-Control": "no-store" } }));
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { cors } = await authenticate.public.checkout(request);
  return cors(new Response(null, { status: 405, headers: { Allow: "POST, OPTIONS" } }));
}
