// Admin copy in English and German: app/i18n/locales/<locale>.json, in Shopify's format (`{name}` placeholders,
// plurals as `{ "one": …, "other": … }` chosen by `count`), read through i18next (translate.ts). One key per
// concept, the same words as in the docs.
import de from "./locales/de.json";
import en from "./locales/en.json";

export const messages = { en, de } as const;

export type Locale = keyof typeof messages;
/** The languages of the admin, of member e-mails and of the merchant's wordings. */
export const LOCALES: readonly Locale[] = ["en", "de"];
export type MessageKey = keyof (typeof messages)["en"];
