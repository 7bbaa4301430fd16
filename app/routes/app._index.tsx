// The admin home: shop counts from Shopify, then the retention dashboard over the imported order history.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useFetcher, useLoaderData, useSearchParams } from "@remix-run/react";
import polarisVizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import {
  Banner, BlockStack, Button, Card, DataTable, InlineGrid, InlineStack, Layout, Page, Text,
} from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { z } from "zod";
import { authenticate } from "~/shopify.server";
import prisma from "~/db.server";
import { fetchShopOverview } from "~/shops/shop-overview.server";
import { shopDashboard } from "~/analytics/analytics-dashboard.server";
import { shopTimeZone, shopToday } from "~/shops/time-zone.server";
import type { DashboardFigure, PeriodDays } from "~/analytics/analytics-dashboard.server";
import { averageClv, clvForecast } from "~/analytics/analytics-clv.server";
import { latestHistoryImport, resumeHistoryImport, startHistoryImport } from "~/history/history-import.server";
import { formatCount, formatPercent, instantFormatter, localeFrom, translator } from "~/i18n/translate";
import type { MessageKey } from "~/i18n/messages";
import { CohortTable, formatFigure, formatMoney, PERIOD_CHOICES as PERIOD_DAYS, PeriodSelect, Section, TrendChart } from "~/analytics/components/dashboard-parts";
import { SetupGuideCard, type SetupLinks } from "~/setup/components/setup-guide-card";
import { checkoutEditorLink, themeEmbedLink } from "~/setup/domain/setup-guide";
import { loadSetupGuide } from "~/setup/setup-guide.server";
import { useRefreshWhile } from "~/ui/use-refresh-while";
import { env } from "~/env.server";

export const links = () => [{ rel: "stylesheet", href: polarisVizStyles }];


const query = z.object({ days: z.coerce.number().refine((d): d is PeriodDays => (PERIOD_DAYS as readonly number[]).includes(d)).catch(365) });

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { admin, session } = await authenticate.admin(request);
  const url = new URL(request.url);
  const locale = localeFrom(url.searchParams.get("locale"));
  const { days } = query.parse({ days: url.searchParams.get("days") ?? undefined });
  const shop = session.shop;
  // The first visit imports the history when the install hook did not (e.g. installed before Treue had it).
  let historyImport = await latestHistoryImport(prisma, shop);
  if (!historyImport) historyImport = (await startHistoryImport(prisma, shop, "first-visit")).historyImport;
  else await resumeHistoryImport(prisma, shop);
  const [overview, dashboard, clv, timeZone, setup] = await Promise.all([
    fetchShopOverview(admin.graphql),
    shopDashboard(prisma, shop, days),
    shopToday(prisma, shop).then(async (today) => ({ ...(await clvForecast(prisma, shop, today)), average: await averageClv(prisma, shop) })),
    shopTimeZone(prisma, shop),
    loadSetupGuide(prisma, shop),
  ]);
  // Where each setup step is done: pages of the app, or Shopify's editors (the launcher is the theme app
  // extension's embed block, blocks/launcher.liquid).
  const setupLinks: SetupLinks = {
    earning: { url: "/app/program", external: false },
    rewards: { url: "/app/rewards", external: false },
    storefront: { url: themeEmbedLink(shop, env().SHOPIFY_API_KEY, "launcher"), external: true },
    thankYou: { url: checkoutEditorLink(shop, "thank-you"), external: true },
    checkout: { url: checkoutEditorLink(shop, "checkout"), external: true },
    balances: { url: "/app/members/import", external: false },
  };
  return json({
    overview,
    locale,
    days,
    dashboard,
    clv,
    timeZone,
    setup,
    setupLinks,
    historyImport: {
      status: historyImport.status,
      customers: historyImport.customers,
      orders: historyImport.orders,
      refunds: historyImport.refunds,
      finishedAt: historyImport.finishedAt?.toISOString() ?? null,
      error: historyImport.error,
    },
  });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  if (form.get("intent") !== "reimport") return json({ ok: false, message: "unknown action" }, { status: 400 });
  const { historyImport, started } = await startHistoryImport(prisma, session.shop, "admin");
  return json({ ok: true, started, status: historyImport.status });
};

const SEGMENTS = ["vip", "active", "new", "atRisk", "lost"] as const;

