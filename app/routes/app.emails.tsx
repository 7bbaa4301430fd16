// Member e-mails: which ones the shop sends (each on by default), a preview of each as members get it, in the
// merchant's language, and how many went out in the last 30 days.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Box, Button, Card, Checkbox, Page, Text } from "@shopify/polaris";
import { useState } from "react";
import prisma from "~/db.server";
import { env } from "~/env.server";
import type { MessageKey } from "~/i18n/messages";
import { formatCount, localeFrom, translator } from "~/i18n/translate";
import { loadMailSwitches, mailPreviews, saveMailSwitches, type MailSwitches } from "~/engagement/mail-settings.server";
import { MAIL_KINDS } from "~/engagement/domain/member-mail";
import { authenticate } from "~/shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const locale = localeFrom(new URL(request.url).searchParams.get("locale"));
  const since = new Date(Date.now() - 30 * 86_400_000);
  const [switches, previews, sent] = await Promise.all([
    loadMailSwitches(prisma, session.shop),
    mailPreviews(prisma, session.shop, locale, env().SHOPIFY_APP_URL),
    prisma.memberMail.groupBy({ by: ["kind"], where: { shop: session.shop, status: "sent", sentAt: { gt: since } }, _count: { _all: true } }),
  ]);
  return json({
    locale,
    switches,
    previews,
    sent: Object.fromEntries(sent.map((s) => [s.kind, s._count._all])) as Record<string, number>,
    smtp: Boolean(env().SMTP_URL),
  });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  const switches = Object.fromEntries(MAIL_KINDS.map((k) => [k, form.get(k) === "on"])) as MailSwitches;
  await saveMailSwitches(prisma, session.shop, switches);
  return json({ ok: true });
};

export default function Emails() {
  const { locale, switches, previews, sent, smtp } = useLoaderData<typeof loader>();
  const saved = useActionData<typeof action>()?.ok === true;
  const busy = useNavigation().state === "submitting";
  const t = translator(locale);
  const [on, setOn] = useState<MailSwitches>(switches);
  return (
    <Page title={t("emails.heading")}>
      <BlockStack gap="400">
        <Text as="p" tone="subdued">{t("emails.explain")}</Text>
        {!smtp ? <Banner tone="warning">{t("emails.noSmtp")}</Banner> : null}
        {saved ? <Banner tone="success">{t("emails.saved")}</Banner> : null}
        <Form method="post" id="emails-form">
          <BlockStack gap="400">
            {MAIL_KINDS.map((kind) => (
              <Card key={kind}>
                <BlockStack gap="300">
                  {on[kind] ? <input type="hidden" name={kind} value="on" /> : null}
                  <Checkbox
                    label={t(`emails.kind.${kind}` as MessageKey)}
                    helpText={`${t(`emails.about.${kind}` as MessageKey)} ${t("emails.sent30", { count: formatCount(locale, sent[kind] ?? 0) })}`}
                    checked={on[kind]}
                    onChange={(checked) => setOn({ ...on, [kind]: checked })}
                  />
                  <Text as="p" fontWeight="semibold" id={`preview-${kind}-subject`}>
                    {t("emails.subject", { subject: previews[kind].subject })}
                  </Text>
                  <Box borderColor="border" borderWidth="025" borderRadius="200" overflowX="hidden">
                    <iframe
                      title={t("emails.preview", { kind: t(`emails.kind.${kind}` as MessageKey) })}
                      srcDoc={previews[kind].html}
                      sandbox=""
                      style={{ width: "100%", height: 420, border: 0, display: "block" }}
                    />
                  </Box>
                </BlockStack>
              </Card>
            ))}
            <Box>
              <Button submit variant="primary" loading={busy}>{t("emails.save")}</Button>
            </Box>
          </BlockStack>
        </Form>
      </BlockStack>
    </Page>
  );
}
