// Loyalty figures (issue 16: proof that the program pays): members, points issued, redeemed, expired and
// outstanding (with what they are worth in money), the redemption rate, points per month as a chart, members
// against non-members, rewards used and referrals converted, for the period the merchant picks.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import polarisVizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { BlockStack, Card, DataTable, InlineGrid, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { z } from "zod";
import prisma from "~/db.server";
import { authenticate } from "~/shopify.server";
import { periodEnding, shopDashboard, type DashboardFigure, type PeriodDays } from "~/analytics/analytics-dashboard.server";
import { formatFigure, formatMoney, PERIOD_CHOICES as PERIOD_DAYS, PeriodSelect, Section, TrendChart } from "~/analytics/components/dashboard-parts";
import { pointsFigures } from "~/points/points-figures.server";
import { shopCurrencyOrDefault } from "~/shops/shops.server";
import { shopTimeZone, shopToday } from "~/shops/time-zone.server";
import { formatCount, formatPercent, instantFormatter, localeFrom, translator, withLocale } from "~/i18n/translate";
import type { MessageKey } from "~/i18n/messages";

export const links = () => [{ rel: "stylesheet", href: polarisVizStyles }];

const query = z.object({ days: z.coerce.number().refine((d): d is PeriodDays => (PERIOD_DAYS as readonly number[]).includes(d)).catch(30) });

/** The member split's figures shown beside each other. */
const SPLIT_KEYS = ["repeatPurchaseRate", "purchaseFrequency", "averageOrderValueMinor", "retentionRate"] as const;

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const url = new URL(request.url);
  const locale = localeFrom(url.searchParams.get("locale"));
  const { days } = query.parse({ days: url.searchParams.get("days") ?? undefined });
  const shop = session.shop;
  const [today, zone, currency] = await Promise.all([shopToday(prisma, shop), shopTimeZone(prisma, shop), shopCurrencyOrDefault(prisma, shop)]);
  const period = periodEnding(today, days);
  const [figures, dashboard] = await Promise.all([
    pointsFigures(prisma, shop, { today, ...period, zone, currency, locale }),
    shopDashboard(prisma, shop, days),
  ]);
  return json({ locale, days, figures, members: dashboard.members, dashboardCurrency: dashboard.currency ?? currency });
};

