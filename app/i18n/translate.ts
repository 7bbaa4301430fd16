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

/**
 * Instants as the merchant reads them: in their language and on their shop's clock (the shop's IANA time zone,
 * `shopTimeZone`), the zone named where a time of day is shown ("6 Dec 2026, 21:30 CET").
 */
export function instantFormatter(locale: Locale, timeZone: string, style: "date" | "dateTime" = "date"): (iso: string | Date) => string {
  const format = new Intl.DateTimeFormat(
    locale === "de" ? "de-DE" : "en-GB",
    style === "date"
      ? { year: "numeric", month: "short", day: "numeric", timeZone }
      : { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short", timeZone },
  );
  return (iso) => format.format(typeof iso === "string" ? new Date(iso) : iso);
}
