// A/B tests: does an e-mail bring members back? A test of one kind of e-mail sends it to most members and holds a
// share out (they do not get it); the page shows what each arm did since and the difference the mail makes, with
// its 95 % confidence interval and a verdict in plain words. Each kind of e-mail can have one test running, and so
// can the whole program (new customers held out) and segment bonuses (a share of each bonus's customers held out).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, DataTable, FormLayout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import prisma from "~/db.server";
import { env } from "~/env.server";
import type { MessageKey } from "~/i18n/messages";
import { formatCount, formatPercent, instantFormatter, localeFrom, translator } from "~/i18n/translate";
import { shopTimeZone } from "~/shops/time-zone.server";
import { shopCurrencyOrDefault } from "~/shops/shops.server";
import { formatMoney } from "~/analytics/components/dashboard-parts";
import { experimentReports, startExperiment, stopExperiment, type ExperimentProblem } from "~/engagement/experiments.server";
import type { Comparison } from "~/engagement/domain/experiments";
import { EXPERIMENT_SUBJECTS, PROGRAM_SUBJECT, SEGMENT_BONUS_SUBJECT, subjectMailKind } from "~/engagement/domain/member-mail";
import { authenticate } from "~/shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const [reports, timeZone, currency] = await Promise.all([
    experimentReports(prisma, session.shop),
    shopTimeZone(prisma, session.shop),
    shopCurrencyOrDefault(prisma, session.shop),
  ]);
  return json({ locale: localeFrom(new URL(request.url).searchParams.get("locale")), timeZone, currency, reports, smtp: Boolean(env().SMTP_URL) });
};

type ActionResult = { ok: boolean; problems: ExperimentProblem[] };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  const text = (k: string) => String(form.get(k) ?? "").trim();
  const whole = (k: string) => (/^\d{1,4}$/.test(text(k)) ? Number(text(k)) : NaN);
  if (form.get("intent") === "stop") {
    const stopped = await stopExperiment(prisma, session.shop, text("id"));
    return json<ActionResult>({ ok: stopped, problems: [] }, { status: stopped ? 200 : 404 });
  }
  if (form.get("intent") === "start") {
    const result = await startExperiment(prisma, session.shop, {
      name: text("name"),
      subject: text("subject"),
      holdoutPercent: whole("holdoutPercent"),
      windowDays: whole("windowDays"),
      variantSubject: text("variantSubject"),
      variantIntro: String(form.get("variantIntro") ?? ""),
    });
    return result.ok ? json<ActionResult>({ ok: true, problems: [] }) : json<ActionResult>({ ok: false, problems: result.problems }, { status: 422 });
  }
  return json<ActionResult>({ ok: false, problems: [] }, { status: 400 });
};

