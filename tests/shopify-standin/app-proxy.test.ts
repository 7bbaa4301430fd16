import { describe, expect, it } from "vitest";
import { appProxySignature, signedAppProxyQuery } from "./app-proxy";

describe("app proxy signatures", () => {
  it("sign as Shopify's documented example does (shared secret 'hush')", () => {
    // https://shopify.dev/docs/apps/build/online-store/app-proxies/authenticate-app-proxies: the forwarded request
    // carries extra=1&extra=2&shop=…&logged_in_customer_id=1&path_prefix=/apps/awesome_reviews&timestamp=1317327555
    // and a signature beginning 4c68c8624d737112c91818c11017d24d334b (the copy we have is cut there).
    const params = new URLSearchParams("extra=1&extra=2&shop=shop-name.myshopify.com&logged_in_customer_id=1&path_prefix=%2Fapps%2Fawesome_reviews&timestamp=1317327555");
    expect(appProxySignature(params, "hush")).toMatch(/^4c68c8624d737112c91818c11017d24d334b[0-9a-f]{28}$/);
  });

  it("names a guest with an empty logged_in_customer_id and signs every parameter but the signature", () => {
    const q = signedAppProxyQuery({ shop: "s.myshopify.com", secret: "k", pathPrefix: "/apps/treue", loggedInCustomerId: null, timestamp: 1 });
    expect(q.get("logged_in_customer_id")).toBe("");
    const signature = q.get("signature");
    expect(appProxySignature(q, "k")).toBe(signature);
    q.set("logged_in_customer_id", "7");
    expect(appProxySignature(q, "k")).not.toBe(signature);
  });
});
