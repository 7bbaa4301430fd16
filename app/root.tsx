import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteLoaderData } from "@remix-run/react";
import { useEffect } from "react";
import { localeFrom } from "~/i18n/translate";

/** The document's language: the admin's (Shopify's `locale` parameter, kept by every in-app link), for screen readers and the browser. */
export const loader = ({ request }: LoaderFunctionArgs) => json({ locale: localeFrom(new URL(request.url).searchParams.get("locale")) });

export default function App() {
  // Read this way (not useLoaderData) so that a page rendered without the root's data still renders.
  const locale = useRouteLoaderData<typeof loader>("root")?.locale ?? "en";
  // Marks the document once React has taken over the server's markup, so browser tests (and anyone debugging)
  // can tell a page that only looks ready from one whose inputs already respond.
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
  }, []);
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <link rel="preconnect" href="https://cdn.shopify.com/" />
        <link rel="stylesheet" href="https://cdn.shopify.com/static/fonts/inter/v4/styles.css" />
        <Meta />
        <Links />
      </head>
      <body>
        <Outlet />
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}
