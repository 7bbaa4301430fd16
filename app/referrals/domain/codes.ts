/** Referral codes and the links members share. */
import { randomCode, type RandomBytes } from "~/rewards/domain/codes";

/**
 * Up to six ASCII capitals from the member's first name, so a friend sees whose code it is ("ANNA-7K3Q").
 * Diacritics are dropped (Jürgen → JURGEN) and ß becomes SS; names without Latin letters give "".
 */
export function namePart(firstName: string | null | undefined): string {
  return (firstName ?? "")
    .normalize("NFKD")
    .replace(/ß/g, "ss")
    .replace(/[^A-Za-z]/g, "")
    .toUpperCase()
    .slice(0, 6);
}

export interface ReferralCodeOptions {
  randomBytes: RandomBytes;
  firstName?: string | null;
  /** Candidates to offer before giving up; the service then reports an error instead of looping. */
  maxAttempts?: number;
}

/**
 * Candidate codes for one member, best first. The service tries them in order and keeps the first one the
 * database accepts (unique index), so collisions are retried without this module doing I/O:
 *
 *   for (const code of referralCodeCandidates({ randomBytes, firstName })) if (await tryInsert(code)) return code;
 *
 * "ANNA-7K3Q" while the name gives a prefix, else "7K3QM9". The random part grows by one symbol every five
 * attempts, so a crowded name ("ANNA") still finds a free code quickly.
 */
export function* referralCodeCandidates({ randomBytes, firstName, maxAttempts = 20 }: ReferralCodeOptions): Generator<string> {
  const prefix = namePart(firstName);
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const length = (prefix ? 4 : 6) + Math.floor(attempt / 5);
    const random = randomCode(length, randomBytes);
    yield prefix ? `${prefix}-${random}` : random;
  }
}

/** How buyers type codes: case and surrounding spaces don't matter. */
export function normaliseReferralCode(code: string): string {
  return code.trim().toUpperCase();
}

export type ReferralLinkStyle = "ref" | "discount";

/**
 * The link a member shares. "ref": `https://{shop}/?ref=CODE` (the storefront remembers the advocate);
 * "discount": `https://{shop}/discount/CODE`, which also applies the friend's discount code at checkout.
 * `shopDomain` may be given with scheme or trailing slash; it is reduced to the host.
 */
export function referralLink(shopDomain: string, code: string, style: ReferralLinkStyle = "ref"): string {
  const host = shopDomain.trim().replace(/^https?:\/\//i, "").replace(/\/.*$/, "").toLowerCase();
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(host)) throw new RangeError(`not a shop domain: ${shopDomain}`);
  const encoded = encodeURIComponent(normaliseReferralCode(code));
  return style === "discount" ? `https://${host}/discount/${encoded}` : `https://${host}/?ref=${encoded}`;
}
