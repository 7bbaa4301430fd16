// Customers' data requests (customers/data_request, forwarded by Shopify): each one logged, its file downloaded
// here and handed to the customer by the merchant. The file is built at download time from what Treue holds.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Card, DataTable, Page, Text } from "@shopify/polaris";
import prisma from "~/db.server";
import { instantFormatter, localeFrom, translator } from "~/i18n/translate";
import { shopTimeZone } from "~/shops/time-zone.server";

import { listDataRequests } from "~/privacy/customer-data.server";
import { authenticate } from "~/shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const url = new URL(request.url);
  return json({ locale: localeFrom(url.searchParams.get("locale")), timeZone: await shopTimeZone(prisma, session.shop), search: url.search, requests: await listDataRequests(prisma, session.shop) });
};

export default function DataRequests() {
  const { locale, timeZone, search, requests } = useLoaderData<typeof loader>();
  const t = translator(locale);
  const date = instantFormatter(locale, timeZone, "dateTime");
  return (
    <Page title={t("dataRequests.heading")}>
      <BlockStack gap="400">
        <Text as="p">{t("dataRequests.help")}</Text>
        <Card>
          {requests.length === 0 ? (
            <Text as="p">{t("dataRequests.none")}</Text>
          ) : (
            <DataTable
              columnContentTypes={["text", "text", "numeric", "text", "text"]}
              headings={[t("dataRequests.requested"), t("dataRequests.customer"), t("dataRequests.orders"), t("dataRequests.downloaded"), ""]}
              rows={requests.map((r) => [
                date(r.requestedAt),
                r.customerId,
                r.ordersRequested.length,
                r.lastDownloadAt ? t("dataRequests.downloadedTimes", { count: r.downloads, date: date(r.lastDownloadAt) }) : t("dataRequests.notYet"),
                // A plain link (a file download, not a Remix navigation); the session token travels in the query.
                <a key="download" className="Polaris-Link" href={`/app/data-requests/${r.id}${search}`} download>
                  {t("dataRequests.download")}
                </a>,
              ])}
            />
          )}
        </Card>
      </BlockStack>
    </Page>
  );
}