export default function Home() {
  const { overview, locale, days, dashboard, clv, timeZone, historyImport, setup, setupLinks } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const upload = useFetcher<{ ok: boolean; error?: string; orders?: number; refunds?: number }>();
  const [params] = useSearchParams();
  const t = translator(locale);
  const na = t("dash.notAvailable");
  // The import's counts, the figures it brings and the forecast come in while the merchant watches.
  useRefreshWhile(historyImport.status === "customers" || historyImport.status === "orders" || clv.computing);
  // Counts inside sentences: "1 order", "2 orders" (German: "1 Bestellung", "von 1 Kunden"), formatted per language.
  const orders = (n: number) => t("count.orders", { count: n });
  const refunds = (n: number) => t("count.refunds", { count: n });
  const currency = dashboard.currency ?? overview.currency;
  const counts = [
    { id: "customers", label: t("home.customers"), value: formatCount(locale, overview.customerCount) },
    { id: "orders", label: t("home.orders"), value: formatCount(locale, overview.orderCount) },
    { id: "currency", label: t("home.currency"), value: overview.currency },
  ];
  const linkWith = (path: string, extra: Record<string, string> = {}) => {
    const p = new URLSearchParams(params);
    for (const [k, v] of Object.entries(extra)) p.set(k, v);
    return `${path}?${p}`;
  };
  const figureText = (f: DashboardFigure, which: "current" | "previous") => {
    const v = f[which];
    if (f.key === "referralRate" && v.reason === "no referrals yet") return t("dash.noReferrals");
    return formatFigure(locale, f.kind, v.value, currency, na);
  };
  const importText = (() => {
    switch (historyImport.status) {
      case "customers":
        return t("dash.import.customers", { customers: formatCount(locale, historyImport.customers) });
      case "orders":
        return t("dash.import.orders", { orders: orders(historyImport.orders), refunds: refunds(historyImport.refunds) });
      case "completed":
        return t("dash.import.completed", {
          customers: t("count.customers", { count: historyImport.customers }),
          orders: orders(historyImport.orders),
          refunds: refunds(historyImport.refunds),
          date: historyImport.finishedAt ? instantFormatter(locale, timeZone)(historyImport.finishedAt) : "",
        });
      case "failed":
        return t("dash.import.failed", { error: historyImport.error ?? "" });
      default:
        return t("dash.import.none");
    }
  })();
  const maxRevenue = Math.max(1, ...dashboard.trend.map((m) => Math.abs(m.revenueMinor)));

  return (
    <Page>
      <TitleBar title={t("app.title")} />
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Text as="h1" variant="headingLg">
              {t("home.heading", { shop: overview.name })}
            </Text>
            <SetupGuideCard guide={setup} links={setupLinks} locale={locale} t={t} />
            <InlineGrid columns={{ xs: 1, sm: 3 }} gap="400">
              {counts.map((f) => (
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
            <Text as="p" variant="bodySm" tone="subdued" id="customer-totals">
              {t("home.countsSource", { domain: overview.domain })}{" "}
              {t("home.totalsExplained", {
                buyers: formatCount(locale, Object.values(dashboard.segments).reduce((sum, n) => sum + n, 0)),
                active: formatCount(locale, Number(dashboard.figures.find((f) => f.key === "activeCustomers")?.current.value ?? 0)),
                period: t(`dash.period.${days}` as MessageKey),
              })}
            </Text>

            <Section heading={t("dash.import.heading")}>
              <Text as="p" id="history-import-status" tone={historyImport.status === "failed" ? "critical" : undefined}>
                {importText}
              </Text>
              <Text as="p" variant="bodySm" tone="subdued" id="history-held">
                {t("dash.import.held", {
                  orders: orders(dashboard.history.orders),
                  refunds: refunds(dashboard.history.refunds),
                  customers: t("count.customers.dative", { count: dashboard.history.customers }),
                })}
              </Text>
              <Text as="p" variant="bodySm">
                <Link to={linkWith("/app/events")} id="events-link">
                  {t("dash.events.link")}
                </Link>
              </Text>
              {actionData?.ok ? <Banner tone="info">{t("dash.import.started")}</Banner> : null}
              <InlineStack gap="200">
                <Form method="post">
                  <input type="hidden" name="intent" value="reimport" />
                  <Button submit disabled={historyImport.status === "customers" || historyImport.status === "orders"}>
                    {t("dash.import.reimport")}
                  </Button>
                </Form>
                <Button url={linkWith("/app/history/export/customers")} target="_blank">
                  {t("dash.export.customers")}
                </Button>
                <Button url={linkWith("/app/history/export/metrics", { days: String(days) })} target="_blank">
                  {t("dash.export.metrics")}
                </Button>
              </InlineStack>
              {upload.data ? (
                <Banner tone={upload.data.ok ? "success" : "critical"}>
                  <span id="csv-result">
                    {upload.data.ok ? t("dash.csv.done", { orders: orders(upload.data.orders ?? 0), refunds: refunds(upload.data.refunds ?? 0) }) : upload.data.error}
                  </span>
                </Banner>
              ) : null}
              <upload.Form method="post" action={linkWith("/app/history/import")} encType="multipart/form-data">
                <BlockStack gap="100">
                  <Text as="p" variant="bodySm" tone="subdued">
                    {t("dash.csv.heading")}: {t("dash.csv.help")}
                  </Text>
                  <InlineStack gap="200">
                    <input type="file" name="file" accept=".csv,text/csv" />
                    <Button submit>{t("dash.csv.upload")}</Button>
                  </InlineStack>
                </BlockStack>
              </upload.Form>
            </Section>

            <Card>
              <InlineStack align="space-between" blockAlign="center">
                <Text as="h2" variant="headingMd">
                  {t("dash.heading.figures")}
                </Text>
                <PeriodSelect days={days} t={t} />
              </InlineStack>
              <Text as="p" variant="bodySm" tone="subdued">
                {t("dash.periodRange", {
                  from: dashboard.period.from,
                  to: dashboard.period.to,
                  prevFrom: dashboard.previousPeriod.from,
                  prevTo: dashboard.previousPeriod.to,
                })}
              </Text>
            </Card>
            <InlineGrid columns={{ xs: 1, sm: 2, md: 3 }} gap="400">
              {dashboard.figures.map((f) => (
                <Card key={f.key}>
                  <BlockStack gap="100">
                    <Text as="h3" variant="headingSm" tone="subdued">
                      {t(`fig.${f.key}` as MessageKey)}
                    </Text>
                    <Text as="p" variant="headingXl" id={`metric-${f.key}`}>
                      {figureText(f, "current")}
                    </Text>
                    <Text as="p" variant="bodySm">
                      {t("dash.previous", { value: figureText(f, "previous") })}
                    </Text>
                    <Text as="p" variant="bodySm" tone="subdued">
                      {t(`fig.${f.key}.def` as MessageKey)}
                    </Text>
                  </BlockStack>
                </Card>
              ))}
            </InlineGrid>

            <Section heading={t("dash.members.heading")}>
              {dashboard.members ? (
                <DataTable
                  columnContentTypes={["text", "numeric", "numeric"]}
                  headings={["", t("dash.members.members", { count: dashboard.members.memberCount }), t("dash.members.nonMembers")]}
                  rows={dashboard.members.members.map((m, i) => [
                    t(`fig.${m.key}` as MessageKey),
                    figureText(m, "current"),
                    figureText(dashboard.members!.nonMembers[i], "current"),
                  ])}
                />
              ) : (
                <Text as="p" tone="subdued" id="members-none">
                  {t("dash.members.none")}
                </Text>
              )}
            </Section>

            <Section heading={t("dash.trend.heading")}>
              <TrendChart
                series={[
                  { name: t("dash.trend.orders"), data: dashboard.trend.map((m) => ({ key: m.month, value: m.orders })) },
                  { name: t("dash.trend.active"), data: dashboard.trend.map((m) => ({ key: m.month, value: m.activeCustomers })) },
                ]}
              />
              <table style={{ width: "100%", borderCollapse: "collapse" }} id="trend">
                <thead>
                  <tr>
                    <th style={{ textAlign: "left" }}>{t("dash.trend.month")}</th>
                    <th style={{ textAlign: "right" }}>{t("dash.trend.orders")}</th>
                    <th style={{ textAlign: "right" }}>{t("dash.trend.active")}</th>
                    <th style={{ textAlign: "left", width: "45%" }}>{t("dash.trend.revenue")}</th>
                  </tr>
                </thead>
                <tbody>
                  {dashboard.trend.map((m) => (
                    <tr key={m.month}>
                      <td>{m.month}</td>
                      <td style={{ textAlign: "right" }}>{formatCount(locale, m.orders)}</td>
                      <td style={{ textAlign: "right" }}>{formatCount(locale, m.activeCustomers)}</td>
                      <td>
                        <div style={{ display: "flex", alignItems: "center", gap: 8 }}>
                          <div
                            style={{
                              height: 10,
                              width: `${Math.round((Math.max(0, m.revenueMinor) / maxRevenue) * 70)}%`,
                              background: "var(--p-color-bg-fill-info, #5c6ac4)",
                            }}
                          />
                          <span>{formatMoney(locale, m.revenueMinor, currency)}</span>
                        </div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Section>

            <Section heading={t("dash.cohorts.heading")} help={t("dash.cohorts.help")}>
              <CohortTable cohorts={dashboard.cohorts} locale={locale} labels={{ cohort: t("dash.cohorts.cohort"), customers: t("dash.cohorts.customers") }} />
            </Section>

            <Section
              heading={t("dash.segments.heading")}
              help={
                <>
                  {t("dash.segments.help", {
                    lost: dashboard.segmentRules.lostAfterDays,
                    atRisk: dashboard.segmentRules.atRiskAfterDays,
                    vipOrders: dashboard.segmentRules.vipMinOrders,
                    new: dashboard.segmentRules.newWithinDays,
                    vipSpend:
                      dashboard.segmentRules.vipSpendRule === "amount"
                        ? t("dash.segments.vipAmount", { amount: formatMoney(locale, dashboard.segmentRules.vipMinSpendMinor, currency) })
                        : t("dash.segments.vipShare", { percent: Math.round(dashboard.segmentRules.vipTopShare * 100) }),
                  })}{" "}
                  <Link to={linkWith("/app/analytics/segments")} id="segment-rules-link">
                    {t("dash.segments.rules")}
                  </Link>
                </>
              }
            >
              <InlineGrid columns={{ xs: 2, sm: 5 }} gap="200">
                {SEGMENTS.map((s) => (
                  <Link key={s} to={linkWith("/app/analytics/customers", { segment: s })} id={`segment-${s}`}>
                    <Text as="span" variant="headingLg">
                      {formatCount(locale, dashboard.segments[s])}
                    </Text>{" "}
                    <Text as="span">{t(`seg.${s}` as MessageKey)}</Text>
                  </Link>
                ))}
              </InlineGrid>
            </Section>

            <Section heading={t("dash.clv.heading")} help={t("dash.clv.help")}>
              {clv.forecast?.status === "ok" && clv.average ? (
                <BlockStack gap="100">
                  <Text as="p" id="clv-average">
                    {t("dash.clv.average", { amount: formatMoney(locale, clv.average.clvMinor, currency), customers: t("count.customers.dative", { count: clv.average.customers }) })}
                  </Text>
                  <Text as="p" variant="bodySm" tone="subdued">
                    {t("dash.clv.notTheFigure")}
                  </Text>
                </BlockStack>
              ) : null}
              {clv.forecast?.status === "ok" ? (
                <DataTable
                  columnContentTypes={["text", "numeric", "numeric", "numeric"]}
                  headings={[t("dash.clv.customer"), t("dash.clv.value"), t("dash.clv.purchases"), t("dash.clv.alive")]}
                  rows={clv.forecast.top.map((c) => [
                    c.email ?? c.customerId,
                    formatMoney(locale, c.clvMinor, currency),
                    c.expectedPurchases.toFixed(2),
                    // Recent, frequent buyers are very likely still active: "> 99.9 %" rather than a rounded 100 %.
                    c.probabilityAlive >= 0.9995 ? `> ${formatPercent(locale, 0.999)}` : formatPercent(locale, c.probabilityAlive),
                  ])}
                />
              ) : clv.forecast?.status === "insufficient" ? (
                <Text as="p" id="clv-insufficient">
                  {t("dash.clv.insufficient", { reason: clv.forecast.reason })}
                </Text>
              ) : null}
              {clv.computing ? (
                <Text as="p" tone="subdued">
                  {t("dash.clv.computing")}
                </Text>
              ) : null}
            </Section>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
