import { useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { AppProvider as PolarisAppProvider, Button, Card, FormLayout, Page, Text, TextField } from "@shopify/polaris";
import polarisTranslations from "@shopify/polaris/locales/en.json";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { LoginErrorType } from "@shopify/shopify-app-remix/server";
import { login } from "~/shopify.server";
import { localeFrom, translator } from "~/i18n/translate";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

function errorKey(result: unknown) {
  const shop = (result as { shop?: LoginErrorType } | undefined)?.shop;
  if (shop === LoginErrorType.MissingShop) return "login.missingShop" as const;
  if (shop === LoginErrorType.InvalidShop) return "login.invalidShop" as const;
  return null;
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const locale = localeFrom(new URL(request.url).searchParams.get("locale"));
  return json({ locale, errorKey: errorKey(await login(request)) });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  return json({ errorKey: errorKey(await login(request)) });
};

export default function Auth() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [shop, setShop] = useState("");
  const t = translator(loaderData.locale);
  const key = actionData?.errorKey ?? loaderData.errorKey;
  return (
    <PolarisAppProvider i18n={polarisTranslations}>
      <Page>
        <Card>
          <Form method="post">
            <FormLayout>
              <Text variant="headingMd" as="h2">
                {t("login.heading")}
              </Text>
              <TextField
                type="text"
                name="shop"
                label={t("login.shopDomain")}
                helpText="example.myshopify.com"
                value={shop}
                onChange={setShop}
                autoComplete="on"
                error={key ? t(key) : undefined}
              />
              <Button submit>{t("login.submit")}</Button>
            </FormLayout>
          </Form>
        </Card>
      </Page>
    </PolarisAppProvider>
  );
}
