// App proxy requests as Shopify forwards them: a storefront request to /<prefix>/<subpath>/… reaches the app's
// proxy URL with `shop`, `logged_in_customer_id` (empty for guests), `path_prefix`, `timestamp` and `signature`:
// hex HMAC-SHA256, keyed with the app secret, of the other parameters sorted by name, each as name=value
// (several values of one name joined by ","), concatenated with no separator.
import { createHmac } from "node:crypto";

export function appProxySignature(params: URLSearchParams, secret: string): string {
  const byName = new Map<string, string[]>();
  for (const [name, value] of params) if (name !== "signature") byName.set(name, [...(byName.get(name) ?? []), value]);
  const message = [...byName.keys()]
    .sort()
    .map((name) => `${name}=${byName.get(name)!.join(",")}`)
    .join("");
  return createHmac("sha256", secret).update(message).digest("hex");
}

/** The query string Shopify adds to a proxied request (after the storefront's own parameters). */
export function signedAppProxyQuery(opts: {
  shop: string;
  secret: string;
  pathPrefix: string;
  loggedInCustomerId?: number | string | null;
  extra?: Record<string, string>;
  timestamp?: number;
}): URLSearchParams {
  const params = new URLSearchParams(opts.extra ?? {});
  params.set("shop", opts.shop);
  params.set("logged_in_customer_id", opts.loggedInCustomerId == null ? "" : String(opts.loggedInCustomerId));
  params.set("path_prefix", opts.pathPrefix);
  params.set("timestamp", String(opts.timestamp ?? Math.floor(Date.now() / 1000)));
  params.set("signature", appProxySignature(params, opts.secret));
  return params;
}
