// Member e-mails: which ones the shop sends (each on by default), the shop's logo and accent colour, the merchant's
// own subject and opening note per kind and language, and a preview of each as members get it, re-rendered in the
// browser as the merchant types. The page is in the merchant's language; the previews and wordings in the one chosen.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Box, Button, Card, Checkbox, FormLayout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useMemo, useState } from "react";
import prisma from "~/db.server";
import { env } from "~/env.server";
import { LOCALES, type Locale, type MessageKey } from "~/i18n/messages";
import { formatCount, localeFrom, translator } from "~/i18n/translate";
import { loadMailLook, loadMailSwitches, previewFacts, saveMailSettings, type MailSwitches } from "~/engagement/mail-settings.server";
import { MAIL_KINDS, type MailKind } from "~/engagement/domain/member-mail";
import { checkBrand, checkWording, MAIL_PLACEHOLDERS, wordingKey, type LookProblem, type MailBrand, type MailWording } from "~/engagement/domain/mail-look";
import { previewMail } from "~/engagement/domain/mail-previews";
import { feedbackSummary } from "~/engagement/feedback.server";
import { authenticate } from "~/shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const locale = localeFrom(new URL(request.url).searchParams.get("locale"));
  const since = new Date(Date.now() - 30 * 86_400_000);
  const [switches, look, facts, sent, feedback] = await Promise.all([
    loadMailSwitches(prisma, session.shop),
    loadMailLook(prisma, session.shop),
    previewFacts(prisma, session.shop, env().SHOPIFY_APP_URL),
    prisma.memberMail.groupBy({ by: ["kind"], where: { shop: session.shop, status: "sent", sentAt: { gt: since } }, _count: { _all: true } }),
    feedbackSummary(prisma, session.shop),
  ]);
  return json({
    locale,
    switches,
    look,
    facts,
    sent: Object.fromEntries(sent.map((s) => [s.kind, s._count._all])) as Record<string, number>,
    smtp: Boolean(env().SMTP_URL),
    feedback,
  });
};

/** A problem of one field: `where` is "brand" or a wording's key (kind:locale). */
type FieldProblem = LookProblem & { where: string };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  const text = (name: string) => String(form.get(name) ?? "");
  const switches = Object.fromEntries(MAIL_KINDS.map((k) => [k, form.get(k) === "on"])) as MailSwitches;
  const problems: FieldProblem[] = [];
  const brand = checkBrand({ logoUrl: text("logoUrl"), accentColor: text("accentColor") });
  problems.push(...brand.problems.map((p) => ({ ...p, where: "brand" })));
  const wordings: Record<string, MailWording> = {};
  for (const kind of MAIL_KINDS) {
    for (const locale of LOCALES) {
      const key = wordingKey(kind, locale);
      const subject = checkWording("subject", text(`subject:${key}`));
      const intro = checkWording("intro", text(`intro:${key}`));
      problems.push(...[...subject.problems, ...intro.problems].map((p) => ({ ...p, where: key })));
      wordings[key] = { subject: subject.value, intro: intro.value };
    }
  }
  // Nothing is saved while any field has a problem.
  if (problems.length) return json({ ok: false as const, problems }, { status: 422 });
  await saveMailSettings(prisma, session.shop, { switches, brand: brand.brand, wordings });
  return json({ ok: true as const, problems: [] as FieldProblem[] });
};

