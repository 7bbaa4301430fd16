// Importing points balances (and tiers) from the loyalty app a merchant is leaving: a CSV of e-mails and points,
// checked first (the columns it was read as, changeable; what would change; every line that can't be imported and
// why), imported only when no line has a problem, and safe to import again (app/members/balance-import.server.ts).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useFetcher, useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, DataTable, InlineGrid, InlineStack, Page, Select, Text } from "@shopify/polaris";
import { useRef, useState } from "react";
import prisma from "~/db.server";
import type { MessageKey } from "~/i18n/messages";
import { formatCount, localeFrom, translator, withLocale } from "~/i18n/translate";
import { applyBalanceImport, MAX_BALANCE_FILE_BYTES, planBalanceImport, type BalancePlan } from "~/members/balance-import.server";
import { markSetupStep } from "~/setup/setup-guide.server";
import type { BalanceMapping } from "~/members/domain/balance-import";
import { authenticate } from "~/shopify.server";

const SHOWN = 100;

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  return json({ locale: localeFrom(new URL(request.url).searchParams.get("locale")) });
};

type Refusal = "noFile" | "tooLarge" | "unknownIntent";

/** The plan as the page shows it: counts, the first lines of each list, nothing that JSON can't carry. */
function shown(plan: BalancePlan) {
  if (!plan.ok) return plan;
  return {
    ok: true as const,
    header: plan.header,
    mapping: plan.mapping,
    lines: plan.lines,
    unchanged: plan.unchanged,
    changeCount: plan.changes.length,
    points: plan.changes.reduce((s, c) => s + (c.to - c.from), 0),
    tiers: plan.changes.filter((c) => c.tierId !== null).length,
    changes: plan.changes.slice(0, SHOWN).map((c) => ({ line: c.line, email: c.email, from: c.from, to: c.to, tierId: c.tierId })),
    problemCount: plan.problems.length,
    problems: plan.problems.slice(0, SHOWN),
  };
}

const column = (value: FormDataEntryValue | null): number | null | undefined => {
  if (value === null || value === "") return undefined; // not chosen: the header's guess
  if (value === "none") return null;
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const locale = localeFrom(new URL(request.url).searchParams.get("locale"));
  const form = await request.formData();
  const file = form.get("file");
  const refuse = (code: Refusal, status: number) => json({ kind: "refused" as const, code }, { status });
  if (!file || typeof file === "string" || file.size === 0) return refuse("noFile", 400);
  if (file.size > MAX_BALANCE_FILE_BYTES) return refuse("tooLarge", 413);
  const text = await file.text();
  const mapping: Partial<BalanceMapping> = {};
  for (const k of ["email", "points", "tier"] as const) {
    const c = column(form.get(k));
    if (c !== undefined && (k === "tier" || c !== null)) (mapping as Record<string, number | null>)[k] = c;
  }
  const intent = form.get("intent");
  if (intent === "preview") {
    const plan = await planBalanceImport(prisma, session.shop, text, mapping);
    return json({ kind: "preview" as const, plan: shown(plan) });
  }
  if (intent === "apply") {
    const t = translator(locale);
    const result = await applyBalanceImport(prisma, session.shop, {
      text,
      mapping,
      reason: t("balances.reason", { file: file.name || "CSV" }),
      staffId: session.onlineAccessInfo?.associated_user?.id ? String(session.onlineAccessInfo.associated_user.id) : null,
    });
    if (!result.ok) return json({ kind: "preview" as const, plan: shown(result.plan) }, { status: 422 });
    await markSetupStep(prisma, session.shop, "balances", "app");
    return json({ kind: "applied" as const, ...result });
  }
  return refuse("unknownIntent", 400);
};

