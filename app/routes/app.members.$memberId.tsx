// One member: balance, ledger history and a staff adjustment with a reason (a new ledger entry).
import { mailsOfMember } from "~/engagement/member-mails.server";
import { feedbackOfMember } from "~/engagement/feedback.server";
import { isHeldOutOfProgram } from "~/engagement/program-test.server";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, DataTable, InlineGrid, InlineStack, Page, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { z } from "zod";
import prisma from "~/db.server";
import type { MessageKey } from "~/i18n/messages";
import { formatCount, formatPercent, instantFormatter, localeFrom, translator } from "~/i18n/translate";
import { shopTimeZone } from "~/shops/time-zone.server";

import { adjustMemberPoints, memberWithLedger } from "~/members/members-directory.server";
import { loadLoyaltyProgram } from "~/points/loyalty-program.server";
import { setMemberBirthday } from "~/members/member-birthday.server";
import { activeStampCard } from "~/rewards/domain/member-cards-form";
import { loadMemberCards, memberDiscountFor, stampStandingFor } from "~/rewards/member-cards.server";
import { authenticate } from "~/shopify.server";
import { customerClv } from "~/analytics/analytics-clv.server";
import { formatMoney } from "~/analytics/components/dashboard-parts";

const memberIdParam = z.string().regex(/^\d{1,18}$/).transform(BigInt);

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const id = memberIdParam.safeParse(params.memberId);
  if (!id.success) throw json({ error: "member id must be a number" }, { status: 400 });
  const detail = await memberWithLedger(prisma, session.shop, id.data);
  if (!detail) throw json({ error: "no such member" }, { status: 404 });
  const program = await loadLoyaltyProgram(prisma, session.shop);
  const tierName = program.vip.tiers.find((t) => t.id === detail.member.tierId)?.name ?? null;
  const card = activeStampCard(await loadMemberCards(prisma, session.shop));
  const standing = card ? await stampStandingFor(prisma, session.shop, detail.member.customerId, card) : null;
  const stamps = standing ? { stamps: standing.stampsOnCurrentCard, required: standing.stampsRequired, rewards: standing.rewardsEarned } : null;
  const discount = await memberDiscountFor(prisma, session.shop, detail.member.customerId);
  // The daily CLV job's forecast for this customer (analytics-clv.server.ts), null until it scored them.
  const forecast = await customerClv(prisma, session.shop, detail.member.customerId);
  const mails = await mailsOfMember(prisma, session.shop, detail.member.customerId);
  const feedback = await feedbackOfMember(prisma, session.shop, detail.member.customerId);
  // Held out of a running test of the whole program: the member sees no program, so staff should know why.
  const heldOut = await isHeldOutOfProgram(prisma, session.shop, detail.member.customerId, new Date());
  return json({
    mails, feedback, heldOut, locale: localeFrom(new URL(request.url).searchParams.get("locale")), timeZone: await shopTimeZone(prisma, session.shop), requestId: crypto.randomUUID(), tierName, stamps, discount, forecast, ...detail });
};

const adjustment = z.object({
  points: z.string().regex(/^\s*-?\d{1,7}\s*$/).transform(Number).refine((n) => n !== 0),
  reason: z.string().trim().min(1).max(500),
  requestId: z.string().uuid(),
});

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const id = memberIdParam.safeParse(params.memberId);
  if (!id.success) return json({ ok: false as const, code: "invalid" as const }, { status: 400 });
  const fields = Object.fromEntries(await request.formData());
  if (fields.intent === "birthday") {
    const result = await setMemberBirthday(prisma, session.shop, id.data, String(fields.birthday ?? ""));
    if (!result.ok) return json({ ok: false as const, code: result.code }, { status: result.code === "invalidBirthday" ? 400 : 404 });
    return json({ ok: true as const, birthday: result.birthday });
  }
  const form = adjustment.safeParse(fields);
  if (!form.success) return json({ ok: false as const, code: "invalid" as const }, { status: 400 });
  const result = await adjustMemberPoints(prisma, session.shop, {
    memberId: id.data,
    ...form.data,
    staffId: session.onlineAccessInfo?.associated_user?.id ? String(session.onlineAccessInfo.associated_user.id) : null,
  });
  if (!result.ok) return json(result, { status: result.code === "memberNotFound" ? 404 : 409 });
  return json(result);
};