export default function Experiments() {
  const { locale, timeZone, currency, reports, smtp } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const t = translator(locale);
  const count = (n: number) => formatCount(locale, n);
  const date = instantFormatter(locale, timeZone);
  const money = (minor: number) => formatMoney(locale, Math.round(minor), currency);
  const points = (share: number) => `${share >= 0 ? "+" : "−"}${formatPercent(locale, Math.abs(share)).replace(/\s?%$/, "")} ${t("exp.pp")}`;
  const signedMoney = (minor: number) => `${minor >= 0 ? "+" : "−"}${money(Math.abs(minor))}`;
  // A comparison with the holdout as the lift sentences name it: differences with their 95 % intervals.
  const liftOf = (c: Comparison) => ({
    rate: points(c.repeatRate.difference),
    rateLow: points(c.repeatRate.low),
    rateHigh: points(c.repeatRate.high),
    revenue: signedMoney(c.revenuePerMember.difference),
    revenueLow: signedMoney(c.revenuePerMember.low),
    revenueHigh: signedMoney(c.revenuePerMember.high),
  });
  const kindName = (subject: string) =>
    subject === PROGRAM_SUBJECT
      ? t("exp.program")
      : subject === SEGMENT_BONUS_SUBJECT
        ? t("exp.segmentBonus")
        : t(`emails.kind.${subjectMailKind(subject) ?? "points-earned"}` as MessageKey);
  // What differs in wording between a test of the program, of segment bonuses and of an e-mail ("" for an e-mail).
  const wordsFor = (subject: string) => (subject === PROGRAM_SUBJECT ? "Program" : subject === SEGMENT_BONUS_SUBJECT ? "SegmentBonus" : "");
  const running = new Set(reports.filter((r) => r.status === "running").map((r) => r.subject));
  // The whole program first: what loyalty itself adds; then segment bonuses, then each kind of e-mail.
  const free = [PROGRAM_SUBJECT, SEGMENT_BONUS_SUBJECT, ...EXPERIMENT_SUBJECTS].filter((s) => !running.has(s));
  const [v, setV] = useState<{ subject: string; name: string; holdoutPercent: string; windowDays: string; variantSubject: string; variantIntro: string }>({
    subject: free[0] ?? "",
    name: "",
    holdoutPercent: "10",
    windowDays: "30",
    variantSubject: "",
    variantIntro: "",
  });
  // The name follows the e-mail chosen until the merchant writes their own.
  const chosen = wordsFor(v.subject);
  const name = v.name || (chosen ? t(`exp.defaultName${chosen}` as MessageKey) : t("exp.defaultName", { kind: kindName(v.subject) }));
  const problem = (code: ExperimentProblem) => result?.problems.includes(code);
  return (
    <Page title={t("exp.heading")}>
      <BlockStack gap="400">
        <Text as="p" tone="subdued">{t("exp.explain")}</Text>
        {!smtp ? <Banner tone="warning">{t("exp.noSmtp")}</Banner> : null}
        {problem("already-running") ? <Banner tone="critical">{t("exp.problem.already-running")}</Banner> : null}
        {problem("variant-invalid") ? <Banner tone="critical">{t("exp.problem.variant-invalid")}</Banner> : null}
        {free.length === 0 ? <Banner tone="info">{t("exp.allRunning")}</Banner> : null}
        {free.length > 0 ? (
          <Card>
            <Form method="post" id="experiment-start">
              <input type="hidden" name="intent" value="start" />
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">{t("exp.start")}</Text>
                <FormLayout>
                  <Select
                    label={t("exp.subjectLabel")}
                    name="subject"
                    id="experiment-subject"
                    options={free.map((subject) => ({ label: kindName(subject), value: subject }))}
                    value={v.subject}
                    onChange={(subject) => setV({ ...v, subject })}
                    error={problem("subject-invalid") ? t("exp.problem.subject-invalid") : undefined}
                  />
                  <TextField label={t("exp.name")} name="name" value={name} onChange={(typed) => setV({ ...v, name: typed })} autoComplete="off" error={problem("name-missing") ? t("exp.problem.name-missing") : undefined} />
                  <FormLayout.Group>
                    <TextField label={t("exp.holdout")} name="holdoutPercent" type="number" value={v.holdoutPercent} onChange={(holdoutPercent) => setV({ ...v, holdoutPercent })} suffix="%" autoComplete="off" helpText={t(`exp.holdoutHelp${chosen}` as MessageKey)} error={problem("holdout-invalid") ? t("exp.problem.holdout-invalid") : undefined} />
                    <TextField label={t("exp.window")} name="windowDays" type="number" value={v.windowDays} onChange={(windowDays) => setV({ ...v, windowDays })} autoComplete="off" helpText={t(`exp.windowHelp${chosen}` as MessageKey)} error={problem("window-invalid") ? t("exp.problem.window-invalid") : undefined} />
                  </FormLayout.Group>
                  {!chosen ? (
                    <>
                      <TextField label={t("exp.variantSubject")} name="variantSubject" value={v.variantSubject} onChange={(variantSubject) => setV({ ...v, variantSubject })} autoComplete="off" helpText={t("exp.variantHelp")} error={problem("variant-invalid") ? t("exp.problem.variant-invalid") : undefined} />
                      <TextField label={t("exp.variantIntro")} name="variantIntro" value={v.variantIntro} onChange={(variantIntro) => setV({ ...v, variantIntro })} autoComplete="off" multiline={3} />
                    </>
                  ) : null}
                  <Button submit variant="primary" loading={busy}>{t("exp.startButton")}</Button>
                </FormLayout>
              </BlockStack>
            </Form>
          </Card>
        ) : null}
        {reports.length === 0 ? <Card><Text as="p" id="experiments-none">{t("exp.none")}</Text></Card> : null}
        {reports.map((r) => {
          const c = r.comparison;
          const words = wordsFor(r.subject);
          const verdict = !c
            ? t("exp.verdict.empty")
            : c.verdict === "better"
              ? t(`exp.verdict.better${words}` as MessageKey, { low: money(c.revenuePerMember.low), high: money(c.revenuePerMember.high) })
              : c.verdict === "worse"
                ? t(`exp.verdict.worse${words}` as MessageKey)
                : c.moreMembersNeeded === null
                  ? t("exp.verdict.noDifference")
                  : t("exp.verdict.notYet", { more: count(c.moreMembersNeeded) });
          return (
            <Card key={r.id}>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {r.name} <Badge tone={r.status === "running" ? "info" : undefined}>{t(`exp.status.${r.status}` as MessageKey)}</Badge>
                </Text>
                <Text as="p" tone="subdued">
                  {words ? t(`exp.subject${words}` as MessageKey) : t("exp.subject", { kind: kindName(r.subject) })}{" "}
                  {t("exp.summary", { since: date(r.startedAt), holdout: r.holdoutPercent, days: r.windowDays })}
                  {r.stoppedAt ? ` ${t("exp.stoppedAt", { at: date(r.stoppedAt) })}` : ""}
                </Text>
                <DataTable
                  columnContentTypes={["text", "numeric", "numeric", "numeric"]}
                  headings={[t("exp.arm"), t("exp.members"), t("exp.repeatRate"), t("exp.revenuePerMember")]}
                  rows={r.arms.map((a) => [
                    t(`exp.arm.${a.arm}` as MessageKey),
                    count(a.members),
                    a.members ? formatPercent(locale, a.repeaters / a.members) : "–",
                    a.members ? money(a.revenueMinor / a.members) : "–",
                  ])}
                />
                {r.variant ? (
                  <Text as="p" tone="subdued" id={`experiment-${r.id}-variant`}>
                    {t("exp.variantIs", { subject: r.variant.subject ?? t("exp.variantSameSubject"), intro: r.variant.intro ?? "–" })}
                  </Text>
                ) : null}
                {r.variantComparison ? (
                  <Text as="p" id={`experiment-${r.id}-variant-lift`}>
                    {t("exp.liftVariant", liftOf(r.variantComparison))}
                  </Text>
                ) : null}
                {c ? (
                  <Text as="p" id={`experiment-${r.id}-lift`}>
                    {t(`exp.lift${words}` as MessageKey, liftOf(c))}
                  </Text>
                ) : null}
                <Text as="p" fontWeight="semibold" id={`experiment-${r.id}-verdict`}>{verdict}</Text>
                {r.status === "running" ? (
                  <Form method="post">
                    <input type="hidden" name="intent" value="stop" />
                    <input type="hidden" name="id" value={r.id} />
                    <Button submit>{t("exp.stop")}</Button>
                  </Form>
                ) : null}
              </BlockStack>
            </Card>
          );
        })}
      </BlockStack>
    </Page>
  );
}
