import "@shopify/shopify-api/adapters/node";
import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, RequestedTokenType, Session, shopifyApi } from "@shopify/shopify-api";
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { shopifyApp } from "@shopify/shopify-app-remix/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startShopifyStandin, type ShopifyStandin } from "./index";
import { signJwt } from "./jwt";
import { standinFetch } from "./testing";

const SHOP = "treue-demo.myshopify.com";
const API_KEY = "treue-demo-api-key";
const SECRET = "auth-test-secret";
let standin: ShopifyStandin;

const api = () => shopifyApi({
  apiKey: API_KEY, apiSecretKey: SECRET, scopes: ["read_customers"], hostName: "localhost:3000", hostScheme: "http",
  apiVersion: "2026-10" as ApiVersion, isEmbeddedApp: true, logger: { level: 0 },
});

beforeAll(async () => {
  standin = await startShopifyStandin({ shop: SHOP, apiKey: API_KEY, apiSecret: SECRET });
  // What the app does in demo mode: every https://<shop>.myshopify.com call goes to the stand-in.
  setAbstractFetchFunc(standinFetch(standin));
});

afterAll(async () => {
  setAbstractFetchFunc(globalThis.fetch);
  await standin?.close();
});

describe("session tokens", () => {
  it("mints admin id tokens that @shopify/shopify-api accepts", async () => {
    const token = standin.mintAdminIdToken({ userId: 42 });
    const payload = await api().session.decodeSessionToken(token);
    expect(payload).toMatchObject({ iss: `https://${SHOP}/admin`, dest: `https://${SHOP}`, aud: API_KEY, sub: "42" });
    expect(payload.exp - payload.iat).toBe(60);
    expect(typeof payload.jti).toBe("string");
    expect(typeof payload.sid).toBe("string");
    await expect(api().session.decodeSessionToken(standin.mintAdminIdToken({ expiresInSeconds: -60 }))).rejects.toThrow();
  });

  it("mints checkout and customer-account tokens that authenticate.public accepts", async () => {
    const app = shopifyApp({
      apiKey: API_KEY, apiSecretKey: SECRET, appUrl: "http://localhost:3000", scopes: ["read_customers"], apiVersion: "2026-10" as ApiVersion,
      sessionStorage: { storeSession: async () => true, loadSession: async () => undefined, deleteSession: async () => true, deleteSessions: async () => true, findSessionsByShop: async () => [] },
      logger: { level: 0 },
    });
    const request = (token: string) => new Request("http://localhost:3000/api/loyalty", { headers: { Authorization: `Bearer ${token}`, Origin: "https://extensions.shopifycdn.com", "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36" } });

    const buyer = "gid://shopify/Customer/12346";
    const checkout = await app.authenticate.public.checkout(request(standin.mintCheckoutToken({ customerGid: buyer })));
    expect(checkout.sessionToken).toMatchObject({ dest: SHOP, aud: API_KEY, sub: buyer });
    const anonymous = await app.authenticate.public.checkout(request(standin.mintCheckoutToken({ customerGid: null })));
    expect(anonymous.sessionToken.sub).toBeUndefined();
    expect(anonymous.sessionToken.exp - anonymous.sessionToken.iat).toBe(300);

    const account = await app.authenticate.public.customerAccount(request(standin.mintCustomerAccountToken({ customerGid: buyer })));
    expect(account.sessionToken).toMatchObject({ dest: SHOP, sub: buyer });

    const forged = signJwt({ dest: SHOP, aud: API_KEY, sub: buyer, exp: Math.floor(Date.now() / 1000) + 60 }, "wrong-secret");
    await expect(app.authenticate.public.checkout(request(forged))).rejects.toBeInstanceOf(Response);
  });
});

