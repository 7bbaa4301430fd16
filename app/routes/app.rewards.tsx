// The rewards catalog: list, create, edit, disable/enable. Validation is the domain's (rewardFromForm →
// rewardProblems), its problem codes worded here in English and German next to the field at fault.
import { rewardTitle } from "~/rewards/domain/reward-title";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, Checkbox, DataTable, FormLayout, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { z } from "zod";
import prisma from "~/db.server";
import type { Reward, RewardProblem } from "~/rewards/domain/catalog";
import { REWARD_KINDS, rewardFormValues, rewardFromForm, type RewardFormValues } from "~/rewards/domain/reward-form";
import { localeFrom, translator, withLocale } from "~/i18n/translate";
import type { Locale } from "~/i18n/messages";
import type { MessageKey } from "~/i18n/messages";
import { listRewards, saveReward, setRewardEnabled } from "~/rewards/rewards-catalog.server";
import { markSetupStep } from "~/setup/setup-guide.server";
import { memberCardsFormValues, memberCardsFromForm, type MemberCardsFormValues, type MemberCardsProblem } from "~/rewards/domain/member-cards-form";
import { loadLoyaltyProgram } from "~/points/loyalty-program.server";
import { loadMemberCards, saveMemberCards } from "~/rewards/member-cards.server";
import { authenticate } from "~/shopify.server";
import { shopCurrencyOrDefault } from "~/shops/shops.server";
import { REWARD_SURFACES_QUERY } from "~/rewards/graphql/RewardSurfaces";
import type { RewardSurfacesQuery } from "~/types/admin.generated";
import { runAdminOperation, type AdminGraphql } from "~/shopify/admin-graphql.server";
import { rewardSurfaces, shopAdminUrl, type Surface } from "~/rewards/surfaces";
import { useAppBridge } from "@shopify/app-bridge-react";
import { resourceTitles } from "~/shopify/resource-titles.server";

/** Where members can redeem in this shop; null when Shopify could not be asked (the page works without it). */
async function surfacesOf(graphql: AdminGraphql, shop: string): Promise<(Surface & { adminUrl: string })[] | null> {
  try {
    const data = await runAdminOperation<RewardSurfacesQuery>(graphql, REWARD_SURFACES_QUERY);
    const facts = { shopifyPlus: data.shop.plan.shopifyPlus, newCustomerAccounts: data.shop.customerAccountsV2.customerAccountsVersion === "NEW_CUSTOMER_ACCOUNTS" };
    return rewardSurfaces(facts).map((s) => ({ ...s, adminUrl: shopAdminUrl(shop, s.adminPath) }));
  } catch (error) {
    console.warn(`[treue] rewards page ${shop}: could not read the shop's plan: ${(error as Error).message}`);
    return null;
  }
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session, admin } = await authenticate.admin(request);
  const url = new URL(request.url);
  const locale = localeFrom(url.searchParams.get("locale"));
  const currency = await shopCurrencyOrDefault(prisma, session.shop);
  const rewards = await listRewards(prisma, session.shop, currency);
  const usage = await prisma.redemption.groupBy({ by: ["rewardId", "status"], where: { shop: session.shop }, _count: { _all: true } });
  const count = (id: string, statuses: string[]) => usage.filter((u) => u.rewardId === id && statuses.includes(u.status)).reduce((s, u) => s + u._count._all, 0);
  const editing = url.searchParams.get("reward");
  const edited = editing && editing !== "new" ? (rewards.find((r) => r.reward.id === editing)?.reward ?? null) : null;
  if (editing && editing !== "new" && !edited) throw new Response("No such reward", { status: 404 });
  const tiers = (await loadLoyaltyProgram(prisma, session.shop)).vip.tiers.map((t) => ({ id: t.id, name: t.name }));
  const cards = await loadMemberCards(prisma, session.shop);
  const stampRewardsIssued = await prisma.redemption.count({ where: { shop: session.shop, idempotencyKey: { startsWith: "stamp/" } } });
  const surfaces = await surfacesOf(admin.graphql as unknown as AdminGraphql, session.shop);
  return json({
    surfaces,
    tiers,
    cards: memberCardsFormValues(cards, tiers, currency),
    stampRewardsIssued,
    locale,
    currency,
    rewards: rewards.map((r) => ({
      ...r.reward,
      // An unnamed reward is named in the merchant's language, as shoppers read it in theirs.
      title: rewardTitle(r.reward, locale),
      enabled: r.enabled,
      issued: count(r.reward.id, ["issued", "redeemed"]),
      used: count(r.reward.id, ["redeemed"]),
    })),
    form: editing ? { mode: edited ? ("update" as const) : ("create" as const), values: rewardFormValues(edited, currency) } : null,
    // A free product's variant by its name, not its GID.
    variantTitles: await resourceTitles(
      admin.graphql as unknown as AdminGraphql,
      rewards.flatMap((r) => (r.reward.kind === "free-product" ? [r.reward.productVariantId] : [])),
      session.shop,
    ),
  });
};

