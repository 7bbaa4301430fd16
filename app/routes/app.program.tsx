// Program settings: every rule the points domain supports, validated by the domain (errors translated by
// their codes), with a live preview of what an order of 57.90 earns.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { resourceTitles } from "~/shopify/resource-titles.server";
import { Banner, BlockStack, Button, Card, FormLayout, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useMemo, useState } from "react";
import { z } from "zod";
import prisma from "~/db.server";
import { formatMinor, parseMinor } from "~/points/domain/money";
import { parseLoyaltyProgram, previewEarning, type LoyaltyProgram, type ProgramError } from "~/points/domain/program";
import { localeFrom, translator, withLocale } from "~/i18n/translate";
import { instantOfWallClock, offsetAt } from "~/shops/domain/zoned";
import { shopTimeZone } from "~/shops/time-zone.server";
import type { MessageKey } from "~/i18n/messages";
import { loadLoyaltyProgram, saveLoyaltyProgram } from "~/points/loyalty-program.server";
import { authenticate } from "~/shopify.server";
import { shopCurrencyOrDefault } from "~/shops/shops.server";
import { publishStorefrontEarning } from "~/storefront/earning-metafield.server";
import { markSetupStep } from "~/setup/setup-guide.server";
import { markCollectionsPending } from "~/points/product-collections.server";

const PREVIEW_MINOR = 5790;

/** The Shopify GID of what a product bonus targets (the program keeps the numeric id). */
const bonusTargetGid = (target: string, id: string) => `gid://shopify/${target === "collection" ? "Collection" : "Product"}/${id}`;

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session, admin } = await authenticate.admin(request);
  const program = await loadLoyaltyProgram(prisma, session.shop);
  // The bonuses keep Shopify's ids; their titles come from Shopify (a page without them still works).
  const ids = program.productBonuses.map((b) => bonusTargetGid(b.target, b.targetId));
  const titles = await resourceTitles(admin.graphql, ids, session.shop);
  return json({
    locale: localeFrom(new URL(request.url).searchParams.get("locale")),
    currency: await shopCurrencyOrDefault(prisma, session.shop),
    // Campaigns start and end on the shop's clock.
    timeZone: await shopTimeZone(prisma, session.shop),
    program: JSON.parse(JSON.stringify(program)) as unknown,
    titles,
  });
};

const body = z.object({ program: z.string().max(200_000) });

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session, admin } = await authenticate.admin(request);
  const form = body.safeParse(Object.fromEntries(await request.formData()));
  let input: unknown;
  try {
    input = form.success ? JSON.parse(form.data.program) : undefined;
  } catch {
    input = undefined;
  }
  // A missing or unreadable form would otherwise validate as "all defaults" and overwrite the program.
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    const errors: ProgramError[] = [{ code: "program.notAnObject", path: [], message: "The form was not sent completely.", params: {} }];
    return json({ ok: false as const, errors }, { status: 400 });
  }
  const result = await saveLoyaltyProgram(prisma, session.shop, input);
  if (!result.ok) return json({ ok: false as const, errors: result.errors }, { status: 422 });
  await markSetupStep(prisma, session.shop, "earning", "app");
  // Collection bonuses need the collections' products from Shopify: the job reads them within a minute.
  await markCollectionsPending(prisma, session.shop, "all");
  // The theme's product and cart blocks read the rules from Shopify: publish them (a failure keeps the save).
  const published = await publishStorefrontEarning(admin.graphql, result.program, await shopCurrencyOrDefault(prisma, session.shop)).then(
    () => true,
    (error: unknown) => (console.error(`[treue] storefront earning rules for ${session.shop}:`, error), false),
  );
  return json({ ok: true as const, errors: [] as ProgramError[], storefrontPublished: published });
};

// --- the form's values: text as typed, turned into the program the domain validates --------------------

type Row = Record<string, string>;
interface Values {
  earnPoints: string;
  earnPer: string;
  minimumOrder: string;
  pointsPerOrder: string;
  pendingDays: string;
  signupBonus: string;
  birthdayBonus: string;
  windowDays: string;
  expiryMode: string;
  expiryMonths: string;
  reminderDays: string;
  productBonuses: Row[];
  campaigns: Row[];
  tiers: Row[];
}