describe("token exchange", () => {
  it("trades an id token for an offline token that the Admin API accepts", async () => {
    const shopify = api();
    const { session } = await shopify.auth.tokenExchange({ shop: SHOP, sessionToken: standin.mintAdminIdToken(), requestedTokenType: RequestedTokenType.OfflineAccessToken });
    expect(session.accessToken).toBe(standin.accessTokenFor(SHOP));
    expect(session.isOnline).toBe(false);
    expect(session.scope).toContain("write_discounts");
    const client = new shopify.clients.Graphql({ session });
    const res = await client.request(`{ shop { myshopifyDomain } }`);
    expect(res.data).toEqual({ shop: { myshopifyDomain: SHOP } });
  });

  it("issues online tokens with the associated user", async () => {
    const { session } = await api().auth.tokenExchange({ shop: SHOP, sessionToken: standin.mintAdminIdToken({ userId: 7 }), requestedTokenType: RequestedTokenType.OnlineAccessToken });
    expect(session.isOnline).toBe(true);
    expect(session.onlineAccessInfo?.associated_user.id).toBe(7);
    expect(session.expires!.getTime()).toBeGreaterThan(Date.now() + 86_000_000);
  });

  it("issues expiring offline tokens and refreshes them", async () => {
    const shopify = api();
    const { session } = await shopify.auth.tokenExchange({ shop: SHOP, sessionToken: standin.mintAdminIdToken(), requestedTokenType: RequestedTokenType.OfflineAccessToken, expiring: true });
    expect(session.refreshToken).toMatch(/^shprt_/);
    const { session: renewed } = await shopify.auth.refreshToken({ shop: SHOP, refreshToken: session.refreshToken! });
    expect(renewed.accessToken).not.toBe(session.accessToken);
    const stale = new shopify.clients.Graphql({ session: new Session({ ...session.toObject(), accessToken: session.accessToken }) });
    await expect(stale.request(`{ shop { name } }`)).rejects.toThrow();
    await expect(shopify.auth.refreshToken({ shop: SHOP, refreshToken: session.refreshToken! })).rejects.toThrow();
  });

  it("refuses a wrong client secret or a token signed for another app", async () => {
    const post = (body: Record<string, string>) => fetch(`${standin.url}/admin/oauth/access_token`, { method: "POST", headers: { "Content-Type": "application/json", "X-Forwarded-Host": SHOP }, body: JSON.stringify(body) });
    const base = { client_id: API_KEY, client_secret: SECRET, grant_type: "urn:ietf:params:oauth:grant-type:token-exchange", subject_token_type: "urn:ietf:params:oauth:token-type:id_token", requested_token_type: "urn:shopify:params:oauth:token-type:offline-access-token" };
    const badClient = await post({ ...base, client_secret: "nope", subject_token: standin.mintAdminIdToken() });
    expect(badClient.status).toBe(401);
    expect(await badClient.json()).toMatchObject({ error: "invalid_client" });
    const badToken = await post({ ...base, subject_token: signJwt({ aud: API_KEY, dest: `https://${SHOP}`, exp: Math.floor(Date.now() / 1000) + 60 }, "other-secret") });
    expect(badToken.status).toBe(400);
    expect(await badToken.json()).toMatchObject({ error: "invalid_subject_token" });
    const form = await fetch(`${standin.url}/admin/oauth/access_token`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-Host": SHOP }, body: new URLSearchParams({ ...base, subject_token: standin.mintAdminIdToken() }) });
    expect(await form.json()).toEqual({ access_token: standin.accessTokenFor(SHOP), scope: expect.any(String) });
  });

  it("stops accepting tokens once the app is uninstalled", async () => {
    const shop = "uninstall-me.myshopify.com";
    const gql = () => fetch(`${standin.url}/admin/api/2026-10/graphql.json`, { method: "POST", headers: { "Content-Type": "application/json", "X-Forwarded-Host": shop, "X-Shopify-Access-Token": standin.accessTokenFor(shop) }, body: JSON.stringify({ query: "{ shop { name } }" }) });
    expect((await gql()).status).toBe(200);
    await standin.uninstallApp({ shop, webhooks: "none" });
    expect((await gql()).status).toBe(401);
    await api().auth.tokenExchange({ shop, sessionToken: standin.mintAdminIdToken({ shop }), requestedTokenType: RequestedTokenType.OfflineAccessToken });
    expect((await gql()).status).toBe(200);
  });
});