export default function LoyaltyFigures() {
  const { locale, days, figures, members, dashboardCurrency } = useLoaderData<typeof loader>();
  const t = translator(locale);
  const count = (n: number) => formatCount(locale, n);
  const money = (minor: number) => formatMoney(locale, minor, figures.currency);
  const na = t("dash.notAvailable");
  // The period's ends are the shop's calendar days: written as dates, not instants (no zone to convert).
  const dayFormat = instantFormatter(locale, "UTC");
  const day = (d: string) => dayFormat(`${d}T12:00:00Z`);
  const tiles: { id: string; label: string; value: string; help?: string }[] = [
    { id: "members", label: t("loyalty.members"), value: count(figures.members.total), help: t("loyalty.membersWithPoints", { n: count(figures.members.withPoints) }) },
    {
      id: "outstanding",
      label: t("loyalty.outstanding"),
      value: count(figures.outstanding.points),
      help:
        figures.outstanding.liabilityMinor === null
          ? t("loyalty.liabilityNone")
          : t("loyalty.liability", { amount: money(figures.outstanding.liabilityMinor), points: count(figures.outstanding.pointValue!.pointsCost), value: money(figures.outstanding.pointValue!.amountMinor) }),
    },
    { id: "issued", label: t("loyalty.issued"), value: count(figures.inPeriod.issued) },
    { id: "redeemed", label: t("loyalty.redeemed"), value: count(figures.inPeriod.redeemed) },
    { id: "expired", label: t("loyalty.expired"), value: count(figures.inPeriod.expired) },
    {
      id: "redemption-rate",
      label: t("loyalty.redemptionRate"),
      value: figures.inPeriod.redemptionRate === null ? na : formatPercent(locale, figures.inPeriod.redemptionRate),
      help: t("loyalty.redemptionRate.def"),
    },
  ];
  const monthLabel = (month: string) =>
    new Intl.DateTimeFormat(locale === "de" ? "de-DE" : "en-GB", { month: "short", year: "2-digit", timeZone: "UTC" }).format(new Date(`${month}-01T00:00:00Z`));
  const series = (["issued", "redeemed", "expired"] as const).map((flow) => ({
    name: t(`loyalty.${flow}` as MessageKey),
    data: figures.months.map((m) => ({ key: monthLabel(m.month), value: m[flow] })),
  }));
  const figureOf = (list: readonly DashboardFigure[], key: (typeof SPLIT_KEYS)[number]) => {
    const f = list.find((x) => x.key === key);
    return f ? formatFigure(locale, f.kind, f.current.value, dashboardCurrency, na) : na;
  };

  return (
    <Page title={t("loyalty.heading")}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Card>
              <InlineStack align="space-between" blockAlign="center" gap="200">
                <Text as="p" variant="bodySm" tone="subdued" id="loyalty-period">
                  {t("loyalty.period", { from: day(figures.period.from), to: day(figures.period.to) })}
                </Text>
                <PeriodSelect days={days} t={t} />
              </InlineStack>
            </Card>
            <InlineGrid columns={{ xs: 1, sm: 2, md: 3 }} gap="400">
              {tiles.map((tile) => (
                <Card key={tile.id}>
                  <BlockStack gap="100">
                    <Text as="h2" variant="headingSm" tone="subdued">
                      {tile.label}
                    </Text>
                    <Text as="p" variant="headingXl" id={`loyalty-${tile.id}`}>
                      {tile.value}
                    </Text>
                    {tile.help ? (
                      <Text as="p" variant="bodySm" tone="subdued">
                        {tile.help}
                      </Text>
                    ) : null}
                  </BlockStack>
                </Card>
              ))}
            </InlineGrid>

            <Section heading={t("loyalty.chart.heading")} help={t("loyalty.chart.help")}>
              <TrendChart series={series} kind="bar" id="points-chart" />
            </Section>

            <Section heading={t("dash.members.heading")} help={t("loyalty.split.help")}>
              {members ? (
                <div id="member-split">
                  <DataTable
                    columnContentTypes={["text", "numeric", "numeric"]}
                    headings={[t("loyalty.split.figure"), t("dash.members.members", { count: members.memberCount }), t("dash.members.nonMembers")]}
                    rows={SPLIT_KEYS.map((key) => [t(`fig.${key}` as MessageKey), figureOf(members.members, key), figureOf(members.nonMembers, key)])}
                  />
                </div>
              ) : (
                <Text as="p">{t("dash.members.none")}</Text>
              )}
            </Section>

            <Section heading={t("loyalty.rewards.heading")}>
              {figures.rewards.length === 0 ? (
                <Text as="p" id="reward-use-none">
                  {t("loyalty.rewards.none")}
                </Text>
              ) : (
                <div id="reward-use">
                  <DataTable
                    columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric"]}
                    headings={[t("loyalty.rewards.reward"), t("loyalty.rewards.redemptions"), t("loyalty.rewards.used"), t("loyalty.rewards.returned"), t("loyalty.rewards.points")]}
                    rows={figures.rewards.map((r) => [r.title, count(r.redemptions), count(r.used), count(r.returned), count(r.points)])}
                  />
                </div>
              )}
            </Section>

            <Section heading={t("loyalty.referrals.heading")}>
              <Text as="p" id="referral-conversions">
                {t("loyalty.referrals.text", {
                  orders: count(figures.referrals.orders),
                  credited: count(figures.referrals.credited),
                  revenue: money(figures.referrals.revenueMinor),
                })}
              </Text>
              <Text as="p" variant="bodySm">
                <Link to={withLocale("/app/referrals", locale)}>{t("loyalty.referrals.link")}</Link>
              </Text>
            </Section>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