function valuesOf(p: LoyaltyProgram, currency: string, zone: string): Values {
  const expiry = p.expiry as { mode: string; months?: number; reminderDays?: number };
  return {
    earnPoints: String(p.earnRate.points),
    earnPer: String(p.earnRate.perCurrencyUnits),
    minimumOrder: formatMinor(p.minimumOrderMinor, currency),
    pointsPerOrder: String(p.pointsPerOrder),
    pendingDays: String(p.pendingDays),
    signupBonus: String(p.signupBonus),
    birthdayBonus: String(p.birthdayBonus),
    windowDays: String(p.vip.windowDays),
    expiryMode: expiry.mode,
    expiryMonths: String(expiry.months ?? 12),
    reminderDays: String(expiry.reminderDays ?? 14),
    productBonuses: p.productBonuses.map((b) => ({ target: b.target, targetId: b.targetId, pointsPerUnit: String(b.pointsPerUnit) })),
    campaigns: p.campaigns.map((c) => ({
      id: c.id,
      name: c.name,
      startsAt: localInput(c.startsAt, zone),
      endsAt: localInput(c.endsAt, zone),
      kind: c.kind,
      value: String(c.kind === "multiplier" ? c.multiplierPercent : c.bonusPoints),
    })),
    tiers: p.vip.tiers.map((t) => ({ id: t.id, name: t.name, threshold: formatMinor(t.thresholdMinor, currency), multiplierPercent: String(t.multiplierPercent) })),
  };
}

/** An id for a new campaign or tier (kept with it for good; members' tiers name it): one the list has not used. */
function freshId(prefix: string, rows: readonly Row[]): string {
  let n = rows.length + 1;
  while (rows.some((r) => r.id === `${prefix}-${n}`)) n++;
  return `${prefix}-${n}`;
}

/** An instant as the shop's clock shows it, for a datetime-local field ("2026-12-01T09:00"). */
function localInput(iso: string | Date, zone: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return "";
  return new Date(at.getTime() + offsetAt(at, zone)).toISOString().slice(0, 16);
}

/** A datetime-local value read on the shop's clock, as an ISO instant; anything else is passed on as typed (the domain names it). */
function instantOf(local: string, zone: string): string {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(local)) return local;
  return instantOfWallClock(Date.parse(`${local}:00Z`), zone).toISOString();
}

// A field that is not a whole number is passed on as typed, so the domain names the field in its error.
const whole = (s: string) => (/^\s*-?\d+\s*$/.test(s) ? Number(s) : s);
const money = (s: string, currency: string) => parseMinor(s.replace(",", "."), currency) ?? s;

function programInput(v: Values, currency: string, zone: string) {
  return {
    earnRate: { points: whole(v.earnPoints), perCurrencyUnits: whole(v.earnPer) },
    minimumOrderMinor: money(v.minimumOrder, currency),
    pointsPerOrder: whole(v.pointsPerOrder),
    pendingDays: whole(v.pendingDays),
    signupBonus: whole(v.signupBonus),
    birthdayBonus: whole(v.birthdayBonus),
    productBonuses: v.productBonuses.map((b) => ({ target: b.target, targetId: b.targetId, pointsPerUnit: whole(b.pointsPerUnit) })),
    campaigns: v.campaigns.map((c) => ({
      id: c.id,
      name: c.name,
      startsAt: instantOf(c.startsAt, zone),
      endsAt: instantOf(c.endsAt, zone),
      kind: c.kind,
      ...(c.kind === "multiplier" ? { multiplierPercent: whole(c.value) } : { bonusPoints: whole(c.value) }),
    })),
    vip: {
      windowDays: whole(v.windowDays),
      tiers: v.tiers.map((t) => ({ id: t.id, name: t.name, thresholdMinor: money(t.threshold, currency), multiplierPercent: whole(t.multiplierPercent) })),
    },
    expiry: v.expiryMode === "off" ? { mode: "off" } : { mode: v.expiryMode, months: whole(v.expiryMonths), reminderDays: whole(v.reminderDays) },
  };
}