const text = z.string().max(1000).default("");
const formBody = z.object({
  intent: z.enum(["save", "disable", "enable"]),
  mode: z.enum(["create", "update"]).default("create"),
  id: text,
  kind: text,
  title: text,
  pointsCost: text,
  amountOff: text,
  percentOff: text,
  maximumShippingPrice: text,
  productVariantId: text,
  credit: text,
  creditExpiresInDays: text,
  minimumSubtotal: text,
  combinesWithProductDiscounts: text,
  combinesWithOrderDiscounts: text,
  combinesWithShippingDiscounts: text,
});

type ActionResult =
  | { ok: true; intent: string }
  | { ok: false; problems: RewardProblem[]; submitted?: { mode: "create" | "update"; values: RewardFormValues } }
  | { ok: false; intent: "cards"; cardProblems: MemberCardsProblem[]; cards: MemberCardsFormValues };

const cardsBody = z.object({
  combinesWithOtherDiscounts: text,
  stampsEnabled: text,
  stampsRequired: text,
  stampRewardId: text,
  stampMinimumSubtotal: text,
  stampStartsOn: text,
});

/** The member cards form: percent per tier (`percent.<tierId>`) and the stamp card. */
async function saveCards(shop: string, fields: Record<string, FormDataEntryValue>) {
  const parsed = cardsBody.safeParse(Object.fromEntries(Object.entries(fields).filter(([, v]) => typeof v === "string")));
  if (!parsed.success) return json({ ok: false, error: "The member cards form could not be read." }, { status: 400 });
  const f = parsed.data;
  const percentByTier: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) if (k.startsWith("percent.") && typeof v === "string") percentByTier[k.slice("percent.".length)] = v.slice(0, 20);
  const yes = (v: string) => v === "on" || v === "true";
  const values: MemberCardsFormValues = { ...f, percentByTier, combinesWithOtherDiscounts: yes(f.combinesWithOtherDiscounts), stampsEnabled: yes(f.stampsEnabled) };
  const currency = await shopCurrencyOrDefault(prisma, shop);
  const result = memberCardsFromForm(values, {
    shopCurrency: currency,
    tiers: (await loadLoyaltyProgram(prisma, shop)).vip.tiers,
    rewardIds: new Set((await listRewards(prisma, shop, currency)).map((r) => r.reward.id)),
    previous: await loadMemberCards(prisma, shop),
    now: new Date(),
  });
  if (!result.ok) return json<ActionResult>({ ok: false, intent: "cards", cardProblems: result.problems, cards: values }, { status: 422 });
  await saveMemberCards(prisma, shop, result.settings);
  return json<ActionResult>({ ok: true, intent: "cards" });
}

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const fields = Object.fromEntries(await request.formData());
  if (fields.intent === "cards") return saveCards(session.shop, fields);
  const parsed = formBody.safeParse(fields);
  if (!parsed.success) return json<ActionResult>({ ok: false, problems: [{ code: "kind-invalid", index: 0, field: "kind" }] }, { status: 400 });
  const f = parsed.data;
  if (f.intent !== "save") {
    const found = await setRewardEnabled(prisma, session.shop, f.id, f.intent === "enable");
    if (found) await markSetupStep(prisma, session.shop, "rewards", "app");
    return json<ActionResult>(found ? { ok: true, intent: f.intent } : { ok: false, problems: [{ code: "id-invalid", index: 0, field: "id" }] }, { status: found ? 200 : 404 });
  }
  const currency = await shopCurrencyOrDefault(prisma, session.shop);
  const taken = new Set((await listRewards(prisma, session.shop, currency)).map((r) => r.reward.id));
  const yes = (v: string) => v === "on" || v === "true";
  const values: RewardFormValues = {
    ...f,
    id: f.mode === "update" ? f.id : "",
    combinesWithProductDiscounts: yes(f.combinesWithProductDiscounts),
    combinesWithOrderDiscounts: yes(f.combinesWithOrderDiscounts),
    combinesWithShippingDiscounts: yes(f.combinesWithShippingDiscounts),
  };
  const result = rewardFromForm(values, currency, taken);
  // The form comes back as typed, next to its errors.
  const submitted = { mode: f.mode, values: { ...values, id: f.id } };
  if (!result.ok) return json<ActionResult>({ ok: false, problems: result.problems, submitted }, { status: 422 });
  const saved = await saveReward(prisma, session.shop, currency, result.reward, f.mode);
  if (!saved.ok) return json<ActionResult>({ ok: false, problems: saved.problems, submitted }, { status: 422 });
  await markSetupStep(prisma, session.shop, "rewards", "app");
  return json<ActionResult>({ ok: true, intent: "save" });
};

