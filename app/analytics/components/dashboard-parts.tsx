// The retention dashboard's building blocks, shared by the admin home (app/routes/app._index.tsx): how a figure
// is written, the card every section sits in, the monthly trend chart and the cohort table. Presentation only.
import { useEffect, useState, type ReactNode } from "react";
import { useSearchParams } from "@remix-run/react";
import { BlockStack, Box, Card, Select, Text } from "@shopify/polaris";
import type { DashboardFigure } from "~/analytics/analytics-dashboard.server";
import { formatCount } from "~/i18n/translate";
import type { Locale, MessageKey } from "~/i18n/messages";

// The figures' periods, as PERIOD_DAYS in analytics-dashboard.server.ts (which the browser bundle cannot import).
export const PERIOD_CHOICES = [30, 90, 365] as const;

/** The period picker of the figure pages: sets `days` in the page's URL, keeping its other parameters. */
export function PeriodSelect({ days, t }: { days: number; t: (key: MessageKey) => string }) {
  const [, setParams] = useSearchParams();
  return (
    <Box minWidth="200px">
      <Select
        label={t("dash.period")}
        labelInline
        value={String(days)}
        options={PERIOD_CHOICES.map((d) => ({ label: t(`dash.period.${d}` as MessageKey), value: String(d) }))}
        onChange={(v) =>
          setParams((p) => {
            p.set("days", v);
            return p;
          })
        }
      />
    </Box>
  );
}

export function formatFigure(locale: Locale, f: DashboardFigure["kind"], value: number | null, currency: string | null, na: string) {
  if (value === null) return na;
  const tag = locale === "de" ? "de-DE" : "en-GB";
  switch (f) {
    case "rate":
      return new Intl.NumberFormat(tag, { style: "percent", maximumFractionDigits: 1 }).format(value);
    case "money":
      return formatMoney(locale, value, currency);
    case "count":
      return formatCount(locale, value);
    default:
      return new Intl.NumberFormat(tag, { maximumFractionDigits: 2 }).format(value);
  }
}

/** A dashboard card: its heading, an optional line saying how to read it, then its content. */
export function Section({ heading, help, children }: { heading: string; help?: ReactNode; children?: ReactNode }) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          {heading}
        </Text>
        {help ? (
          <Text as="p" variant="bodySm" tone="subdued">
            {help}
          </Text>
        ) : null}
        {children}
      </BlockStack>
    </Card>
  );
}

export function formatMoney(locale: Locale, minor: number, currency: string | null) {
  const tag = locale === "de" ? "de-DE" : "en-GB";
  if (!currency) return new Intl.NumberFormat(tag, { maximumFractionDigits: 0 }).format(minor);
  const digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return new Intl.NumberFormat(tag, { style: "currency", currency }).format(minor / 10 ** digits);
}

export type PolarisViz = typeof import("@shopify/polaris-viz");

/**
 * Polaris Viz measures the DOM and throws during server rendering, so it is loaded in the browser
 * only; the box keeps its height meanwhile so the page does not shift when the chart appears.
 */
export function TrendChart({
  series,
  kind = "line",
  id = "trend-chart",
}: {
  series: { name: string; data: { key: string; value: number }[] }[];
  kind?: "line" | "bar";
  id?: string;
}) {
  const [viz, setViz] = useState<PolarisViz | null>(null);
  useEffect(() => {
    let live = true;
    import("@shopify/polaris-viz")
      .then((module) => live && setViz(module))
      .catch((error) => console.error("[treue] chart library:", error));
    return () => {
      live = false;
    };
  }, []);
  return (
    <div style={{ height: 240 }} id={id}>
      {viz ? (
        <viz.PolarisVizProvider>
          {kind === "bar" ? <viz.BarChart data={series} theme="Light" /> : <viz.LineChart data={series} theme="Light" />}
        </viz.PolarisVizProvider>
      ) : null}
    </div>
  );
}

/** Cohort retention: one row per first-order month, the share of its customers ordering again k months later. */
export function CohortTable({
  cohorts,
  locale,
  labels,
}: {
  cohorts: readonly { cohort: string; customers: number; retention: readonly (number | null)[] }[];
  locale: Locale;
  labels: { cohort: string; customers: string };
}) {
  return (
    <div style={{ overflowX: "auto" }}>
      <table style={{ borderCollapse: "collapse", fontSize: 12 }} id="cohorts">
        <thead>
          <tr>
            <th style={{ textAlign: "left", padding: 4 }}>{labels.cohort}</th>
            <th style={{ textAlign: "right", padding: 4 }}>{labels.customers}</th>
            {Array.from({ length: 12 }, (_, k) => (
              <th key={k} style={{ padding: 4 }}>
                +{k + 1}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {cohorts.map((row) => (
            <tr key={row.cohort}>
              <td style={{ padding: 4 }}>{row.cohort}</td>
              <td style={{ padding: 4, textAlign: "right" }}>{formatCount(locale, row.customers)}</td>
              {Array.from({ length: 12 }, (_, k) => {
                const v = row.retention[k];
                return (
                  <td
                    key={k}
                    style={{
                      padding: 4,
                      textAlign: "right",
                      background: v == null ? "transparent" : `rgba(92, 106, 196, ${Math.min(1, 0.08 + v * 2)})`,
                    }}
                  >
                    {v == null ? "" : `${Math.round(v * 100)}%`}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
