// Drill-down from a lifecycle segment on the dashboard: the segment's customers, biggest spenders first
// (at-risk customers when no segment is named: the ones worth acting on).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, DataTable, InlineStack, Page, Pagination, Text } from "@shopify/polaris";
import { z } from "zod";
import { authenticate } from "~/shopify.server";
import prisma from "~/db.server";
import { segmentCustomers } from "~/analytics/analytics-dashboard.server";
import { lastSegmentSync, startSegmentSync } from "~/analytics/segment-sync.server";
import { formatCount, instantFormatter, localeFrom, translator } from "~/i18n/translate";
import { shopTimeZone } from "~/shops/time-zone.server";

import type { MessageKey } from "~/i18n/messages";
import { useRefreshWhile } from "~/ui/use-refresh-while";

const query = z.object({ segment: z.enum(["new", "active", "atRisk", "lost", "vip"]) });
/** Customers per page of the list. */
const PAGE_SIZE = 100;
const pageOf = z.coerce.number().int().min(1).max(100_000).catch(1);

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const url = new URL(request.url);
  const parsed = query.safeParse({ segment: url.searchParams.get("segment") ?? "atRisk" });
  if (!parsed.success) throw json({ error: "segment must be one of new, active, atRisk, lost, vip" }, { status: 400 });
  const page = pageOf.parse(url.searchParams.get("page") ?? 1);
  const [result, sync] = await Promise.all([
    segmentCustomers(prisma, session.shop, parsed.data.segment, PAGE_SIZE, new Date(), (page - 1) * PAGE_SIZE),
    lastSegmentSync(prisma, session.shop),
  ]);
  return json({ locale: localeFrom(url.searchParams.get("locale")), timeZone: await shopTimeZone(prisma, session.shop), segment: parsed.data.segment, sync, page, pageSize: PAGE_SIZE, ...result });
};

// "Sync now": tags the segments in Shopify in the background; the page shows the run's status.
export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  if (form.get("intent") !== "sync-segments") return json({ ok: false, message: "unknown action" }, { status: 400 });
  await startSegmentSync(session.shop, "admin");
  return json({ ok: true, message: null });
};

export default function SegmentCustomers() {
  const { locale, timeZone, segment, total, currency, customers, sync, page, pageSize } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params, setParams] = useSearchParams();
  const toPage = (n: number) =>
    setParams((p) => {
      p.set("page", String(n));
      return p;
    });
  const exportParams = new URLSearchParams(params);
  exportParams.delete("page");
  exportParams.set("segment", segment);
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);
  const t = translator(locale);
  useRefreshWhile(sync?.status === "running");
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
          {t("list.total", { count: total })}
        </Text>
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">
              {t("sync.heading")}
            </Text>
            <Text as="p" tone="subdued">
              {t("sync.explain")}
            </Text>
            <Text as="p" id="segment-sync-status">
              {sync
                ? t(`sync.status.${sync.status}` as MessageKey, {
                    at: instantFormatter(locale, timeZone, "dateTime")(sync.finishedAt ?? sync.startedAt),
                    changed: t("count.customers", { count: sync.changed }),
                    changedDative: t("count.customers.dative", { count: sync.changed }),
                    pending: formatCount(locale, sync.pending),
                  })
                : t("sync.never")}
            </Text>
            {sync?.error ? <Banner tone="critical">{sync.error}</Banner> : null}
            {actionData?.ok ? <Banner tone="info">{t("sync.started")}</Banner> : null}
            <InlineStack>
              <Form method="post">
                <input type="hidden" name="intent" value="sync-segments" />
                <Button submit>{t("sync.button")}</Button>
              </Form>
            </InlineStack>
          </BlockStack>
        </Card>
        <Card>
          <BlockStack gap="300">
            <InlineStack align="space-between" blockAlign="center" gap="200">
              <Text as="p" tone="subdued" id="segment-shown">
                {t("list.shown", { from: formatCount(locale, from), to: formatCount(locale, to), total: formatCount(locale, total) })}
              </Text>
              <Button url={`/app/history/export/customers?${exportParams}`} target="_blank" id="segment-export">
                {t("list.export")}
              </Button>
            </InlineStack>
            <DataTable
              columnContentTypes={["text", "numeric", "numeric", "numeric"]}
              headings={[t("list.customer"), t("list.orders"), t("list.spend"), t("list.recency")]}
              rows={customers.map((c) => [c.email ?? c.customerId, formatCount(locale, c.frequency), money(c.monetaryMinor), formatCount(locale, c.recencyDays)])}
            />
            <InlineStack align="center">
              <Pagination
                hasPrevious={page > 1}
                onPrevious={() => toPage(page - 1)}
                hasNext={page * pageSize < total}
                onNext={() => toPage(page + 1)}
                accessibilityLabels={{ previous: t("list.previous"), next: t("list.next") }}
              />
            </InlineStack>
          </BlockStack>
        </Card>
      </BlockStack>
    </Page>
  );
}