type Translate = ReturnType<typeof translator>;

function summary(r: Pick<Reward, "kind"> & Partial<Record<string, unknown>>, t: Translate) {
  return t(`rewards.kind.${r.kind}` as MessageKey);
}

export default function Rewards() {
  const { locale, currency, rewards, form, tiers, cards, stampRewardsIssued, surfaces, variantTitles } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const t = translator(locale);
  const cardResult = result && "intent" in result && result.intent === "cards" ? result : null;
  const rewardResult = cardResult ? null : result;
  const problems = rewardResult && !rewardResult.ok && "problems" in rewardResult ? rewardResult.problems : [];
  const shown = (rewardResult && !rewardResult.ok && "submitted" in rewardResult ? rewardResult.submitted : undefined) ?? form;
  return (
    <Page title={t("rewards.heading")} primaryAction={<Link to={withLocale("?reward=new", locale)}>{t("rewards.new")}</Link>}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Text as="p">{t("rewards.help")}</Text>
            {rewardResult?.ok ? <Banner tone="success">{t("rewards.saved")}</Banner> : null}
            {surfaces ? <Surfaces surfaces={surfaces} t={t} /> : null}
            {shown ? (
              <RewardForm key={`${shown.mode}:${shown.values.id}`} mode={shown.mode} initial={shown.values} currency={currency} problems={problems} t={t} locale={locale} busy={navigation.state === "submitting"} variantTitles={variantTitles} />
            ) : null}
            <Card>
              {rewards.length === 0 ? (
                <Text as="p">{t("rewards.none")}</Text>
              ) : (
                <DataTable
                  columnContentTypes={["text", "text", "numeric", "text", "numeric", "text"]}
                  headings={[t("rewards.col.title"), t("rewards.col.kind"), t("rewards.col.cost"), t("rewards.col.status"), t("rewards.col.issued"), ""]}
                  rows={rewards.map((r) => [
                    <Link key="edit" to={withLocale(`?reward=${encodeURIComponent(r.id)}`, locale)}>
                      {r.title}
                    </Link>,
                    summary(r, t),
                    r.pointsCost,
                    <Badge key="status" tone={r.enabled ? "success" : undefined}>
                      {t(r.enabled ? "rewards.enabled" : "rewards.disabled")}
                    </Badge>,
                    `${r.issued} / ${r.used}`,
                    <Form key="toggle" method="post">
                      <input type="hidden" name="id" value={r.id} />
                      <input type="hidden" name="intent" value={r.enabled ? "disable" : "enable"} />
                      <Button submit>{t(r.enabled ? "rewards.disable" : "rewards.enable")}</Button>
                    </Form>,
                  ])}
                />
              )}
            </Card>
            <MemberCardsForm
              key={JSON.stringify(cardResult && !cardResult.ok ? cardResult.cards : cards)}
              initial={cardResult && !cardResult.ok ? cardResult.cards : cards}
              problems={cardResult && !cardResult.ok ? cardResult.cardProblems : []}
              saved={cardResult?.ok === true}
              tiers={tiers}
              rewards={rewards.map((r) => ({ id: r.id, title: r.title }))}
              currency={currency}
              issued={stampRewardsIssued}
              t={t}
              busy={navigation.state === "submitting"}
            />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

/** Where members redeem in this shop, with what the merchant does for each. */
function Surfaces({ surfaces, t }: { surfaces: (Surface & { adminUrl: string })[]; t: Translate }) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">{t("rewards.surfaces.heading")}</Text>
        {surfaces.map((s) => (
          <InlineStack key={s.id} gap="200" blockAlign="center" wrap>
            <Badge tone={s.available ? "success" : "attention"}>{t(s.available ? "rewards.surfaces.available" : "rewards.surfaces.unavailable")}</Badge>
            <Text as="span" fontWeight="semibold">{t(`rewards.surfaces.${s.id}` as MessageKey)}</Text>
            <Text as="span" tone="subdued">{t(s.blockedBy ? (`rewards.surfaces.blocked.${s.blockedBy}` as MessageKey) : (`rewards.surfaces.how.${s.id}` as MessageKey))}</Text>
            <a href={s.adminUrl} target="_top" rel="noreferrer">{t(s.blockedBy === "needs-plus" ? "rewards.surfaces.learnMore" : "rewards.surfaces.open")}</a>
          </InlineStack>
        ))}
      </BlockStack>
    </Card>
  );
}

