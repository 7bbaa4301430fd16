// Parked webhook events: what could not be applied, why, and a retry.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, DataTable, Page, Text } from "@shopify/polaris";
import { z } from "zod";
import prisma from "~/db.server";
import { instantFormatter, localeFrom, translator } from "~/i18n/translate";
import { shopTimeZone } from "~/shops/time-zone.server";

import type { MessageKey } from "~/i18n/messages";
import { listParkedEvents, retryParkedEvent } from "~/webhooks/parked-events.server";
import { listFailedShopJobs } from "~/jobs/failed-jobs.server";
import { sqlOf } from "~/db/connection.server";
import { authenticate } from "~/shopify.server";
import { jobEngine } from "~/webhooks.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return json({
    locale: localeFrom(new URL(request.url).searchParams.get("locale")),
    timeZone: await shopTimeZone(prisma, session.shop),
    events: await listParkedEvents(prisma, session.shop),
    jobs: await listFailedShopJobs(sqlOf(prisma), session.shop),
  });
};

const body = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("retry-event"), id: z.string().regex(/^\d{1,18}$/).transform(BigInt) }),
  z.object({ intent: z.literal("retry-job"), id: z.string().uuid() }),
]);

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const fields = Object.fromEntries(await request.formData());
  // A form from before the job list names no intent: it retries an event.
  const form = body.safeParse({ intent: "retry-event", ...fields });
  if (!form.success) return json({ ok: false }, { status: 400 });
  if (form.data.intent === "retry-job") {
    if (!(await (await jobEngine()).retryFailedShopJob(session.shop, form.data.id))) return json({ ok: false }, { status: 404 });
    return json({ ok: true });
  }
  if (!(await retryParkedEvent(prisma, session.shop, form.data.id))) return json({ ok: false }, { status: 404 });
  await (await jobEngine()).applySoon(session.shop).catch((e) => console.error("[treue] job engine, webhook apply job not sent:", e));
  return json({ ok: true });
};

const JOB_KIND: Record<string, MessageKey> = {
  "shop.history-import": "events.jobs.kind.historyImport",
  "shop.segment-sync": "events.jobs.kind.segmentSync",
  "shop.clv-forecast": "events.jobs.kind.clvForecast",
};

function RetryForm({ intent, id, label }: { intent: "retry-event" | "retry-job"; id: string; label: string }) {
  return (
    <Form method="post">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="id" value={id} />
      <Button submit>{label}</Button>
    </Form>
  );
}

export default function ParkedEvents() {
  const { locale, timeZone, events, jobs } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = translator(locale);
  const date = instantFormatter(locale, timeZone, "dateTime");
  return (
    <Page title={t("events.heading")}>
      <BlockStack gap="400">
        <Text as="p">{t("events.help")}</Text>
        {result?.ok ? <Banner tone="success">{t("events.retried")}</Banner> : null}
        <Card>
          {events.length === 0 ? (
            <Text as="p">{t("events.none")}</Text>
          ) : (
            <DataTable
              columnContentTypes={["text", "text", "numeric", "text", "text"]}
              headings={[t("events.topic"), t("events.received"), t("events.attempts"), t("events.error"), ""]}
              rows={events.map((e) => [
                e.topic,
                date(e.receivedAt),
                e.attempts,
                <code key="error">{e.lastError}</code>,
                <RetryForm key="retry" intent="retry-event" id={e.id} label={t("events.retry")} />,
              ])}
            />
          )}
        </Card>
        <Text as="h2" variant="headingMd">
          {t("events.jobs.heading")}
        </Text>
        <Text as="p">{t("events.jobs.help")}</Text>
        <Card>
          {jobs.length === 0 ? (
            <Text as="p">{t("events.jobs.none")}</Text>
          ) : (
            <DataTable
              columnContentTypes={["text", "text", "numeric", "text", "text"]}
              headings={[t("events.jobs.kind"), t("events.jobs.failedAt"), t("events.attempts"), t("events.error"), ""]}
              rows={jobs.map((j) => [
                t(JOB_KIND[j.queue] ?? "events.jobs.kind.other"),
                date(j.failedAt),
                j.tries,
                <code key="error">{j.error}</code>,
                <RetryForm key="retry" intent="retry-job" id={j.id} label={t("events.retry")} />,
              ])}
            />
          )}
        </Card>
      </BlockStack>
    </Page>
  );
}