export default function MemberPage() {
  const { locale, timeZone, member, balance, entries, requestId, tierName, stamps, discount, forecast, mails, feedback, heldOut } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const [points, setPoints] = useState("");
  const [reason, setReason] = useState("");
  // The birthday as month and day (no year is kept): two choices instead of typing MM-DD.
  const [birthMonth, setBirthMonth] = useState(member.birthday?.slice(0, 2) ?? "");
  const [birthDay, setBirthDay] = useState(member.birthday ? String(Number(member.birthday.slice(3, 5))) : "");
  const birthday = birthMonth && birthDay ? `${birthMonth}-${birthDay.padStart(2, "0")}` : "";
  const birthdayResult = result && "birthday" in result ? result : result && !result.ok && (result.code === "invalidBirthday" || result.code === "redacted") ? result : null;
  const adjustResult = birthdayResult ? null : result;
  const t = translator(locale);
  const date = instantFormatter(locale, timeZone, "dateTime");
  const back = new URLSearchParams(params);
  const name = member.email ?? member.name ?? (member.redacted ? t("members.redacted") : member.customerId);
  return (
    <Page title={t("member.heading", { name })}>
      <BlockStack gap="400">
        <Link to={`/app/members?${back}`}>{t("member.back")}</Link>
        {heldOut ? (
          <Banner tone="info" title={t("member.heldOut")}>
            <Text as="p" id="member-held-out">{t("member.heldOutHelp")}</Text>
          </Banner>
        ) : null}
        <InlineGrid columns={4} gap="400">
          {(
            [
              ["member.balance", balance.balance, "member-balance"],
              ["member.pending", balance.pending, "member-pending"],
              ["member.lifetimeEarned", balance.lifetimeEarned, "member-earned"],
              ["member.lifetimeRedeemed", balance.lifetimeRedeemed, "member-redeemed"],
            ] as const
          ).map(([label, value, id]) => (
            <Card key={id}>
              <Text as="p" tone="subdued">{t(label)}</Text>
              <Text as="p" variant="headingLg" id={id}>{value}</Text>
            </Card>
          ))}
        </InlineGrid>
        <Card>
          <Form method="post">
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">{t("member.adjust")}</Text>
              {adjustResult?.ok && "balance" in adjustResult ? <Banner tone="success">{t("member.adjust.done", { balance: adjustResult.balance })}</Banner> : null}
              {adjustResult && !adjustResult.ok ? (
                <Banner tone="critical">
                  {adjustResult.code === "insufficientPoints" ? t("member.adjust.insufficient", { balance: ("balance" in adjustResult ? adjustResult.balance : 0) ?? 0 }) : t("member.adjust.invalid")}
                </Banner>
              ) : null}
              <input type="hidden" name="requestId" value={requestId} />
              <TextField label={t("member.adjust.points")} name="points" value={points} onChange={setPoints} autoComplete="off" />
              <TextField label={t("member.adjust.reason")} name="reason" value={reason} onChange={setReason} autoComplete="off" />
              <Button submit loading={navigation.state === "submitting"}>{t("member.adjust.submit")}</Button>
            </BlockStack>
          </Form>
        </Card>
        <InlineGrid columns={2} gap="400">
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">{t("member.tier")}</Text>
              <Text as="p" id="member-tier">
                {tierName ? (member.tierPeriodEnd ? t("member.tier.until", { tier: tierName, date: date(member.tierPeriodEnd) }) : tierName) : t("member.tier.none")}
              </Text>
              {discount ? <Text as="p" tone="subdued" id="member-discount">{`${discount.percent} % · ${discount.code}`}</Text> : null}
              <Text as="h2" variant="headingMd">{t("member.stamps")}</Text>
              {stamps ? (
                <BlockStack gap="100">
                  <Text as="p" id="member-stamps">{t("member.stamps.progress", { stamps: stamps.stamps, required: stamps.required })}</Text>
                  <Text as="p" tone="subdued">{t("member.stamps.rewards", { rewards: stamps.rewards })}</Text>
                </BlockStack>
              ) : (
                <Text as="p" tone="subdued">{t("member.stamps.off")}</Text>
              )}
            </BlockStack>
          </Card>
          <Card>
            <Form method="post">
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">{t("member.birthday")}</Text>
                {birthdayResult?.ok ? <Banner tone="success">{t("member.birthday.saved")}</Banner> : null}
                {birthdayResult && !birthdayResult.ok ? <Banner tone="critical">{t("member.birthday.invalid")}</Banner> : null}
                <input type="hidden" name="intent" value="birthday" />
                <input type="hidden" name="birthday" value={birthday} />
                <InlineStack gap="200" wrap={false}>
                  <Select
                    label={t("member.birthday.month")}
                    value={birthMonth}
                    onChange={setBirthMonth}
                    options={[
                      { label: "—", value: "" },
                      ...Array.from({ length: 12 }, (_, i) => ({
                        label: new Intl.DateTimeFormat(locale === "de" ? "de-DE" : "en-GB", { month: "long", timeZone: "UTC" }).format(new Date(Date.UTC(2000, i, 1))),
                        value: String(i + 1).padStart(2, "0"),
                      })),
                    ]}
                  />
                  <Select
                    label={t("member.birthday.day")}
                    value={birthDay}
                    onChange={setBirthDay}
                    options={[{ label: "—", value: "" }, ...Array.from({ length: 31 }, (_, i) => ({ label: String(i + 1), value: String(i + 1) }))]}
                  />
                </InlineStack>
                <Text as="p" variant="bodySm" tone="subdued">
                  {t("member.birthday.field")}
                </Text>
                <Button submit>{t("member.birthday.submit")}</Button>
              </BlockStack>
            </Form>
          </Card>
        </InlineGrid>
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">{t("member.forecast")}</Text>
            {forecast ? (
              <BlockStack gap="200">
                <InlineGrid columns={{ xs: 1, sm: 3 }} gap="300">
                  {(
                    [
                      ["dash.clv.value", formatMoney(locale, forecast.clvMinor, forecast.currency), "member-clv"],
                      ["dash.clv.purchases", formatCount(locale, Math.round(forecast.expectedPurchases * 100) / 100), "member-expected-orders"],
                      ["dash.clv.alive", formatPercent(locale, forecast.probabilityAlive, 0), "member-alive"],
                    ] as const
                  ).map(([label, value, id]) => (
                    <BlockStack key={id} gap="100">
                      <Text as="p" tone="subdued">{t(label)}</Text>
                      <Text as="p" variant="headingMd" id={id}>{value}</Text>
                    </BlockStack>
                  ))}
                </InlineGrid>
                <Text as="p" tone="subdued">{t("member.forecast.asOf", { date: instantFormatter(locale, "UTC")(`${forecast.day}T12:00:00Z`) })}</Text>
              </BlockStack>
            ) : (
              <Text as="p" tone="subdued" id="member-forecast-none">{t("member.forecast.none")}</Text>
            )}
          </BlockStack>
        </Card>
        <Card>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">{t("member.history")}</Text>
            <DataTable
              columnContentTypes={["text", "text", "numeric", "text"]}
              headings={[t("member.when"), t("member.kind"), t("member.points"), t("member.detail")]}
              rows={entries.map((e) => [date(e.at), t(`kind.${e.kind}` as MessageKey), e.points > 0 ? `+${e.points}` : String(e.points), e.reason ?? (e.orderId ? (e.orderName ?? t("member.orderId", { id: e.orderId })) : "")])}
            />
          </BlockStack>
        </Card>
        <Card>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">{t("member.mails")}</Text>
            {mails.length === 0 ? (
              <Text as="p" tone="subdued" id="member-mails-none">{t("member.mails.none")}</Text>
            ) : (
              <DataTable
                columnContentTypes={["text", "text", "text"]}
                headings={[t("member.when"), t("member.mails.subject"), t("member.mails.status")]}
                rows={mails.map((m) => [
                  date(m.at),
                  m.subject ?? t(`mail.kind.${m.kind}` as MessageKey),
                  t(`mail.status.${m.status}` as MessageKey) + (m.status === "suppressed" && m.reason ? ` (${t(`mail.reason.${m.reason}` as MessageKey)})` : ""),
                ])}
              />
            )}
          </BlockStack>
        </Card>
        {feedback.length > 0 ? (
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">{t("member.feedback")}</Text>
              <DataTable
                columnContentTypes={["text", "text", "text", "text"]}
                headings={[t("member.when"), t("member.feedback.order"), t("member.feedback.rating"), t("member.feedback.comment")]}
                rows={feedback.map((f) => [date(f.at), f.orderName || "–", "★".repeat(f.rating) + "☆".repeat(5 - f.rating), f.comment ?? ""])}
              />
            </BlockStack>
          </Card>
        ) : null}
      </BlockStack>
    </Page>
  );
}
