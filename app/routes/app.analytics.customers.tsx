// Drill-down from a lifecycle segment on the dashboard: the segment's customers, biggest spenders first
// (at-risk customers when no segment is named: the ones worth acting on), and what to do with them: export them,
// tag them in Shopify, give them points.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, Checkbox, DataTable, FormLayout, InlineStack, Page, Pagination, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { z } from "zod";
import { authenticate } from "~/shopify.server";
import prisma from "~/db.server";
import { env } from "~/env.server";
import { segmentCustomers } from "~/analytics/analytics-dashboard.server";
import { lastSegmentSync, startSegmentSync } from "~/analytics/segment-sync.server";
import { formatCount, instantFormatter, localeFrom, translator } from "~/i18n/translate";
import { shopTimeZone } from "~/shops/time-zone.server";

import type { MessageKey } from "~/i18n/messages";
import { useRefreshWhile } from "~/ui/use-refresh-while";
import { recentSegmentBonuses, runningSegmentBonusTest, startSegmentBonus } from "~/points/segment-bonus.server";
import type { SegmentBonusProblem } from "~/points/domain/segment-bonus";
import type { LifecycleSegment } from "~/analytics/domain/lifecycle-segments";

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
  const [result, sync, bonuses, bonusTest] = await Promise.all([
    segmentCustomers(prisma, session.shop, parsed.data.segment, PAGE_SIZE, new Date(), (page - 1) * PAGE_SIZE),
    lastSegmentSync(prisma, session.shop),
    recentSegmentBonuses(prisma, session.shop),
    runningSegmentBonusTest(prisma, session.shop),
  ]);
  return json({
    locale: localeFrom(url.searchParams.get("locale")),
    timeZone: await shopTimeZone(prisma, session.shop),
    segment: parsed.data.segment,
    sync,
    bonuses,
    bonusTest,
    mailOn: Boolean(env().SMTP_URL),
    // One id per form shown: submitting it twice gives one bonus.
    requestId: crypto.randomUUID(),
    page,
    pageSize: PAGE_SIZE,
    ...result,
  });
};

type ActionResult = { intent: "sync-segments" | "give-points"; ok: boolean; problems: SegmentBonusProblem[]; message: string | null };

// "Sync now" tags the segments in Shopify, "Give points" rewards the segment's customers; both in the background,
// and the page shows their progress.
export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  const intent = form.get("intent");
  if (intent === "sync-segments") {
    await startSegmentSync(session.shop, "admin");
    return json<ActionResult>({ intent, ok: true, problems: [], message: null });
  }
  if (intent === "give-points") {
    const text = (k: string) => String(form.get(k) ?? "");
    const points = /^\s*\d{1,9}\s*$/.test(text("points")) ? Number(text("points")) : NaN;
    const result = await startSegmentBonus(prisma, session.shop, {
      segment: text("segment") as LifecycleSegment,
      points,
      reason: text("reason"),
      requestId: text("requestId"),
      mail: form.get("mail") === "on",
      staffId: session.onlineAccessInfo?.associated_user?.id ? String(session.onlineAccessInfo.associated_user.id) : null,
    });
    return result.ok
      ? json<ActionResult>({ intent, ok: true, problems: [], message: null })
      : json<ActionResult>({ intent, ok: false, problems: result.problems, message: null }, { status: 422 });
  }
  return json<ActionResult>({ intent: "sync-segments", ok: false, problems: [], message: "unknown action" }, { status: 400 });
};