export default function Emails() {
  const { locale, switches, look, facts, sent, smtp, feedback } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const t = translator(locale);
  const [on, setOn] = useState<MailSwitches>(switches);
  const [logoUrl, setLogoUrl] = useState(look.brand.logoUrl ?? "");
  const [accentColor, setAccentColor] = useState(look.brand.accentColor ?? "");
  const [wordings, setWordings] = useState<Record<string, { subject: string; intro: string }>>(() =>
    Object.fromEntries(
      MAIL_KINDS.flatMap((kind) => LOCALES.map((l) => wordingKey(kind, l))).map((key) => [key, { subject: look.wordings[key]?.subject ?? "", intro: look.wordings[key]?.intro ?? "" }]),
    ),
  );
  const [previewLocale, setPreviewLocale] = useState<Locale>(locale);
  const problems = result && !result.ok ? result.problems : [];
  const languageName = (l: Locale) => t(`emails.language.${l}` as MessageKey);
  const placeholders = MAIL_PLACEHOLDERS.map((p) => `{${p}}`).join(", ");
  const problemText = (p: FieldProblem) => {
    switch (p.code) {
      case "too-long":
        return t("emails.problem.too-long", { max: "max" in p ? p.max : 500 });
      case "unbalanced-brace":
        return t("emails.problem.unbalanced-brace", { example: "{shop}" });
      case "unknown-placeholder":
        return t("emails.problem.unknown-placeholder", { name: `{${"name" in p ? p.name : ""}}`, list: placeholders });
      default:
        return t(`emails.problem.${p.code}` as MessageKey);
    }
  };
  const errorOf = (where: string, field: string) =>
    problems
      .filter((p) => p.where === where && p.field === field)
      .map(problemText)
      .join(" ") || undefined;
  // What the merchant has typed, as the mail job would use it (a brand only once it is valid).
  const brand: MailBrand = useMemo(() => {
    const checked = checkBrand({ logoUrl, accentColor });
    return {
      logoUrl: checked.problems.some((p) => p.field === "logoUrl") ? null : checked.brand.logoUrl,
      accentColor: checked.problems.some((p) => p.field === "accentColor") ? null : checked.brand.accentColor,
    };
  }, [logoUrl, accentColor]);
  const previews = useMemo(
    () =>
      Object.fromEntries(
        MAIL_KINDS.map((kind) => {
          const w = wordings[wordingKey(kind, previewLocale)];
          return [kind, previewMail(kind, facts, previewLocale, brand, { subject: w.subject.trim() || null, intro: w.intro.trim() || null })];
        }),
      ) as Record<MailKind, ReturnType<typeof previewMail>>,
    [wordings, previewLocale, brand, facts],
  );
  const setWording = (key: string, field: "subject" | "intro", value: string) => setWordings((all) => ({ ...all, [key]: { ...all[key], [field]: value } }));

  return (
    <Page title={t("emails.heading")}>
      <BlockStack gap="400">
        <Text as="p" tone="subdued">{t("emails.explain")}</Text>
        {!smtp ? <Banner tone="warning">{t("emails.noSmtp")}</Banner> : null}
        {result?.ok ? <Banner tone="success">{t("emails.saved")}</Banner> : null}
        {problems.length ? (
          <Banner tone="critical">
            <span id="emails-not-saved">{t("emails.notSaved")}</span>
          </Banner>
        ) : null}
        <Form method="post" id="emails-form">
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">{t("emails.look.heading")}</Text>
                <FormLayout>
                  <TextField
                    label={t("emails.look.logo")}
                    name="logoUrl"
                    id="emails-logo"
                    type="url"
                    value={logoUrl}
                    onChange={setLogoUrl}
                    autoComplete="off"
                    helpText={t("emails.look.logoHelp")}
                    error={errorOf("brand", "logoUrl")}
                  />
                  <TextField
                    label={t("emails.look.accent")}
                    name="accentColor"
                    id="emails-accent"
                    value={accentColor}
                    onChange={setAccentColor}
                    autoComplete="off"
                    placeholder="#202223"
                    helpText={t("emails.look.accentHelp")}
                    error={errorOf("brand", "accentColor")}
                  />
                  <Select
                    label={t("emails.previewIn")}
                    id="emails-preview-language"
                    options={LOCALES.map((l) => ({ label: languageName(l), value: l }))}
                    value={previewLocale}
                    onChange={(v) => setPreviewLocale(v as Locale)}
                  />
                </FormLayout>
              </BlockStack>
            </Card>
            {MAIL_KINDS.map((kind) => {
              const key = wordingKey(kind, previewLocale);
              return (
                <Card key={kind}>
                  <BlockStack gap="300">
                    {on[kind] ? <input type="hidden" name={kind} value="on" /> : null}
                    <Checkbox
                      label={t(`emails.kind.${kind}` as MessageKey)}
                      helpText={`${t(`emails.about.${kind}` as MessageKey)} ${t("emails.sent30", { count: formatCount(locale, sent[kind] ?? 0) })}`}
                      checked={on[kind]}
                      onChange={(checked) => setOn({ ...on, [kind]: checked })}
                    />
                    {/* Both languages' wordings go with the form; the chosen one is shown. */}
                    {LOCALES.filter((l) => l !== previewLocale).flatMap((l) => {
                      const other = wordingKey(kind, l);
                      return [
                        <input key={`s-${other}`} type="hidden" name={`subject:${other}`} value={wordings[other].subject} />,
                        <input key={`i-${other}`} type="hidden" name={`intro:${other}`} value={wordings[other].intro} />,
                      ];
                    })}
                    <FormLayout>
                      <TextField
                        label={t("emails.wording.subject", { language: languageName(previewLocale) })}
                        name={`subject:${key}`}
                        id={`emails-subject-${kind}`}
                        value={wordings[key].subject}
                        onChange={(v) => setWording(key, "subject", v)}
                        autoComplete="off"
                        placeholder={previews[kind].subject}
                        error={errorOf(key, "subject")}
                      />
                      <TextField
                        label={t("emails.wording.intro", { language: languageName(previewLocale) })}
                        name={`intro:${key}`}
                        id={`emails-intro-${kind}`}
                        value={wordings[key].intro}
                        onChange={(v) => setWording(key, "intro", v)}
                        autoComplete="off"
                        multiline={3}
                        helpText={t("emails.wording.help", { list: placeholders })}
                        error={errorOf(key, "intro")}
                      />
                    </FormLayout>
                    <Text as="p" fontWeight="semibold" id={`preview-${kind}-subject`}>
                      {t("emails.subject", { subject: previews[kind].subject })}
                    </Text>
                    <Box borderColor="border" borderWidth="025" borderRadius="200" overflowX="hidden">
                      <iframe
                        title={t("emails.preview", { kind: t(`emails.kind.${kind}` as MessageKey) })}
                        id={`preview-${kind}`}
                        srcDoc={previews[kind].html}
                        sandbox=""
                        style={{ width: "100%", height: 460, border: 0, display: "block" }}
                      />
                    </Box>
                  </BlockStack>
                </Card>
              );
            })}
            <Box>
              <Button submit variant="primary" loading={busy}>{t("emails.save")}</Button>
            </Box>
          </BlockStack>
        </Form>
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">{t("emails.feedback.heading")}</Text>
            <Text as="p" id="emails-feedback-summary">
              {feedback.count && feedback.average !== null
                ? t("emails.feedback.summary", { average: new Intl.NumberFormat(locale === "de" ? "de-DE" : "en-GB", { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(feedback.average), count: formatCount(locale, feedback.count) })
                : t("emails.feedback.none")}
            </Text>
            {feedback.latest.map((f) => (
              <Text as="p" key={`${f.orderName}-${f.at}`}>
                <span aria-label={`${f.rating}/5`}>{"★".repeat(f.rating) + "☆".repeat(5 - f.rating)}</span> {f.orderName}
                {f.comment ? ` – ${f.comment}` : ""}
              </Text>
            ))}
          </BlockStack>
        </Card>
      </BlockStack>
    </Page>
  );
}
