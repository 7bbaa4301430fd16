/**
 * Build-time configuration of the Treue checkout extension.
 *
 * APP_URL is the public origin of the Treue app backend (the Remix app), e.g.
 * "https://treue.example.com", without a trailing path. It is NOT read at run time: the
 * Shopify CLI bundles UI extensions with esbuild and passes `define` entries for
 * `process.env.<NAME>` built from
 *   - the CLI process's own environment (every variable whose name is a JS identifier),
 *   - the app's `.env` file, and
 *   - during `shopify app dev` only: APP_URL = the dev tunnel URL (set automatically).
 * So `process.env.APP_URL` below is replaced by a string literal in the bundle:
 *   - `shopify app dev`: the tunnel URL, nothing to do;
 *   - `shopify app build` / `shopify app deploy`: export APP_URL=https://<production host>
 *     first (scripts/build-extensions.sh refuses to build without it).
 * Merchant-facing `[extensions.settings]` would be wrong here: merchants must not be able
 * to point the extension at another backend.
 *
 * Only reference variables that are safe to publish: the bundle is public.
 */

// `process` does not exist in the checkout sandbox (a web worker); only the
// `process.env.APP_URL` expression is substituted by esbuild. Typed locally so the
// extension's tsconfig needs no @types/node.
declare const process: { env: Record<string, string | undefined> };

function readAppUrl(): string {
  let url: string | undefined;
  try {
    url = process.env.APP_URL;
  } catch {
    // Not substituted at build time and no `process` global: no backend configured.
    url = undefined;
  }
  return (url ?? "").trim().replace(/\/+$/, "");
}

/** Origin of the Treue app, or "" when the bundle was built without APP_URL. */
export const APP_URL: string = readAppUrl();

/** GET: the buyer's loyalty state, authorised by a checkout session token. */
export const LOYALTY_PATH = "/api/loyalty";

/** POST: spend points on a reward; answers with a single-use discount code. */
export const REDEMPTIONS_PATH = "/api/loyalty/redemptions";

/** POST: the logged-in customer's birthday ("MM-DD") for the birthday bonus. */
export const BIRTHDAY_PATH = "/api/loyalty/birthday";
/** The member's points history and tier progress (the customer-account rewards page). */
export const ACTIVITY_PATH = "/api/loyalty/activity";

/** How long the extension waits for the app before showing the "unavailable" notice. */
export const REQUEST_TIMEOUT_MS = 8000;
