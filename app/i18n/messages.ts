// Admin copy in English and German. One key per concept, the same words as in the docs.
export const messages = {
  en: {
    "app.title": "Treue",
    "nav.home": "Home",
    "home.heading": "Loyalty and retention for {shop}",
    "home.customers": "Customers",
    "home.orders": "Orders",
    "home.currency": "Shop currency",
    "home.intro":
      "Treue turns one-time buyers into regulars: shoppers earn points on orders and redeem them at checkout, and you see churn, customer lifetime value and the other retention figures here.",
    "home.countsSource": "Counted by Shopify for {domain}.",
    "login.heading": "Log in",
    "login.shopDomain": "Shop domain",
    "login.submit": "Log in",
    "login.missingShop": "Please enter your shop domain to log in.",
    "login.invalidShop": "Please enter a valid shop domain, e.g. my-shop.myshopify.com.",
  },
  de: {
    "app.title": "Treue",
    "nav.home": "Start",
    "home.heading": "Kundenbindung für {shop}",
    "home.customers": "Kunden",
    "home.orders": "Bestellungen",
    "home.currency": "Shop-Währung",
    "home.intro":
      "Treue macht aus Einmalkäufern Stammkunden: Kunden sammeln Punkte mit jeder Bestellung und lösen sie an der Kasse ein, und Sie sehen hier Abwanderung, Kundenwert und die anderen Kennzahlen zur Kundenbindung.",
    "home.countsSource": "Von Shopify für {domain} gezählt.",
    "login.heading": "Anmelden",
    "login.shopDomain": "Shop-Domain",
    "login.submit": "Anmelden",
    "login.missingShop": "Bitte geben Sie Ihre Shop-Domain ein.",
    "login.invalidShop": "Bitte geben Sie eine gültige Shop-Domain ein, z. B. mein-shop.myshopify.com.",
  },
} as const;

export type Locale = keyof typeof messages;
export type MessageKey = keyof (typeof messages)["en"];
