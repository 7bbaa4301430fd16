import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { NavMenu } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import polarisEn from "@shopify/polaris/locales/en.json";
import polarisDe from "@shopify/polaris/locales/de.json";
import { authenticate } from "~/shopify.server";
import { localeFrom, translator, withLocale } from "~/i18n/translate";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  const locale = localeFrom(new URL(request.url).searchParams.get("locale"));
  // APP_BRIDGE_URL is the Shopify library's override of App Bridge's script URL (unset in production:
  // Shopify's CDN); the offline demo points it at the stand-in's substitute.
  return json({ apiKey: process.env.SHOPIFY_API_KEY || "", locale, appBridgeUrl: process.env.APP_BRIDGE_URL || undefined });
};

export default function App() {
  const { apiKey, locale, appBridgeUrl } = useLoaderData<typeof loader>();
  const t = translator(locale);
  return (
    <AppProvider
      isEmbeddedApp
      apiKey={apiKey}
      i18n={locale === "de" ? polarisDe : polarisEn}
      {...(appBridgeUrl ? { __APP_BRIDGE_URL: appBridgeUrl } : {})}
    >
      <NavMenu>
        <Link to={withLocale("/app", locale)} rel="home">
          {t("nav.home")}
        </Link>
        <Link to={withLocale("/app/analytics/customers", locale)}>{t("nav.analytics")}</Link>
        <Link to={withLocale("/app/program", locale)}>{t("nav.program")}</Link>
        <Link to={withLocale("/app/members", locale)}>{t("nav.members")}</Link>
        <Link to={withLocale("/app/loyalty", locale)}>{t("nav.loyalty")}</Link>
        <Link to={withLocale("/app/analytics/segments", locale)}>{t("nav.segments")}</Link>
        <Link to={withLocale("/app/rewards", locale)}>{t("nav.rewards")}</Link>
        <Link to={withLocale("/app/referrals", locale)}>{t("nav.referrals")}</Link>
        <Link to={withLocale("/app/emails", locale)}>{t("nav.emails")}</Link>
        <Link to={withLocale("/app/experiments", locale)}>{t("nav.experiments")}</Link>
        <Link to={withLocale("/app/data-requests", locale)}>{t("nav.dataRequests")}</Link>
      </NavMenu>
      <Outlet />
    </AppProvider>
  );
}

// Shopify needs Remix to catch some thrown responses, so that their headers are included.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