function RewardForm(props: { mode: "create" | "update"; initial: RewardFormValues; currency: string; problems: RewardProblem[]; t: Translate; locale: Locale; busy: boolean; variantTitles: Record<string, string> }) {
  const { mode, initial, currency, problems, t, locale, busy, variantTitles } = props;
  const [v, setV] = useState<RewardFormValues>(initial);
  const shopify = useAppBridge();
  const [pickedTitle, setPickedTitle] = useState<string | null>(null);
  // The free product is chosen in Shopify's resource picker; the form keeps the variant's GID.
  const pickVariant = async () => {
    const selection = await shopify.resourcePicker({ type: "variant", action: "select", multiple: false });
    const chosen = selection?.[0];
    if (!chosen) return;
    const named = chosen as { id: string; displayName?: string; title?: string };
    setPickedTitle(named.displayName ?? named.title ?? named.id);
    setV((old) => ({ ...old, productVariantId: chosen.id }));
  };
  const variantName = v.productVariantId ? (pickedTitle ?? variantTitles[String(v.productVariantId)] ?? String(v.productVariantId)) : t("rewards.field.variantNone");
  useEffect(() => setV(initial), [initial]);
  const set = (k: keyof RewardFormValues) => (value: string | boolean) => setV((old) => ({ ...old, [k]: value }));
  const errorOf = (field: string) => {
    const p = problems.find((x) => x.field === field);
    return p ? t(`rewards.problem.${p.code}` as MessageKey, p.params ?? {}) : undefined;
  };
  const field = (k: keyof RewardFormValues, label: MessageKey, helpText?: string) => (
    <TextField label={t(label, { currency })} value={String(v[k])} onChange={set(k)} autoComplete="off" error={errorOf(k)} helpText={helpText} />
  );
  const general = problems.filter((p) => p.field === "id" || p.field === "kind");
  return (
    <Card>
      <Form method="post">
        <input type="hidden" name="intent" value="save" />
        <input type="hidden" name="mode" value={mode} />
        {/* Polaris fields are controlled; the form posts these. */}
        {(Object.keys(v) as (keyof RewardFormValues)[]).map((k) => (
          <input key={k} type="hidden" name={k} value={typeof v[k] === "boolean" ? (v[k] ? "on" : "") : String(v[k])} />
        ))}
        <BlockStack gap="300">
          <Text as="h2" variant="headingMd">{t(mode === "create" ? "rewards.new" : "rewards.edit")}</Text>
          {general.length ? (
            <Banner tone="critical">
              {general.map((p, i) => (
                <p key={i}>{t(`rewards.problem.${p.code}` as MessageKey, p.params ?? {})}</p>
              ))}
            </Banner>
          ) : null}
          <FormLayout>
            <FormLayout.Group>
              {field("title", "rewards.field.title", t("rewards.field.titleHelp"))}
              <Select
                label={t("rewards.field.kind")}
                options={REWARD_KINDS.map((k) => ({ value: k, label: t(`rewards.kind.${k}` as MessageKey) }))}
                value={v.kind}
                onChange={set("kind")}
                disabled={mode === "update"}
              />
              {field("pointsCost", "rewards.field.pointsCost")}
            </FormLayout.Group>
            <FormLayout.Group>
              {v.kind === "fixed-amount-off" ? field("amountOff", "rewards.field.amountOff") : null}
              {v.kind === "percentage-off" ? field("percentOff", "rewards.field.percentOff") : null}
              {v.kind === "free-shipping" ? field("maximumShippingPrice", "rewards.field.maximumShippingPrice") : null}
              {v.kind === "free-product" ? (
                <BlockStack gap="100">
                  <Text as="span">{t("rewards.field.productVariantId")}</Text>
                  <InlineStack gap="200" blockAlign="center">
                    <Button onClick={() => void pickVariant()} id="reward-pick-variant">
                      {t("rewards.field.pickVariant")}
                    </Button>
                    <Text as="span" id="reward-variant" tone={errorOf("productVariantId") ? "critical" : undefined}>
                      {variantName}
                    </Text>
                  </InlineStack>
                  {errorOf("productVariantId") ? <Text as="span" tone="critical">{errorOf("productVariantId")}</Text> : null}
                </BlockStack>
              ) : null}
              {v.kind === "store-credit" ? field("credit", "rewards.field.credit") : null}
              {v.kind === "store-credit" ? field("creditExpiresInDays", "rewards.field.creditExpiresInDays") : null}
              {v.kind !== "store-credit" ? field("minimumSubtotal", "rewards.field.minimumSubtotal") : null}
            </FormLayout.Group>
            {v.kind === "store-credit" ? (
              <Text as="p" tone="subdued">{t("rewards.storeCreditHelp")}</Text>
            ) : (
              <BlockStack gap="100">
                <Text as="p">{t("rewards.field.combinesWith")}</Text>
                <InlineStack gap="400">
                  <Checkbox label={t("rewards.field.productDiscounts")} checked={v.combinesWithProductDiscounts} onChange={set("combinesWithProductDiscounts")} />
                  <Checkbox label={t("rewards.field.orderDiscounts")} checked={v.combinesWithOrderDiscounts} onChange={set("combinesWithOrderDiscounts")} />
                  <Checkbox label={t("rewards.field.shippingDiscounts")} checked={v.combinesWithShippingDiscounts} onChange={set("combinesWithShippingDiscounts")} />
                </InlineStack>
              </BlockStack>
            )}
          </FormLayout>
          <InlineStack gap="200">
            <Button submit variant="primary" loading={busy}>
              {t("rewards.save")}
            </Button>
            <Link to={withLocale(".", locale)}>{t("rewards.cancel")}</Link>
          </InlineStack>
        </BlockStack>
      </Form>
    </Card>
  );
}

