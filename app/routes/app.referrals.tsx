// Referrals: who referred whom, what happened to each referral (and why it was blocked), the referral rate,
// and the referral settings.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, DataTable, FormLayout, Layout, Page, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { z } from "zod";
import prisma from "~/db.server";
import type { MessageKey } from "~/i18n/messages";
import { formatCount, formatPercent, instantFormatter, localeFrom, translator } from "~/i18n/translate";
import { shopTimeZone } from "~/shops/time-zone.server";

import { loadReferralTerms, referralOverview, referralTermsProblems, saveReferralTerms, type ReferralTerms } from "~/referrals/referrals.server";
import { authenticate } from "~/shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const [overview, terms] = await Promise.all([referralOverview(prisma, session.shop), loadReferralTerms(prisma, session.shop)]);
  return json({ locale: localeFrom(new URL(request.url).searchParams.get("locale")), timeZone: await shopTimeZone(prisma, session.shop), overview, terms });
};

const whole = z.string().trim().regex(/^\d{1,9}$/, "whole number").transform(Number);
const body = z.object({
  advocatePoints: whole,
  friendPercentOff: whole,
  windowDays: whole,
  monthlyCap: z.union([z.literal("").transform(() => null), whole]),
});

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = body.safeParse(Object.fromEntries(await request.formData()));
  if (!form.success) {
    const problems = Object.fromEntries(form.error.issues.map((i) => [String(i.path[0]), "whole number"]));
    return json({ ok: false as const, problems }, { status: 400 });
  }
  const terms: ReferralTerms = form.data;
  const problems = referralTermsProblems(terms);
  if (Object.keys(problems).length > 0) return json({ ok: false as const, problems }, { status: 400 });
  await saveReferralTerms(prisma, session.shop, terms);
  return json({ ok: true as const, problems: {} });
};

const STATUS_TONE = { pending: "attention", credited: "success", blocked: "critical", void: undefined } as const;

export default function Referrals() {
  const { locale, timeZone, overview, terms } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const saving = useNavigation().state === "submitting";
  const t = translator(locale);
  const count = (n: number) => formatCount(locale, n);
  const date = instantFormatter(locale, timeZone);
  const [v, setV] = useState({
    advocatePoints: String(terms.advocatePoints),
    friendPercentOff: String(terms.friendPercentOff),
    windowDays: String(terms.windowDays),
    monthlyCap: terms.monthlyCap === null ? "" : String(terms.monthlyCap),
  });
  const problems: Record<string, string> = result && !result.ok ? result.problems : {};
  const field = (k: keyof typeof v, label: MessageKey, help?: MessageKey) => (
    <TextField
      label={t(label)}
      name={k}
      value={v[k]}
      onChange={(value) => setV({ ...v, [k]: value })}
      autoComplete="off"
      inputMode="numeric"
      helpText={help ? t(help) : undefined}
      error={problems[k] ? t("referrals.invalid", { range: problems[k] }) : undefined}
    />
  );
  const rate = overview.referralRate;
  const reason = (r: { blockReason: string | null; voidReason: string | null }) => {
    const key = r.blockReason ?? r.voidReason;
    return key ? t(`referrals.reason.${key}` as MessageKey) : "";
  };
  return (
    <Page title={t("referrals.heading")}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Text as="p">{t("referrals.help")}</Text>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {t("referrals.rate")}
                </Text>
                {rate.rate === null ? (
                  <Text as="p">{t("referrals.rateNone")}</Text>
                ) : (
                  <>
                    <Text as="p" variant="headingXl">
                      {formatPercent(locale, rate.rate)}
                    </Text>
                    <Text as="p" tone="subdued">
                      {t("referrals.rateHelp", { count: rate.referredOrders, orders: t("count.orders", { count: rate.orders }) })}
                    </Text>
                  </>
                )}
                <Text as="p">
                  {t("referrals.counts", {
                    pending: count(overview.counts.pending),
                    credited: count(overview.counts.credited),
                    blocked: count(overview.counts.blocked),
                    void: count(overview.counts.void),
                  })}
                </Text>
              </BlockStack>
            </Card>
            <Card>
              {overview.referrals.length === 0 ? (
                <Text as="p">{t("referrals.none")}</Text>
              ) : (
                <DataTable
                  columnContentTypes={["text", "text", "text", "text", "text", "text", "text"]}
                  headings={[t("referrals.order"), t("referrals.code"), t("referrals.advocate"), t("referrals.friend"), t("referrals.placed"), t("referrals.status"), t("referrals.reason")]}
                  rows={overview.referrals.map((r) => [
                    r.orderName ?? r.orderId,
                    r.code,
                    r.advocateCustomerId,
                    r.friendCustomerId ?? "—",
                    date(r.orderPlacedAt),
                    <Badge key="status" tone={STATUS_TONE[r.status as keyof typeof STATUS_TONE]}>
                      {t(`referrals.status.${r.status}` as MessageKey)}
                    </Badge>,
                    reason(r),
                  ])}
                />
              )}
            </Card>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Card>
            <Form method="post">
              <FormLayout>
                <Text as="h2" variant="headingMd">
                  {t("referrals.settings")}
                </Text>
                {result?.ok ? <Banner tone="success">{t("referrals.saved")}</Banner> : null}
                {field("advocatePoints", "referrals.advocatePoints")}
                {field("friendPercentOff", "referrals.friendPercentOff", "referrals.friendPercentOffHelp")}
                {field("windowDays", "referrals.windowDays")}
                {field("monthlyCap", "referrals.monthlyCap")}
                <Button submit variant="primary" loading={saving}>
                  {t("referrals.save")}
                </Button>
              </FormLayout>
            </Form>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
