import i18next, { type i18n } from "i18next";
import ShopifyFormatPlugin from "@shopify/i18next-shopify";
import { messages, type Locale, type MessageKey } from "./messages";

// The plugin's CommonJS build (Node) arrives as { default }; its ES build (Vite) as the plugin itself.
const ShopifyFormat = (ShopifyFormatPlugin as unknown as { default?: typeof ShopifyFormatPlugin }).default ?? ShopifyFormatPlugin;

/** Keys are flat and contain dots ("dash.period.30"): nested lookups (plural forms) go through "/" instead. */
const KEY_SEPARATOR = "/";

const instances = new Map<Locale, i18n>();

/** One i18next instance per language, initialised synchronously from the bundled JSON. */
function instanceFor(locale: Locale): i18n {
  let instance = instances.get(locale);
  if (!instance) {
    instance = i18next.createInstance();
    void instance.use(ShopifyFormat).init({
      lng: locale,
      fallbackLng: false,
      resources: { [locale]: { translation: messages[locale] } },
      initAsync: false,
      keySeparator: KEY_SEPARATOR,
      nsSeparator: false,
      // React escapes what it renders; i18next escaping too would show "&amp;".
      interpolation: { escapeValue: false },
    });
    instances.set(locale, instance);
  }
  return instance;
}

/** Shopify passes the admin user's locale (e.g. "de-DE") as ?locale=; anything but German is English. */
export function localeFrom(value: string | null | undefined): Locale {
  return value?.toLowerCase().startsWith("de") ? "de" : "en";
}

/**
 * A shopper's language for the app's answers to extensions and the storefront: `?locale=` (the storefront's
 * language, which the launcher sends) else `Accept-Language` (which the extensions set from the buyer's
 * language); anything but German is English.
 */
export function readerLocale(request: Request): Locale {
  return localeFrom(new URL(request.url).searchParams.get("locale") ?? request.headers.get("accept-language"));
}

/**
 * A link inside the admin that keeps the merchant's language. Shopify names it in the URL the admin first opens
 * (`locale`); an in-app navigation carries only what its link says, so without this every nav click in the German
 * admin turned the page English. English is the default and needs no parameter.
 */
export function withLocale(to: string, locale: Locale): string {
  if (locale === "en") return to;
  const q = to.indexOf("?");
  const path = q < 0 ? to : to.slice(0, q);
  const params = new URLSearchParams(q < 0 ? "" : to.slice(q + 1));
  params.set("locale", locale);
  // "." (this page without its query) becomes this page with only the language.
  return `${path === "." ? "" : path}?${params}`;
}

/**
 * The admin's `t(key, values)`: `{name}` placeholders filled, a plural key's form chosen by `values.count` (a
 * number, formatted for the language) under the language's plural rules (Intl.PluralRules: one/other in English
 * and German).
 */
export function translator(locale: Locale) {
  const instance = instanceFor(locale);
  return (key: MessageKey, values: Record<string, string | number> = {}) => instance.t(key, values) as string;
}

export function formatCount(locale: Locale, n: number): string {
  return new Intl.NumberFormat(locale === "de" ? "de-DE" : "en-GB").format(n);
}

/** A share (0.873) as a percentage in the merchant's language: "87.3%", "87,3 %". */
export function formatPercent(locale: Locale, share: number, maximumFractionDigits = 1): string {
  return new Intl.NumberFormat(locale === "de" ? "de-DE" : "en-GB", { style: "percent", maximumFractionDigits }).format(share);
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