// Which form label names the field at an error's path.
function fieldKey(path: (string | number)[]): MessageKey {
  const [head, , leaf] = path;
  const second = path[1];
  const byPath: Record<string, MessageKey> = {
    "earnRate.points": "program.earnPoints",
    "earnRate.perCurrencyUnits": "program.earnPer",
    minimumOrderMinor: "program.minimumOrder",
    pointsPerOrder: "program.pointsPerOrder",
    pendingDays: "program.pendingDays",
    signupBonus: "program.signupBonus",
    birthdayBonus: "program.birthdayBonus",
    "vip.windowDays": "program.vip.windowDays",
    "expiry.months": "program.expiry.months",
    "expiry.reminderDays": "program.expiry.reminderDays",
    "expiry.mode": "program.expiry.mode",
    "productBonuses.targetId": "program.productBonus.targetId",
    "productBonuses.pointsPerUnit": "program.productBonus.points",
    "productBonuses.target": "program.productBonus.target",
    "campaigns.id": "program.campaign.id",
    "campaigns.name": "program.campaign.name",
    "campaigns.startsAt": "program.campaign.startsAt",
    "campaigns.endsAt": "program.campaign.endsAt",
    "campaigns.kind": "program.campaign.kind",
    "campaigns.multiplierPercent": "program.campaign.multiplier",
    "campaigns.bonusPoints": "program.campaign.bonus",
    "vip.tiers.id": "program.vip.id",
  };
  if (head === "vip" && second === "tiers") {
    const tierLeaf = path[3];
    return ({ id: "program.vip.id", name: "program.vip.name", thresholdMinor: "program.vip.threshold", multiplierPercent: "program.vip.multiplier" } as Record<string, MessageKey>)[String(tierLeaf)] ?? "program.vip";
  }
  if (head === "productBonuses" || head === "campaigns") return byPath[`${head}.${String(leaf)}`] ?? (head === "campaigns" ? "program.campaigns" : "program.productBonuses");
  return byPath[path.join(".")] ?? byPath[String(head)] ?? "program.heading";
}

