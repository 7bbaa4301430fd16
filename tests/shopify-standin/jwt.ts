// HS256 JWTs with node:crypto: the same construction Shopify uses for App Bridge id tokens
// and checkout / customer-account extension session tokens (signed with the app's secret).
import { createHmac, timingSafeEqual } from "node:crypto";

export type JwtClaims = Record<string, unknown>;

const b64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");

export function signJwt(claims: JwtClaims, secret: string): string {
  const header = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const body = b64url(JSON.stringify(claims));
  const sig = createHmac("sha256", secret).update(`${header}.${body}`).digest("base64url");
  return `${header}.${body}.${sig}`;
}

export class JwtError extends Error {}

/** Verifies signature and time claims with the 10 s leeway @shopify/shopify-api allows. */
export function verifyJwt(token: string, secret: string, nowSeconds = Math.floor(Date.now() / 1000)): JwtClaims {
  const parts = token.split(".");
  if (parts.length !== 3) throw new JwtError("malformed token");
  let header: { alg?: string };
  let claims: JwtClaims;
  try {
    header = JSON.parse(Buffer.from(parts[0], "base64url").toString("utf8"));
    claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
  } catch {
    throw new JwtError("malformed token");
  }
  if (header.alg !== "HS256") throw new JwtError("unsupported algorithm");
  const expected = createHmac("sha256", secret).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2], "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new JwtError("signature verification failed");
  const leeway = 10;
  if (typeof claims.exp === "number" && nowSeconds - leeway >= claims.exp) throw new JwtError("token expired");
  if (typeof claims.nbf === "number" && nowSeconds + leeway < claims.nbf) throw new JwtError("token not yet valid");
  return claims;
}
