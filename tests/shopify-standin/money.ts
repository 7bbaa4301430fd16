// Money lives as integer minor units + currency code; decimal strings exist only at the edge,
// in the two spellings Shopify uses: REST pads to the currency's exponent ("12.50"),
// the GraphQL Decimal scalar trims but keeps one fractional digit ("12.5", "12.0").

const exponentCache = new Map<string, number>();

export function currencyExponent(currency: string): number {
  let e = exponentCache.get(currency);
  if (e === undefined) {
    try {
      e = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      e = 2;
    }
    exponentCache.set(currency, e);
  }
  return e;
}

function split(minor: number, currency: string): { sign: string; whole: string; frac: string } {
  if (!Number.isInteger(minor)) throw new Error(`money must be integer minor units, got ${minor}`);
  const exp = currencyExponent(currency);
  const sign = minor < 0 ? "-" : "";
  const digits = String(Math.abs(minor)).padStart(exp + 1, "0");
  return { sign, whole: digits.slice(0, digits.length - exp), frac: digits.slice(digits.length - exp) };
}

/** REST/webhook spelling: "12.50"; zero-decimal currencies have no point ("1000"). */
export function restAmount(minor: number, currency: string): string {
  const { sign, whole, frac } = split(minor, currency);
  return frac ? `${sign}${whole}.${frac}` : `${sign}${whole}`;
}

/** GraphQL Decimal spelling: "12.5", "12.0", "1000.0". */
export function graphqlAmount(minor: number, currency: string): string {
  const { sign, whole, frac } = split(minor, currency);
  const trimmed = frac.replace(/0+$/, "");
  return `${sign}${whole}.${trimmed || "0"}`;
}

/** Parses a decimal string (or number, as GraphQL clients sometimes send) into minor units without float maths. */
export function parseAmountToMinor(value: unknown, currency: string): number | null {
  const text = typeof value === "number" ? String(value) : typeof value === "string" ? value.trim() : null;
  if (text === null || !/^-?\d+(\.\d+)?$/.test(text)) return null;
  const exp = currencyExponent(currency);
  const negative = text.startsWith("-");
  const [whole, frac = ""] = text.replace("-", "").split(".");
  // Shopify rounds half-up beyond the currency's precision.
  const kept = (frac + "0".repeat(exp)).slice(0, exp);
  const roundUp = frac.length > exp && Number(frac[exp]) >= 5;
  const minor = Number(whole) * 10 ** exp + Number(kept || "0") + (roundUp ? 1 : 0);
  return negative ? -minor : minor;
}

export function restMoneySet(minor: number, currency: string) {
  const money = { amount: restAmount(minor, currency), currency_code: currency };
  return { shop_money: money, presentment_money: { ...money } };
}

export function graphqlMoney(minor: number, currency: string) {
  return { amount: graphqlAmount(minor, currency), currencyCode: currency };
}

export function graphqlMoneyBag(minor: number, currency: string) {
  return { shopMoney: graphqlMoney(minor, currency), presentmentMoney: graphqlMoney(minor, currency) };
}

/** Splits `total` across `weights` proportionally, handing rounding pennies to the largest remainders. */
export function allocate(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0 || total === 0) return weights.map(() => 0);
  const raw = weights.map((w) => (total * w) / sum);
  const out = raw.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0]);
  for (let k = 0; left > 0 && k < order.length; k++, left--) out[order[k][1]] += 1;
  return out;
}
