// Drill-down from a lifecycle segment on the dashboard: the segment's customers, biggest spenders first
// (at-risk customers when no segment is named: the ones worth acting on).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { BlockStack, Card, DataTable, Page, Text } from "@shopify/polaris";
import { z } from "zod";
import { authenticate } from "~/shopify.server";
import prisma from "~/db.server";
import { segmentCustomers } from "~/services/analytics-dashboard.server";
import { formatCount, localeFrom, translator } from "~/i18n/translate";
import type { MessageKey } from "~/i18n/messages";

const query = z.object({ segment: z.enum(["new", "active", "atRisk", "lost", "vip"]) });

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const url = new URL(request.url);
  const parsed = query.safeParse({ segment: url.searchParams.get("segment") ?? "atRisk" });
  if (!parsed.success) throw json({ error: "segment must be one of new, active, atRisk, lost, vip" }, { status: 400 });
  const result = await segmentCustomers(prisma, session.shop, parsed.data.segment);
  return json({ locale: localeFrom(url.searchParams.get("locale")), segment: parsed.data.segment, ...result });
};

export default function SegmentCustomers() {
  const { locale, segment, total, currency, customers } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const t = translator(locale);
  const back = new URLSearchParams(params);
  back.delete("segment");
  const tag = locale === "de" ? "de-DE" : "en-GB";
  const money = (minor: number) =>
    currency
      ? new Intl.NumberFormat(tag, { style: "currency", currency }).format(
          minor / 10 ** (new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2),
        )
      : String(minor);
  return (
    <Page>
      <BlockStack gap="400">
        <Link to={`/app?${back}`}>{t("list.back")}</Link>
        <Text as="h1" variant="headingLg">
          {t("list.heading", { segment: t(`seg.${segment}` as MessageKey) })}
        </Text>
        <Text as="p" id="segment-total">
          {t("list.total", { count: formatCount(locale, total) })}
        </Text>
        <Card>
          <DataTable
            columnContentTypes={["text", "numeric", "numeric", "numeric"]}
            headings={[t("list.customer"), t("list.orders"), t("list.spend"), t("list.recency")]}
            rows={customers.map((c) => [c.email ?? c.customerId, c.frequency, money(c.monetaryMinor), c.recencyDays])}
          />
        </Card>
      </BlockStack>
    </Page>
  );
}
