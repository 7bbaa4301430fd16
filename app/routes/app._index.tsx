import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Card, InlineGrid, Layout, Page, Text } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { authenticate } from "~/shopify.server";
import { fetchShopOverview } from "~/services/shop-overview.server";
import { formatCount, localeFrom, translator } from "~/i18n/translate";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { admin } = await authenticate.admin(request);
  const overview = await fetchShopOverview(admin.graphql);
  const locale = localeFrom(new URL(request.url).searchParams.get("locale"));
  return json({ overview, locale });
};

export default function Home() {
  const { overview, locale } = useLoaderData<typeof loader>();
  const t = translator(locale);
  const figures = [
    { id: "customers", label: t("home.customers"), value: formatCount(locale, overview.customerCount) },
    { id: "orders", label: t("home.orders"), value: formatCount(locale, overview.orderCount) },
    { id: "currency", label: t("home.currency"), value: overview.currency },
  ];
  return (
    <Page>
      <TitleBar title={t("app.title")} />
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Text as="h1" variant="headingLg">
              {t("home.heading", { shop: overview.name })}
            </Text>
            <Text as="p" tone="subdued">
              {t("home.intro")}
            </Text>
            <InlineGrid columns={{ xs: 1, sm: 3 }} gap="400">
              {figures.map((f) => (
                <Card key={f.id}>
                  <BlockStack gap="200">
                    <Text as="h2" variant="headingSm" tone="subdued">
                      {f.label}
                    </Text>
                    <Text as="p" variant="heading2xl" id={`figure-${f.id}`}>
                      {f.value}
                    </Text>
                  </BlockStack>
                </Card>
              ))}
            </InlineGrid>
            <Text as="p" variant="bodySm" tone="subdued">
              {t("home.countsSource", { domain: overview.domain })}
            </Text>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
