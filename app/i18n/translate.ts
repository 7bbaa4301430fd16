import { messages, type Locale, type MessageKey } from "./messages";

/** Shopify passes the admin user's locale (e.g. "de-DE") as ?locale=; anything but German is English. */
export function localeFrom(value: string | null | undefined): Locale {
  return value?.toLowerCase().startsWith("de") ? "de" : "en";
}

export function translator(locale: Locale) {
  return (key: MessageKey, values: Record<string, string | number> = {}) =>
    messages[locale][key].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? `{${name}}`));
}

export function formatCount(locale: Locale, n: number): string {
  return new Intl.NumberFormat(locale === "de" ? "de-DE" : "en-GB").format(n);
}