export default function BalanceImportPage() {
  const { locale } = useLoaderData<typeof loader>();
  const t = translator(locale);
  const n = (v: number) => formatCount(locale, v);
  const count = (key: "count.lines" | "count.members" | "count.points" | "count.tiers", v: number) => t(key, { count: v });
  const fetcher = useFetcher<typeof action>();
  const [choice, setChoice] = useState<Record<"email" | "points" | "tier", string>>({ email: "", points: "", tier: "" });
  const formRef = useRef<HTMLFormElement>(null);
  // Both buttons send the whole form (the file and the columns chosen) with what to do.
  const send = (intent: "preview" | "apply") => {
    if (!formRef.current) return;
    const body = new FormData(formRef.current);
    body.set("intent", intent);
    fetcher.submit(body, { method: "post", encType: "multipart/form-data" });
  };
  const busy = fetcher.state === "idle" ? null : fetcher.formData?.get("intent");
  const data = fetcher.data;
  const plan = data?.kind === "preview" ? data.plan : null;
  const ready = plan?.ok && plan.mapping && plan.problemCount === 0 && plan.changeCount > 0;
  const headerOptions = plan?.ok ? plan.header.map((h, i) => ({ label: h || `#${i + 1}`, value: String(i) })) : [];
  const selected = (k: "email" | "points" | "tier") => {
    if (choice[k] !== "") return choice[k];
    const m = plan?.ok ? plan.mapping : null;
    if (!m) return k === "tier" ? "none" : "";
    return m[k] === null ? "none" : String(m[k]);
  };
  return (
    <Page title={t("balances.heading")}>
      <BlockStack gap="400">
        <Link to={withLocale("/app/members", locale)}>{t("member.back")}</Link>
        <Card>
          <form ref={formRef} onSubmit={(e) => { e.preventDefault(); send("preview"); }}>
            <BlockStack gap="300">
              <Text as="p">{t("balances.intro")}</Text>
              <label>
                <Text as="span" variant="bodyMd">{t("balances.file")}</Text>{" "}
                <input type="file" name="file" accept=".csv,text/csv" id="balances-file" onChange={() => setChoice({ email: "", points: "", tier: "" })} />
              </label>
              {plan?.ok ? (
                <InlineGrid columns={{ xs: 1, md: 3 }} gap="300">
                  <Select label={t("balances.column.email")} name="email" options={[{ label: "—", value: "" }, ...headerOptions]} value={selected("email")} onChange={(v) => setChoice((c) => ({ ...c, email: v }))} />
                  <Select label={t("balances.column.points")} name="points" options={[{ label: "—", value: "" }, ...headerOptions]} value={selected("points")} onChange={(v) => setChoice((c) => ({ ...c, points: v }))} />
                  <Select label={t("balances.column.tier")} name="tier" options={[{ label: t("balances.column.none"), value: "none" }, ...headerOptions]} value={selected("tier")} onChange={(v) => setChoice((c) => ({ ...c, tier: v }))} />
                </InlineGrid>
              ) : null}
              <InlineStack gap="200">
                <Button onClick={() => send("preview")} loading={busy === "preview"} id="balances-check">
                  {t("balances.check")}
                </Button>
                <Button onClick={() => send("apply")} variant="primary" disabled={!ready} loading={busy === "apply"} id="balances-apply">
                  {t("balances.apply")}
                </Button>
              </InlineStack>
            </BlockStack>
          </form>
        </Card>
        {data?.kind === "refused" ? <Banner tone="critical">{t(`balances.refused.${data.code}` as MessageKey)}</Banner> : null}
        {data?.kind === "applied" ? (
          <Banner tone="success">
            <span id="balances-done">{t("balances.done", { changed: count("count.members", data.changed), points: count("count.points", data.points), tiers: count("count.tiers", data.tiers), unchanged: count("count.members", data.unchanged) })}</span>
          </Banner>
        ) : null}
        {plan && !plan.ok ? (
          <Banner tone="critical">{plan.error === "empty" ? t("balances.error.empty") : t("balances.error.csv", { line: plan.line, problem: plan.message })}</Banner>
        ) : null}
        {plan?.ok && !plan.mapping ? <Banner tone="warning">{t("balances.error.columns")}</Banner> : null}
        {plan?.ok && plan.mapping ? (
          <Card>
            <BlockStack gap="300">
              <Text as="p" id="balances-summary">
                {t("balances.summary", {
                  lines: count("count.lines", plan.lines),
                  changed: count("count.members", plan.changeCount),
                  points: count("count.points", plan.points),
                  tiers: count("count.tiers", plan.tiers),
                  unchanged: count("count.members", plan.unchanged),
                  problems: count("count.lines", plan.problemCount),
                })}
              </Text>
              {plan.problemCount > 0 ? (
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">{t("balances.problems")}</Text>
                  <DataTable
                    columnContentTypes={["numeric", "text", "text"]}
                    headings={[t("balances.line"), t("balances.problem"), t("balances.value")]}
                    rows={plan.problems.map((p) => [p.line, t(`balances.problem.${p.code}` as MessageKey), p.value])}
                  />
                </BlockStack>
              ) : null}
              {plan.changeCount > 0 ? (
                <DataTable
                  columnContentTypes={["text", "numeric", "numeric", "text"]}
                  headings={[t("balances.col.email"), t("balances.col.from"), t("balances.col.to"), t("balances.col.tier")]}
                  rows={plan.changes.map((c) => [c.email, n(c.from), n(c.to), c.tierId ?? ""])}
                />
              ) : null}
            </BlockStack>
          </Card>
        ) : null}
      </BlockStack>
    </Page>
  );
}
