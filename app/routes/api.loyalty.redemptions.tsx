// POST /api/loyalty/redemptions for the checkout and customer-account extensions: spend points on a reward
// and get a single-use discount code. Body `{"rewardId","idempotencyKey"}`; the same key answers with the
// same code. Auth and CORS as GET /api/loyalty (session token, shop = the token's `dest`).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "~/storefront/json";
import { z } from "zod";
import prisma from "~/db.server";
import { authenticate, unauthenticated } from "~/shopify.server";
import { shopFromDest } from "~/points/loyalty-state.server";
import { redeemReward } from "~/rewards/redemptions.server";

// Tests shorten it to provoke timeouts against the stand-in's delayed answers.
const ADMIN_CALL_TIMEOUT_MS = Number(process.env.REDEMPTION_ADMIN_TIMEOUT_MS) || 8000;

const body = z.object({
  rewardId: z.string().trim().min(1, "rewardId is required").max(255),
  idempotencyKey: z
    .string()
    .min(8, "idempotencyKey must be 8–128 characters")
    .max(128, "idempotencyKey must be 8–128 characters")
    .regex(/^[A-Za-z0-9_.:-]+$/, "idempotencyKey may only contain letters, digits and _ . : -"),
});

const badRequest = (message: string) => json({ error: { code: "BAD_REQUEST", message } }, { status: 400 });

export async function action({ request }: ActionFunctionArgs) {
  // Answers OPTIONS preflights itself, and throws 401 for a missing, expired or badly signed token.
  const { sessionToken, cors } = await authenticate.public.checkout(request);
  if (request.method !== "POST") return cors(new Response(null, { status: 405, headers: { Allow: "POST, OPTIONS" } }));
  if (!sessionToken.sub) {
    return cors(json({ error: { code: "LOGIN_REQUIRED", message: "Log in to redeem points." } }, { status: 401 }));
  }
  let raw: unknown;
  try {
    raw = await request.json();
  } catch {
    return cors(badRequest("The body must be JSON: {\"rewardId\": \"…\", \"idempotencyKey\": \"…\"}"));
  }
  const parsed = body.safeParse(raw);
  if (!parsed.success) {
    return cors(badRequest(parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ")));
  }
  const shop = shopFromDest(String(sessionToken.dest ?? ""));
  if (!shop) return cors(json({ error: { code: "SHOP_NOT_INSTALLED", message: "Treue is not installed in this shop" } }, { status: 404 }));
  let throttledMs = 0;
  const result = await redeemReward(
    prisma,
    { shop, customerGid: String(sessionToken.sub), rewardId: parsed.data.rewardId, idempotencyKey: parsed.data.idempotencyKey },
    {
      adminFor: async (s) => (await unauthenticated.admin(s)).admin.graphql,
      callTimeoutMs: ADMIN_CALL_TIMEOUT_MS,
      onThrottleWait: (ms) => void (throttledMs += ms),
    },
  );
  // Time spent waiting for the shop's Admin API rate limit, apart from our own (the benchmark reports it).
  const headers = { "Cache-Control": "no-store", "Server-Timing": `shopify-throttle;dur=${throttledMs}` };
  return cors(json(result.body, { status: result.status, headers }));
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { cors } = await authenticate.public.checkout(request);
  return cors(new Response(null, { status: 405, headers: { Allow: "POST, OPTIONS" } }));
}
