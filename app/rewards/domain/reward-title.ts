/**
 * A reward's name as a shopper or merchant reads it. A merchant may name a reward ("Summer treat"); one left
 * unnamed (`autoTitle`, every reward of the default catalog) is named after what it gives, in the reader's
 * language and with the shop currency's symbol: "€5.00 off" / "5,00 € Rabatt". The stored `title` of such a
 * reward is the English name, for places that have no reader (the discount's title in Shopify's admin).
 */
import type { Locale } from "~/i18n/messages";
import { currencyMinorDigits, type Money } from "~/points/domain/money";
import type { Reward } from "./catalog";

const TAG: Record<Locale, string> = { en: "en-GB", de: "de-DE" };

/**
 * Formatters by language and currency: building one costs far more than formatting with it, and every loyalty
 * read (checkout, account, storefront) names each reward. Few languages times the shops' currencies; emptied if
 * it ever holds more.
 */
const formatters = new Map<string, Intl.NumberFormat>();
const FORMATTERS_MAX = 500;

/** "€5.00", "5,00 €", "¥500": the shop currency as the reader writes it. */
export function formatRewardMoney(money: Money, locale: Locale): string {
  const digits = currencyMinorDigits(money.currency);
  const key = `${locale}|${money.currency}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.NumberFormat(TAG[locale], { style: "currency", currency: money.currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
    if (formatters.size >= FORMATTERS_MAX) formatters.clear();
    formatters.set(key, format);
  }
  return format.format(money.amountMinor / 10 ** digits);
}

/** The name a reward gets from what it gives, in `locale`. */
export function generatedRewardTitle(reward: Reward, locale: Locale): string {
  const de = locale === "de";
  switch (reward.kind) {
    case "fixed-amount-off": {
      const amount = formatRewardMoney(reward.amountOff, locale);
      return de ? `${amount} Rabatt` : `${amount} off`;
    }
    case "percentage-off":
      return de ? `${reward.percentOff} % Rabatt` : `${reward.percentOff}% off`;
    case "free-shipping":
      return de ? "Kostenloser Versand" : "Free shipping";
    case "free-product":
      return de ? "Gratisprodukt" : "Free product";
    case "store-credit": {
      const amount = formatRewardMoney(reward.credit, locale);
      return de ? `${amount} Guthaben` : `${amount} store credit`;
    }
  }
}

/** What the reader sees: the merchant's own name, else the generated one in the reader's language. */
export function rewardTitle(reward: Reward, locale: Locale): string {
  return reward.autoTitle ? generatedRewardTitle(reward, locale) : reward.title;
}

/** The name of the reward a redemption stored (its copy of the reward at the time), "" when it has none. */
export function redeemedTitle(stored: unknown, locale: Locale): string {
  const reward = stored as Partial<Reward> | null;
  if (!reward || typeof reward !== "object") return "";
  if (reward.autoTitle && typeof reward.kind === "string") {
    try {
      return generatedRewardTitle(reward as Reward, locale);
    } catch {
      // An older copy without the amount the name needs: its stored name below.
    }
  }
  return typeof reward.title === "string" ? reward.title : "";
}