export default function ProgramSettings() {
  const { locale, currency, program, titles: storedTitles, timeZone } = useLoaderData<typeof loader>();
  const shopify = useAppBridge();
  // Titles of what the merchant picked on this page, beside those of the saved bonuses.
  const [picked, setPicked] = useState<Record<string, string>>({});
  const titleOf = (target: string, id: string) => {
    const gid = bonusTargetGid(target, id);
    return picked[gid] ?? storedTitles[gid] ?? null;
  };
  const pick = async (i: number, target: string) => {
    const selection = await shopify.resourcePicker({ type: target === "collection" ? "collection" : "product", action: "select", multiple: false });
    const chosen = selection?.[0];
    if (!chosen) return;
    const id = /(\d+)$/.exec(chosen.id)?.[1];
    if (!id) return;
    setPicked((old) => ({ ...old, [chosen.id]: chosen.title }));
    setRow("productBonuses", i, "targetId")(id);
  };
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const t = translator(locale);
  const initial = useMemo(() => {
    const parsed = parseLoyaltyProgram(program);
    return valuesOf(parsed.ok ? parsed.program : (program as LoyaltyProgram), currency, timeZone);
  }, [program, currency, timeZone]);
  const [v, setV] = useState<Values>(initial);
  const set = (k: keyof Values) => (value: string) => setV((old) => ({ ...old, [k]: value }));
  const setRow = (list: "productBonuses" | "campaigns" | "tiers", i: number, k: string) => (value: string) =>
    setV((old) => ({ ...old, [list]: old[list].map((r, j) => (j === i ? { ...r, [k]: value } : r)) }));
  const addRow = (list: "productBonuses" | "campaigns" | "tiers", row: Row) => setV((old) => ({ ...old, [list]: [...old[list], row] }));
  const removeRow = (list: "productBonuses" | "campaigns" | "tiers", i: number) => setV((old) => ({ ...old, [list]: old[list].filter((_, j) => j !== i) }));

  const input = programInput(v, currency, timeZone);
  const parsed = parseLoyaltyProgram(input);
  const preview = parsed.ok ? previewEarning(parsed.program, PREVIEW_MINOR, currency) : null;
  const errors = result && !result.ok ? result.errors : [];
  const errorText = (e: ProgramError) => {
    const row = typeof e.path[1] === "number" ? ` #${e.path[1] + 1}` : typeof e.path[2] === "number" ? ` #${e.path[2] + 1}` : "";
    return t(`programError.${e.code}` as MessageKey, { ...e.params, field: t(fieldKey(e.path), { currency, zone: timeZone }) + row });
  };
  const num = (label: MessageKey, k: keyof Values) => (
    <TextField label={t(label, { currency })} value={v[k] as string} onChange={set(k)} autoComplete="off" name={k} />
  );

  return (
    <Page title={t("program.heading")}>
      <Form method="post">
        <input type="hidden" name="program" value={JSON.stringify(input)} />
        <Layout>
          <Layout.Section>
            <BlockStack gap="400">
              {result?.ok ? <Banner tone="success">{t("program.saved")}</Banner> : null}
              {errors.length > 0 ? (
                <Banner tone="critical" title={t("program.invalid")}>
                  <ul id="program-errors">
                    {errors.map((e, i) => (
                      <li key={i}>{errorText(e)}</li>
                    ))}
                  </ul>
                </Banner>
              ) : null}
              {preview ? (
                <Text as="p" id="program-preview" variant="headingMd">
                  {t("program.preview", { amount: preview.amount, currency, count: preview.points })}
                </Text>
              ) : null}
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">{t("program.earning")}</Text>
                  <FormLayout>
                    <FormLayout.Group>
                      {num("program.earnPoints", "earnPoints")}
                      {num("program.earnPer", "earnPer")}
                    </FormLayout.Group>
                    <FormLayout.Group>
                      {num("program.minimumOrder", "minimumOrder")}
                      {num("program.pointsPerOrder", "pointsPerOrder")}
                      {num("program.pendingDays", "pendingDays")}
                    </FormLayout.Group>
                  </FormLayout>
                </BlockStack>
              </Card>
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">{t("program.bonuses")}</Text>
                  <FormLayout.Group>
                    {num("program.signupBonus", "signupBonus")}
                    {num("program.birthdayBonus", "birthdayBonus")}
                  </FormLayout.Group>
                  {/* Referral rewards have one home, the referrals page, where the referral job reads them. */}
                  <Text as="p" tone="subdued" id="referral-rewards-note">
                    {t("program.referralRewardsThere")} <Link to={withLocale("/app/referrals", locale)}>{t("program.referralRewardsLink")}</Link>
                  </Text>
                  <Text as="h3" variant="headingSm">{t("program.productBonuses")}</Text>
                  {v.productBonuses.map((b, i) => (
                    <InlineStack key={i} gap="200" blockAlign="end">
                      <Select label={t("program.productBonus.target")} options={[{ label: t("program.productBonus.product"), value: "product" }, { label: t("program.productBonus.collection"), value: "collection" }]} value={b.target} onChange={setRow("productBonuses", i, "target")} />
                      <BlockStack gap="100">
                        <Button onClick={() => void pick(i, b.target)} id={`bonus-pick-${i}`}>
                          {t(b.target === "collection" ? "program.productBonus.pickCollection" : "program.productBonus.pickProduct")}
                        </Button>
                        <Text as="span" variant="bodySm" tone="subdued" id={`bonus-target-${i}`}>
                          {b.targetId ? (titleOf(b.target, b.targetId) ?? t("program.productBonus.idOnly", { id: b.targetId })) : t("program.productBonus.noneChosen")}
                        </Text>
                      </BlockStack>
                      <TextField label={t("program.productBonus.points")} value={b.pointsPerUnit} onChange={setRow("productBonuses", i, "pointsPerUnit")} autoComplete="off" />
                      <Button onClick={() => removeRow("productBonuses", i)}>{t("program.remove")}</Button>
                    </InlineStack>
                  ))}
                  <InlineStack>
                    <Button id="bonus-add" onClick={() => addRow("productBonuses", { target: "product", targetId: "", pointsPerUnit: "10" })}>{t("program.add")}</Button>
                  </InlineStack>
                </BlockStack>
              </Card>
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">{t("program.campaigns")}</Text>
                  {v.campaigns.map((c, i) => (
                    <InlineStack key={i} gap="200" blockAlign="end" wrap>
                                      <TextField label={t("program.campaign.name")} value={c.name} onChange={setRow("campaigns", i, "name")} autoComplete="off" />
                      <TextField type="datetime-local" label={t("program.campaign.startsAt", { zone: timeZone })} value={c.startsAt} onChange={setRow("campaigns", i, "startsAt")} autoComplete="off" />
                      <TextField type="datetime-local" label={t("program.campaign.endsAt", { zone: timeZone })} value={c.endsAt} onChange={setRow("campaigns", i, "endsAt")} autoComplete="off" />
                      <Select label={t("program.campaign.kind")} options={[{ label: t("program.campaign.multiplier"), value: "multiplier" }, { label: t("program.campaign.bonus"), value: "bonus" }]} value={c.kind} onChange={setRow("campaigns", i, "kind")} />
                      <TextField label={t("program.campaign.value")} value={c.value} onChange={setRow("campaigns", i, "value")} autoComplete="off" />
                      <Button onClick={() => removeRow("campaigns", i)}>{t("program.remove")}</Button>
                    </InlineStack>
                  ))}
                  <InlineStack>
                    <Button onClick={() => addRow("campaigns", { id: freshId("campaign", v.campaigns), name: "", startsAt: "", endsAt: "", kind: "multiplier", value: "200" })}>{t("program.add")}</Button>
                  </InlineStack>
                </BlockStack>
              </Card>
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">{t("program.vip")}</Text>
                  {num("program.vip.windowDays", "windowDays")}
                  {v.tiers.map((tier, i) => (
                    <InlineStack key={i} gap="200" blockAlign="end">
                      <TextField label={t("program.vip.name")} value={tier.name} onChange={setRow("tiers", i, "name")} autoComplete="off" />
                      <TextField label={t("program.vip.threshold", { currency })} value={tier.threshold} onChange={setRow("tiers", i, "threshold")} autoComplete="off" />
                      <TextField label={t("program.vip.multiplier")} value={tier.multiplierPercent} onChange={setRow("tiers", i, "multiplierPercent")} autoComplete="off" />
                      <Button onClick={() => removeRow("tiers", i)}>{t("program.remove")}</Button>
                    </InlineStack>
                  ))}
                  <InlineStack>
                    <Button onClick={() => addRow("tiers", { id: freshId("tier", v.tiers), name: "", threshold: "", multiplierPercent: "100" })}>{t("program.add")}</Button>
                  </InlineStack>
                </BlockStack>
              </Card>
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">{t("program.expiry")}</Text>
                  <Select
                    label={t("program.expiry.mode")}
                    options={[
                      { label: t("program.expiry.off"), value: "off" },
                      { label: t("program.expiry.inactivity"), value: "inactivity" },
                      { label: t("program.expiry.lots"), value: "lots" },
                    ]}
                    value={v.expiryMode}
                    onChange={set("expiryMode")}
                  />
                  {v.expiryMode !== "off" ? (
                    <FormLayout.Group>
                      {num("program.expiry.months", "expiryMonths")}
                      {num("program.expiry.reminderDays", "reminderDays")}
                    </FormLayout.Group>
                  ) : null}
                </BlockStack>
              </Card>
              <InlineStack align="end">
                <Button submit variant="primary" loading={navigation.state === "submitting"}>
                  {t("program.save")}
                </Button>
              </InlineStack>
            </BlockStack>
          </Layout.Section>
        </Layout>
      </Form>
    </Page>
  );
}
