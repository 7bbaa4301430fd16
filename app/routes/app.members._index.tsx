// Members: search by email, name or customer id; balance, tier and last order; paginated.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { BlockStack, Button, Card, DataTable, InlineStack, Page, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { z } from "zod";
import prisma from "~/db.server";
import { instantFormatter, localeFrom, translator, withLocale } from "~/i18n/translate";
import { shopTimeZone } from "~/shops/time-zone.server";

import { loadLoyaltyProgram } from "~/points/loyalty-program.server";
import { listMembers } from "~/members/members-directory.server";
import { authenticate } from "~/shopify.server";

const query = z.object({ q: z.string().max(200).optional(), page: z.coerce.number().int().min(1).max(100_000).optional() });

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const url = new URL(request.url);
  const parsed = query.safeParse({ q: url.searchParams.get("q") ?? undefined, page: url.searchParams.get("page") ?? undefined });
  if (!parsed.success) throw json({ error: "q must be at most 200 characters and page a whole number from 1" }, { status: 400 });
  const [result, program] = await Promise.all([listMembers(prisma, session.shop, { query: parsed.data.q, page: parsed.data.page }), loadLoyaltyProgram(prisma, session.shop)]);
  const tierNames = Object.fromEntries(program.vip.tiers.map((t) => [t.id, t.name]));
  return json({ locale: localeFrom(url.searchParams.get("locale")), timeZone: await shopTimeZone(prisma, session.shop), q: parsed.data.q ?? "", ...result, tierNames });
};

export default function Members() {
  const { locale, timeZone, q, page, hasNext, members, tierNames } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const [search, setSearch] = useState(q);
  const t = translator(locale);
  const formatDate = instantFormatter(locale, timeZone);
  const date = (iso: string | null) => (iso ? formatDate(iso) : "—");
  const withParams = (extra: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [k, val] of Object.entries(extra)) next.set(k, val);
    return `?${next}`;
  };
  const hidden = [...params.entries()].filter(([k]) => k !== "q" && k !== "page");
  return (
    <Page title={t("members.heading")}>
      <BlockStack gap="400">
        <Link to={withLocale("/app/members/import", locale)} id="balances-link">{t("balances.link")}</Link>
        <Form method="get">
          {hidden.map(([k, val]) => (
            <input key={k} type="hidden" name={k} value={val} />
          ))}
          <InlineStack gap="200" blockAlign="end">
            <TextField label={t("members.search")} name="q" value={search} onChange={setSearch} autoComplete="off" />
            <Button submit>{t("members.search")}</Button>
          </InlineStack>
        </Form>
        <Card>
          {members.length === 0 ? (
            <Text as="p">{t("members.none")}</Text>
          ) : (
            <DataTable
              columnContentTypes={["text", "numeric", "text", "text"]}
              headings={[t("members.customer"), t("members.balance"), t("members.tier"), t("members.lastOrder")]}
              rows={members.map((m) => [
                <Link key={m.id} to={`/app/members/${m.id}${withParams({})}`}>
                  {m.email ?? m.name ?? `${t("members.customer")} ${m.customerId}`}
                </Link>,
                m.points,
                m.tierId ? (tierNames[m.tierId] ?? "—") : "—",
                date(m.lastOrderAt),
              ])}
            />
          )}
        </Card>
        <InlineStack gap="200">
          {page > 1 ? <Link to={withParams({ page: String(page - 1) })}>{t("common.previous")}</Link> : null}
          {hasNext ? <Link to={withParams({ page: String(page + 1) })}>{t("common.next")}</Link> : null}
        </InlineStack>
      </BlockStack>
    </Page>
  );
}
