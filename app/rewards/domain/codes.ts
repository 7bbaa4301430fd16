/**
 * Codes people read aloud, type on a phone or copy from an e-mail: redemption codes here, referral codes in
 * ../referrals. Randomness is injected (crypto.getRandomValues in the service, a seeded source in tests).
 */

/** Digits and capitals without 0/O, 1/I/L: the pairs buyers confuse when they type a code. 31 symbols. */
export const UNAMBIGUOUS_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/** Fills `count` random bytes, e.g. `(n) => crypto.getRandomValues(new Uint8Array(n))`. */
export type RandomBytes = (count: number) => Uint8Array;

// The largest multiple of 31 below 256: bytes from here up are rejected so every symbol is equally likely.
const UNBIASED_LIMIT = 256 - (256 % UNAMBIGUOUS_ALPHABET.length);

/** `length` symbols from UNAMBIGUOUS_ALPHABET, uniformly distributed. */
export function randomCode(length: number, randomBytes: RandomBytes): string {
  if (!Number.isSafeInteger(length) || length < 1) throw new RangeError(`code length must be a positive integer, got ${length}`);
  let code = "";
  // Each round asks for what is still missing; a broken source that never yields a usable byte must not spin forever.
  for (let rounds = 0; code.length < length; rounds++) {
    if (rounds > 1000) throw new Error("random source yields no usable bytes");
    for (const byte of randomBytes(length - code.length)) {
      if (byte < UNBIASED_LIMIT && code.length < length) code += UNAMBIGUOUS_ALPHABET[byte % UNAMBIGUOUS_ALPHABET.length];
    }
  }
  return code;
}

/** True when `text` uses only the unambiguous alphabet (after the prefix and dashes are removed by the caller). */
export function isUnambiguous(text: string): boolean {
  for (const ch of text) if (!UNAMBIGUOUS_ALPHABET.includes(ch)) return false;
  return text.length > 0;
}

export const REDEMPTION_CODE_PREFIX = "TREUE";

/**
 * A discount code for one redemption: `TREUE-7KQ2-M9PX`. Eight symbols give 31^8 ≈ 8.5 × 10^11 codes, so
 * a guess is hopeless and a collision with the shop's other codes is rare; the service still retries
 * when Shopify reports the code as taken.
 */
export function redemptionCode(randomBytes: RandomBytes, prefix: string = REDEMPTION_CODE_PREFIX): string {
  const body = randomCode(8, randomBytes);
  return `${prefix}-${body.slice(0, 4)}-${body.slice(4)}`;
}

const REDEMPTION_CODE_SHAPE = new RegExp(`^${REDEMPTION_CODE_PREFIX}-[${UNAMBIGUOUS_ALPHABET}]{4}-[${UNAMBIGUOUS_ALPHABET}]{4}$`);

/**
 * Our redemption codes among an order webhook's `discount_codes` (`[{code, amount, type}]`), upper-cased
 * (Shopify matches codes without case), without duplicates. Anything malformed is ignored: the order's
 * other steps judge the payload.
 */
export function redemptionCodesIn(discountCodes: unknown): string[] {
  if (!Array.isArray(discountCodes) || discountCodes.length === 0) return [];
  const codes = new Set<string>();
  for (const entry of discountCodes) {
    const code = (entry as { code?: unknown } | null)?.code;
    if (typeof code !== "string") continue;
    const normalised = code.trim().toUpperCase();
    if (REDEMPTION_CODE_SHAPE.test(normalised)) codes.add(normalised);
  }
  return [...codes];
}