export default function SegmentCustomers() {
  const { locale, timeZone, segment, total, currency, customers, sync, bonuses, bonusTest, mailOn, requestId, page, pageSize } = useLoaderData<typeof loader>();
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
  useRefreshWhile(sync?.status === "running" || bonuses.some((b) => b.status !== "done"));
  const at = instantFormatter(locale, timeZone, "dateTime");
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
            {actionData?.intent === "sync-segments" && actionData.ok ? <Banner tone="info">{t("sync.started")}</Banner> : null}
            <InlineStack>
              <Form method="post">
                <input type="hidden" name="intent" value="sync-segments" />
                <Button submit>{t("sync.button")}</Button>
              </Form>
            </InlineStack>
          </BlockStack>
        </Card>
        <SegmentBonusCard
          key={requestId}
          segment={segment}
          total={total}
          requestId={requestId}
          mailOn={mailOn}
          test={bonusTest}
          result={actionData?.intent === "give-points" ? actionData : null}
          bonuses={bonuses.map((b) => ({ ...b, at: at(b.finishedAt ?? b.createdAt) }))}
          t={t}
          locale={locale}
        />
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

type Bonus = { id: string; segment: string; points: number; reason: string; mail: boolean; status: string; recipients: number; awarded: number; heldOut: number; at: string };

/** "Give points to these customers": points and a reason, then the latest bonuses with their progress. */
function SegmentBonusCard(props: {
  segment: string;
  total: number;
  requestId: string;
  mailOn: boolean;
  /** The running A/B test of segment bonuses: a share of the recipients is held out. */
  test: { name: string; holdoutPercent: number } | null;
  result: { ok: boolean; problems: SegmentBonusProblem[] } | null;
  bonuses: Bonus[];
  t: ReturnType<typeof translator>;
  locale: "en" | "de";
}) {
  const { t, locale, result } = props;
  const [points, setPoints] = useState("100");
  const [reason, setReason] = useState("");
  const [mail, setMail] = useState(false);
  const errorOf = (field: string) => {
    const p = result?.problems.find((x) => x.field === field);
    return p ? problemText(p) : undefined;
  };
  const problemText = (p: SegmentBonusProblem) =>
    t(`bonus.problem.${p.code}` as MessageKey, Object.fromEntries(Object.entries(p.params ?? {}).map(([k, v]) => [k, formatCount(locale, v)])));
  const general = result?.problems.filter((p) => p.field === "segment" || p.field === "requestId") ?? [];
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t("bonus.heading")}
        </Text>
        <Text as="p" tone="subdued">
          {t("bonus.explain", { count: formatCount(locale, props.total) })}
        </Text>
        {general.map((p) => (
          <Banner key={p.code} tone="critical">
            {problemText(p)}
          </Banner>
        ))}
        {props.test ? (
          <Banner tone="info">
            <span id="segment-bonus-test">{t("bonus.test", { name: props.test.name, holdout: props.test.holdoutPercent })}</span>
          </Banner>
        ) : null}
        {result?.ok ? <Banner tone="success">{t("bonus.started")}</Banner> : null}
        <Form method="post" id="segment-bonus-form">
          <input type="hidden" name="intent" value="give-points" />
          <input type="hidden" name="segment" value={props.segment} />
          <input type="hidden" name="requestId" value={props.requestId} />
          <FormLayout>
            <FormLayout.Group>
              <TextField label={t("bonus.points")} name="points" type="number" min={1} value={points} onChange={setPoints} autoComplete="off" error={errorOf("points")} />
              <TextField
                label={t("bonus.reason")}
                name="reason"
                value={reason}
                onChange={setReason}
                placeholder={t("bonus.reasonPlaceholder")}
                autoComplete="off"
                error={errorOf("reason")}
              />
            </FormLayout.Group>
            <Checkbox
              label={t("bonus.mail")}
              checked={mail && props.mailOn}
              onChange={setMail}
              disabled={!props.mailOn}
              helpText={t(props.mailOn ? "bonus.mailHelp" : "bonus.mailOff")}
            />
            {mail && props.mailOn ? <input type="hidden" name="mail" value="on" /> : null}
            <InlineStack>
              <Button submit disabled={props.total === 0}>
                {t("bonus.button")}
              </Button>
            </InlineStack>
          </FormLayout>
        </Form>
        {props.bonuses.length ? (
          <BlockStack gap="100">
            <Text as="h3" variant="headingSm">
              {t("bonus.recent")}
            </Text>
            {props.bonuses.map((b) => (
              <Text as="p" key={b.id} tone={b.status === "done" ? undefined : "subdued"}>
                {t(`bonus.status.${b.status}` as MessageKey, {
                  at: b.at,
                  points: formatCount(locale, b.points),
                  segment: t(`seg.${b.segment}` as MessageKey),
                  awarded: formatCount(locale, b.awarded),
                  recipients: formatCount(locale, b.recipients),
                  reason: b.reason,
                })}
                {b.mail ? ` ${t("bonus.withMail")}` : ""}
                {b.heldOut ? ` ${t("bonus.heldOut", { count: formatCount(locale, b.heldOut) })}` : ""}
              </Text>
            ))}
          </BlockStack>
        ) : null}
      </BlockStack>
    </Card>
  );
}
