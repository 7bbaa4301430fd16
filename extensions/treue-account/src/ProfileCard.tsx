import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useLoyaltyState } from "../../treue-checkout/src/useLoyaltyState";

// Target: customer-account.profile.block.render: a card on the profile page leading to the rewards page
// (this extension's customer-account.page.render target).
export default async () => {
  render(<ProfileCard />, document.body);
};

type Api = { i18n: { translate(key: string, options?: Record<string, unknown>): string }; sessionToken: { get(): Promise<string> } };
const api = () => (globalThis as unknown as { shopify: Api }).shopify;
const t = (key: string) => String(api().i18n.translate(key));

export function ProfileCard() {
  // Asked first: a customer a test of the whole program holds out sees no card. If the app cannot be reached,
  // the card still leads to the page (which says so).
  const state = useLoyaltyState(() => api().sessionToken.get());
  if (state === "loading" || (state !== "failed" && !state.inProgram)) return null;
  return (
    <s-section heading={t("cardHeading")}>
      <s-link href="extension:treue-account/">{t("cardOpen")}</s-link>
    </s-section>
  );
}
