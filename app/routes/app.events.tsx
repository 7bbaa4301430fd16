// Parked webhook events: what could not be applied, why, and a retry.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, DataTable, Page, Text } from "@shopify/polaris";
import { z } from "zod";
import prisma from "~/db.server";
import { localeFrom, translator } from "~/i18n/translate";
import { listParkedEvents, retryParkedEvent } from "~/services/loyalty-parked-events.server";
import { authenticate } from "~/shopify.server";
import { jobEngine } from "~/webhooks.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return json({ locale: localeFrom(new URL(request.url).searchParams.get("locale")), events: await listParkedEvents(prisma, session.shop) });
};

const body = z.object({ id: z.string().regex(/^\d{1,18}$/).transform(BigInt) });

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = body.safeParse(Object.fromEntries(await request.formData()));
  if (!form.success) return json({ ok: false }, { status: 400 });
  if (!(await retryParkedEvent(prisma, session.shop, form.data.id))) return json({ ok: false }, { status: 404 });
  await (await jobEngine()).applySoon(session.shop).catch((e) => console.error("[treue] job engine, webhook apply job not sent:", e));
  return json({ ok: true });
};

export default function ParkedEvents() {
  const { locale, events } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = translator(locale);
  const date = (iso: string) => new Intl.DateTimeFormat(locale === "de" ? "de-DE" : "en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(new Date(iso));
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
                <Form key="retry" method="post">
                  <input type="hidden" name="id" value={e.id} />
                  <Button submit>{t("events.retry")}</Button>
                </Form>,
              ])}
            />
          )}
        </Card>
      </BlockStack>
    </Page>
  );
}
