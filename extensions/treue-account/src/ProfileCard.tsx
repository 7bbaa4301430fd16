import "@shopify/ui-extensions/preact";
import { render } from "preact";

// Target: customer-account.profile.block.render: a card on the profile page leading to the rewards page
// (this extension's customer-account.page.render target).
export default async () => {
  render(<ProfileCard />, document.body);
};

type Api = { i18n: { translate(key: string, options?: Record<string, unknown>): string } };
const t = (key: string) => String((globalThis as unknown as { shopify: Api }).shopify.i18n.translate(key));

export function ProfileCard() {
  return (
    <s-section heading={t("cardHeading")}>
      <s-link href="extension:treue-account/">{t("cardOpen")}</s-link>
    </s-section>
  );
}
