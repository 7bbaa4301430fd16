/**
 * A Shopify id as REST webhook payloads carry it (a JSON number, or a string of digits), as text; null for
 * anything else. A number past 2^53 was already changed by JSON.parse, so it is refused rather than trusted.
 */
export function restIdOf(value: unknown): string | null {
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= 0 ? String(value) : null;
  return typeof value === "string" && /^\d+$/.test(value) ? value : null;
}
