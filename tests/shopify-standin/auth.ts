// Session tokens the stand-in mints (App Bridge id tokens, checkout and customer-account
// extension tokens) and the OAuth token endpoint that trades them for access tokens.
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { signJwt, verifyJwt, JwtError } from "./jwt";
import type { ShopState, StandinIssuedToken } from "./state";

const now = () => Math.floor(Date.now() / 1000);

export interface AuthConfig { apiKey: string; apiSecret: string }

/** The offline token for a shop: stable across restarts so the demo can store it once. */
export function offlineTokenFor(shop: string, secret: string): string {
  return `shpat_${createHmac("sha256", secret).update(`offline:${shop}`).digest("hex").slice(0, 32)}`;
}

export function mintAdminIdToken(cfg: AuthConfig, shop: string, opts: { userId?: number | string; expiresInSeconds?: number } = {}): string {
  const t = now();
  return signJwt({
    iss: `https://${shop}/admin`,
    dest: `https://${shop}`,
    aud: cfg.apiKey,
    sub: String(opts.userId ?? 1),
    exp: t + (opts.expiresInSeconds ?? 60),
    nbf: t,
    iat: t,
    jti: randomUUID(),
    sid: randomBytes(16).toString("hex"),
    sig: randomBytes(32).toString("hex"),
  }, cfg.apiSecret);
}

/** Checkout UI extension token: `dest` is the bare shop domain; `sub` only for a logged-in buyer. */
export function mintCheckoutToken(cfg: AuthConfig, shop: string, opts: { customerGid?: string | null; expiresInSeconds?: number } = {}): string {
  const t = now();
  const claims: Record<string, unknown> = { aud: cfg.apiKey, dest: shop, exp: t + (opts.expiresInSeconds ?? 300), nbf: t, iat: t, jti: randomUUID() };
  if (opts.customerGid) claims.sub = opts.customerGid;
  return signJwt(claims, cfg.apiSecret);
}

/** Customer account UI extension token: always for a signed-in customer. */
export function mintCustomerAccountToken(cfg: AuthConfig, shop: string, opts: { customerGid: string; expiresInSeconds?: number }): string {
  const t = now();
  return signJwt({ aud: cfg.apiKey, dest: shop, sub: opts.customerGid, exp: t + (opts.expiresInSeconds ?? 300), nbf: t, iat: t, jti: randomUUID() }, cfg.apiSecret);
}

export interface TokenReply { status: number; body: unknown }

const oauthError = (status: number, error: string, description: string): TokenReply => ({ status, body: { error, error_description: description } });

export function parseTokenRequest(raw: string, contentType: string): Record<string, string> {
  if (contentType.includes("application/json")) {
    try {
      const parsed = JSON.parse(raw || "{}");
      return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(raw));
}

const TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";
const OFFLINE = "urn:shopify:params:oauth:token-type:offline-access-token";
const ONLINE = "urn:shopify:params:oauth:token-type:online-access-token";

function issueExpiringOffline(shop: ShopState): Record<string, unknown> {
  const access = `shpat_${randomBytes(16).toString("hex")}`;
  const refresh = `shprt_${randomBytes(16).toString("hex")}`;
  const scope = shop.scopes.join(",");
  shop.tokens[access] = { kind: "offline", expiresAt: Date.now() + 3600_000, scope };
  shop.tokens[refresh] = { kind: "refresh", expiresAt: Date.now() + 7_776_000_000, scope, accessToken: access };
  return { access_token: access, scope, expires_in: 3600, refresh_token: refresh, refresh_token_expires_in: 7_776_000 };
}

export function handleTokenRequest(cfg: AuthConfig, shop: ShopState, params: Record<string, string>): TokenReply {
  if (params.client_id !== cfg.apiKey || params.client_secret !== cfg.apiSecret) {
    return oauthError(401, "invalid_client", "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.");
  }
  const scope = shop.scopes.join(",");
  if (params.grant_type === "refresh_token") {
    const record = params.refresh_token ? shop.tokens[params.refresh_token] : undefined;
    if (!record || record.kind !== "refresh" || (record.expiresAt !== null && record.expiresAt < Date.now())) {
      return oauthError(400, "invalid_grant", "The provided refresh token is invalid, expired or revoked.");
    }
    delete shop.tokens[params.refresh_token];
    if (record.accessToken) delete shop.tokens[record.accessToken];
    return { status: 200, body: issueExpiringOffline(shop) };
  }
  if (params.grant_type !== TOKEN_EXCHANGE) return oauthError(400, "unsupported_grant_type", `Grant type '${params.grant_type ?? ""}' is not supported.`);
  if (!params.subject_token) return oauthError(400, "missing_subject_token", "The subject_token parameter is missing.");
  if (params.subject_token_type !== ID_TOKEN) return oauthError(400, "invalid_subject_token_type", "subject_token_type must be urn:ietf:params:oauth:token-type:id_token.");
  let claims: Record<string, unknown>;
  try {
    claims = verifyJwt(params.subject_token, cfg.apiSecret);
  } catch (e) {
    return oauthError(400, "invalid_subject_token", e instanceof JwtError ? `Invalid subject token: ${e.message}.` : "Invalid subject token.");
  }
  if (claims.aud !== cfg.apiKey) return oauthError(400, "invalid_subject_token", "Invalid subject token: audience mismatch.");
  if (claims.dest !== `https://${shop.domain}`) return oauthError(400, "invalid_subject_token", "Invalid subject token: the token is for another shop.");
  shop.installed = true;
  const requested = params.requested_token_type || OFFLINE;
  if (requested === OFFLINE) {
    if (params.expiring === "1") return { status: 200, body: issueExpiringOffline(shop) };
    return { status: 200, body: { access_token: offlineTokenFor(shop.domain, cfg.apiSecret), scope } };
  }
  if (requested === ONLINE) {
    const userId = Number(claims.sub) || 1;
    const access = `shpua_${randomBytes(16).toString("hex")}`;
    const record: StandinIssuedToken = { kind: "online", expiresAt: Date.now() + 86_399_000, scope, userId };
    shop.tokens[access] = record;
    return {
      status: 200,
      body: {
        access_token: access,
        scope,
        expires_in: 86399,
        associated_user_scope: scope,
        session: claims.sid ?? randomBytes(16).toString("hex"),
        account_number: 0,
        associated_user: {
          id: userId, first_name: "Staff", last_name: `Member ${userId}`, email: `staff${userId}@${shop.domain.replace(/\.myshopify\.com$/, "")}.example`,
          account_owner: userId === 1, locale: "en", collaborator: false, email_verified: true,
        },
      },
    };
  }
  return oauthError(400, "unsupported_token_type", `Requested token type '${requested}' is not supported.`);
}

export function accessTokenValid(shop: ShopState, token: string | undefined, secret: string): boolean {
  if (!token || !shop.installed) return false;
  if (token === offlineTokenFor(shop.domain, secret)) return true;
  const record = shop.tokens[token];
  return !!record && record.kind !== "refresh" && (record.expiresAt === null || record.expiresAt > Date.now());
}