function MemberCardsForm(props: {
  initial: MemberCardsFormValues;
  problems: MemberCardsProblem[];
  saved: boolean;
  tiers: { id: string; name: string }[];
  rewards: { id: string; title: string }[];
  currency: string;
  issued: number;
  t: Translate;
  busy: boolean;
}) {
  const { initial, problems, saved, tiers, rewards, currency, issued, t, busy } = props;
  const [v, setV] = useState<MemberCardsFormValues>(initial);
  const set = <K extends keyof MemberCardsFormValues>(k: K) => (value: MemberCardsFormValues[K]) => setV((old) => ({ ...old, [k]: value }));
  const errorOf = (field: string) => {
    const p = problems.find((x) => x.field === field);
    return p ? t(`cards.problem.${p.code}` as MessageKey, p.params ?? {}) : undefined;
  };
  const unknownTiers = problems.filter((p) => p.code === "tier-unknown");
  return (
    <Card>
      <Form method="post">
        <input type="hidden" name="intent" value="cards" />
        {tiers.map((tier) => (
          <input key={tier.id} type="hidden" name={`percent.${tier.id}`} value={v.percentByTier[tier.id] ?? ""} />
        ))}
        <input type="hidden" name="combinesWithOtherDiscounts" value={v.combinesWithOtherDiscounts ? "on" : ""} />
        <input type="hidden" name="stampsEnabled" value={v.stampsEnabled ? "on" : ""} />
        <input type="hidden" name="stampsRequired" value={v.stampsRequired} />
        <input type="hidden" name="stampRewardId" value={v.stampRewardId} />
        <input type="hidden" name="stampMinimumSubtotal" value={v.stampMinimumSubtotal} />
        <input type="hidden" name="stampStartsOn" value={v.stampStartsOn} />
        <BlockStack gap="400">
          <Text as="h2" variant="headingMd">{t("rewards.perks.heading")}</Text>
          <Text as="p">{t("rewards.perks.help")}</Text>
          {saved ? <Banner tone="success">{t("cards.saved")}</Banner> : null}
          {unknownTiers.length ? (
            <Banner tone="critical">
              {unknownTiers.map((p, i) => (
                <p key={i}>{t("cards.problem.tier-unknown", p.params ?? {})}</p>
              ))}
            </Banner>
          ) : null}
          <BlockStack gap="200">
            <Text as="h3" variant="headingSm">{t("rewards.perks.memberDiscount")}</Text>
            <Text as="p" tone="subdued">{t(tiers.length ? "cards.discount.help" : "cards.discount.noTiers")}</Text>
            {tiers.length ? (
              <FormLayout>
                <FormLayout.Group>
                  {tiers.map((tier) => (
                    <TextField
                      key={tier.id}
                      label={t("cards.discount.percentFor", { tier: tier.name })}
                      value={v.percentByTier[tier.id] ?? ""}
                      onChange={(value) => setV((old) => ({ ...old, percentByTier: { ...old.percentByTier, [tier.id]: value } }))}
                      autoComplete="off"
                      suffix="%"
                      error={errorOf(`percent.${tier.id}`)}
                    />
                  ))}
                </FormLayout.Group>
                <Checkbox label={t("cards.discount.combines")} checked={v.combinesWithOtherDiscounts} onChange={set("combinesWithOtherDiscounts")} />
              </FormLayout>
            ) : null}
          </BlockStack>
          <BlockStack gap="200">
            <Text as="h3" variant="headingSm">{t("rewards.perks.stampCard")}</Text>
            <Text as="p" tone="subdued">{t("cards.stamps.help")}</Text>
            <FormLayout>
              <Checkbox label={t("cards.stamps.enabled")} checked={v.stampsEnabled} onChange={set("stampsEnabled")} />
              <FormLayout.Group>
                <TextField label={t("cards.stamps.required")} value={v.stampsRequired} onChange={set("stampsRequired")} autoComplete="off" error={errorOf("stampsRequired")} />
                <Select
                  label={t("cards.stamps.reward")}
                  options={[{ value: "", label: t("cards.stamps.chooseReward") }, ...rewards.map((r) => ({ value: r.id, label: r.title }))]}
                  value={v.stampRewardId}
                  onChange={set("stampRewardId")}
                  error={errorOf("stampRewardId")}
                />
              </FormLayout.Group>
              <FormLayout.Group>
                <TextField label={t("cards.stamps.minimumSubtotal", { currency })} value={v.stampMinimumSubtotal} onChange={set("stampMinimumSubtotal")} autoComplete="off" error={errorOf("stampMinimumSubtotal")} />
                <TextField type="date" label={t("cards.stamps.startsOn")} value={v.stampStartsOn} onChange={set("stampStartsOn")} autoComplete="off" error={errorOf("stampStartsOn")} />
              </FormLayout.Group>
            </FormLayout>
            <Text as="p" tone="subdued">{t("cards.stamps.issued", { count: issued })}</Text>
          </BlockStack>
          <InlineStack>
            <Button submit variant="primary" loading={busy}>
              {t("cards.save")}
            </Button>
          </InlineStack>
        </BlockStack>
      </Form>
    </Card>
  );
}
