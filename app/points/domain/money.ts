/**
 * Money at the edge of the points engine. Amounts are integer minor units of an ISO 4217 currency;
 * Shopify's decimal strings are converted by string arithmetic so "57.90" can never become 5789.
 */

export interface Money {
  amountMinor: number;
  currency: string;
}

// ISO 4217 exponents that differ from 2. Taken from the standard rather than from Intl, whose CLDR
// data disagrees with ISO for a few currencies (IQD, for one) and changes with the ICU version.
const ZERO_DIGIT = new Set(["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"]);
const THREE_DIGIT = new Set(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"]);

export function currencyMinorDigits(currency: string): number {
  const code = currency.toUpperCase();
  if (ZERO_DIGIT.has(code)) return 0;
  if (THREE_DIGIT.has(code)) return 3;
  return 2;
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * Minor units for a decimal amount ("57.90" EUR → 5790, "1000" JPY → 1000, "1.234" KWD → 1234), or null
 * when the text is not a plain decimal. Digits beyond the currency's precision are rounded half-up,
 * which is what Shopify does; a number is accepted because some clients send amounts unquoted.
 */
export function parseMinor(value: string | number, currency: string): number | null {
  const text = typeof value === "number" ? (Number.isFinite(value) ? String(value) : "") : value.trim();
  const m = DECIMAL.exec(text);
  if (!m) return null;
  const digits = currencyMinorDigits(currency);
  const fraction = m[3] ?? "";
  const kept = fraction.slice(0, digits).padEnd(digits, "0");
  const roundUp = fraction.length > digits && fraction.charCodeAt(digits) >= 53; /* "5" */
  const magnitude = Number(m[2] + kept) + (roundUp ? 1 : 0);
  if (!Number.isSafeInteger(magnitude)) return null;
  return m[1] && magnitude !== 0 ? -magnitude : magnitude;
}

/** The plain decimal spelling Shopify's REST API uses: 5790 EUR → "57.90", 1000 JPY → "1000". */
export function formatMinor(amountMinor: number, currency: string): string {
  if (!Number.isSafeInteger(amountMinor)) throw new RangeError(`money must be integer minor units, got ${amountMinor}`);
  const digits = currencyMinorDigits(currency);
  const sign = amountMinor < 0 ? "-" : "";
  const text = String(Math.abs(amountMinor)).padStart(digits + 1, "0");
  if (digits === 0) return sign + text;
  return `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}
