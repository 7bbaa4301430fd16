// The merchant's lifecycle segment rules: thresholds for new, at risk, lost and VIP, validated by the
// domain's form module (each problem shown at its field, in the admin's language).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, FormLayout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import prisma from "~/db.server";
import {
  segmentFormValues,
  segmentThresholdsFromForm,
  type SegmentFormField,
  type SegmentFormProblem,
  type SegmentFormValues,
} from "~/analytics/domain/segment-form";
import type { MessageKey } from "~/i18n/messages";
import { localeFrom, translator } from "~/i18n/translate";
import { loadSegmentThresholds, saveSegmentThresholds } from "~/analytics/segment-rules.server";
import { authenticate } from "~/shopify.server";
import { shopCurrencyOrDefault } from "~/shops/shops.server";

const FIELDS: SegmentFormField[] = ["newWithinDays", "atRiskAfterDays", "lostAfterDays", "vipMinOrders", "vipSpendRule", "vipTopPercent", "vipMinSpend"];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const currency = await shopCurrencyOrDefault(prisma, session.shop);
  const thresholds = await loadSegmentThresholds(prisma, session.shop);
  return json({ locale: localeFrom(new URL(request.url).searchParams.get("locale")), currency, values: segmentFormValues(thresholds, currency) });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  const values = Object.fromEntries(FIELDS.map((f) => [f, String(form.get(f) ?? "")])) as unknown as SegmentFormValues;
  const result = segmentThresholdsFromForm(values, await shopCurrencyOrDefault(prisma, session.shop));
  if (!result.ok) return json({ ok: false as const, problems: result.problems }, { status: 422 });
  await saveSegmentThresholds(prisma, session.shop, result.thresholds);
  return json({ ok: true as const, problems: [] as SegmentFormProblem[] });
};

export default function SegmentRules() {
  const { locale, currency, values: stored } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const t = translator(locale);
  const [values, setValues] = useState<SegmentFormValues>(stored);
  const set = (field: SegmentFormField) => (value: string) => setValues((v) => ({ ...v, [field]: value }));
  const errorOf = (field: SegmentFormField) => {
    const problem = result?.problems.find((p) => p.field === field);
    return problem ? t(`segrules.error.${problem.code}` as MessageKey) : undefined;
  };
  const back = new URLSearchParams(params);
  const field = (name: SegmentFormField, label: MessageKey) => (
    <TextField
      label={t(label, { currency })}
      name={name}
      id={`segrules-${name}`}
      autoComplete="off"
      inputMode={name === "vipMinSpend" ? "decimal" : "numeric"}
      value={values[name]}
      onChange={set(name)}
      error={errorOf(name)}
    />
  );
  return (
    <Page>
      <BlockStack gap="400">
        <Link to={`/app?${back}`}>{t("list.back")}</Link>
        <Text as="h1" variant="headingLg">
          {t("segrules.heading")}
        </Text>
        <Text as="p" tone="subdued">
          {t("segrules.help")}
        </Text>
        {result?.ok ? (
          <Banner tone="success">
            {t("segrules.saved")}
          </Banner>
        ) : null}
        {result && !result.ok ? (
          <Banner tone="critical">
            {t("segrules.errors")}
          </Banner>
        ) : null}
        <Card>
          <Form method="post">
            <FormLayout>
              {field("newWithinDays", "segrules.newWithinDays")}
              {field("atRiskAfterDays", "segrules.atRiskAfterDays")}
              {field("lostAfterDays", "segrules.lostAfterDays")}
              {field("vipMinOrders", "segrules.vipMinOrders")}
              <Select
                label={t("segrules.vipSpendRule")}
                name="vipSpendRule"
                id="segrules-vipSpendRule"
                options={[
                  { label: t("segrules.vipSpendRule.share"), value: "share" },
                  { label: t("segrules.vipSpendRule.amount"), value: "amount" },
                ]}
                value={values.vipSpendRule}
                onChange={set("vipSpendRule")}
                error={errorOf("vipSpendRule")}
              />
              {values.vipSpendRule === "amount" ? field("vipMinSpend", "segrules.vipMinSpend") : field("vipTopPercent", "segrules.vipTopPercent")}
              {/* The hidden alternative keeps its value, so switching back and forth loses nothing. */}
              {values.vipSpendRule === "amount" ? (
                <input type="hidden" name="vipTopPercent" value={values.vipTopPercent} />
              ) : (
                <input type="hidden" name="vipMinSpend" value={values.vipMinSpend} />
              )}
              <Text as="p" variant="bodySm" tone="subdued">
                {t("segrules.defaults")}
              </Text>
              <Button submit variant="primary" loading={navigation.state === "submitting"}>
                {t("segrules.save")}
              </Button>
            </FormLayout>
          </Form>
        </Card>
      </BlockStack>
    </Page>
  );
}
