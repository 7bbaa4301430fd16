// The setup guide on the admin home: each step with what it is for, a button into the page or Shopify editor
// where it is done, and (for steps done in Shopify's editors, which do not tell the app) "Mark as done". The marks
// go through a fetcher; the page's data reloads after each, so the progress moves without a reload.
import { useFetcher } from "@remix-run/react";
import { Badge, BlockStack, Box, Button, Card, InlineStack, ProgressBar, Text } from "@shopify/polaris";
import type { SetupGuide, SetupStep } from "~/setup/domain/setup-guide";
import { withLocale } from "~/i18n/translate";
import type { Locale, MessageKey } from "~/i18n/messages";

export interface SetupLinks {
  /** In-app paths, or Shopify admin URLs (opened in a new tab). */
  [step: string]: { url: string; external: boolean };
}

export function SetupGuideCard({ guide, links, locale, t }: { guide: SetupGuide; links: SetupLinks; locale: Locale; t: (key: MessageKey, values?: Record<string, string | number>) => string }) {
  const fetcher = useFetcher<{ ok: boolean; error?: string }>();
  const action = withLocale("/app/setup", locale);
  const post = (intent: string, step?: SetupStep) => fetcher.submit({ intent, ...(step ? { step } : {}) }, { method: "post", action });
  if (guide.hidden) {
    return guide.dismissed && guide.done < guide.total ? (
      <InlineStack>
        <Button variant="plain" onClick={() => post("restore")} id="setup-restore">
          {t("setup.restore")}
        </Button>
      </InlineStack>
    ) : null;
  }
  return (
    <Card>
      <div id="setup-guide">
        <BlockStack gap="300">
          <InlineStack align="space-between" blockAlign="center" gap="200">
            <Text as="h2" variant="headingMd">
              {t("setup.heading")}
            </Text>
            <Button variant="plain" onClick={() => post("dismiss")} id="setup-dismiss">
              {t("setup.dismiss")}
            </Button>
          </InlineStack>
          <Text as="p" variant="bodySm" tone="subdued" id="setup-progress">
            {t("setup.progress", { done: guide.done, total: guide.total })}
          </Text>
          <ProgressBar progress={Math.round((100 * guide.done) / guide.total)} size="small" tone="primary" />
          {guide.steps.map((step) => {
            const link = links[step.id];
            // One primary button: the next step to take.
            const next = guide.steps.find((s) => !s.done)?.id === step.id;
            return (
              <Box key={step.id} paddingBlockStart="200" borderBlockStartWidth="025" borderColor="border">
                <div id={`setup-step-${step.id}`} data-done={step.done ? "true" : "false"}>
                  <BlockStack gap="100">
                    <InlineStack gap="200" blockAlign="center">
                      <Text as="h3" variant="headingSm">
                        {t(`setup.step.${step.id}.title` as MessageKey)}
                      </Text>
                      {step.done ? <Badge tone="success">{t("setup.done")}</Badge> : null}
                      {step.optional ? <Badge>{t("setup.optional")}</Badge> : null}
                    </InlineStack>
                    <Text as="p" variant="bodySm" tone="subdued">
                      {t(`setup.step.${step.id}.text` as MessageKey)}
                    </Text>
                    <InlineStack gap="200" blockAlign="center">
                      {link ? (
                        <Button url={link.external ? link.url : withLocale(link.url, locale)} target={link.external ? "_blank" : undefined} variant={next ? "primary" : "secondary"}>
                          {t(`setup.step.${step.id}.action` as MessageKey)}
                        </Button>
                      ) : null}
                      {step.seen ? (
                        <Text as="span" variant="bodySm" tone="subdued">
                          {t("setup.seen")}
                        </Text>
                      ) : step.done ? (
                        <Button variant="plain" onClick={() => post("unmark", step.id)}>
                          {t("setup.markOpen")}
                        </Button>
                      ) : (
                        <Button onClick={() => post("mark", step.id)} id={`setup-mark-${step.id}`}>
                          {t("setup.markDone")}
                        </Button>
                      )}
                    </InlineStack>
                  </BlockStack>
                </div>
              </Box>
            );
          })}
          {fetcher.data && !fetcher.data.ok ? (
            <Text as="p" tone="critical">
              {fetcher.data.error}
            </Text>
          ) : null}
        </BlockStack>
      </div>
    </Card>
  );
}
