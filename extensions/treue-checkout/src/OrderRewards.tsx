// The block shown after a purchase: on the Thank you page (ThankYou.tsx) and, through the
// treue-order-status extension, on the Order status page. Only uses APIs both surfaces share
// (i18n, sessionToken), so one component serves both.
import "@shopify/ui-extensions/preact";
import type { ComponentChildren } from "preact";
import type { LoyaltyState } from "./loyalty";
import { useLoyaltyState } from "./useLoyaltyState";

type Api = { i18n: { translate(key: string, options?: Record<string, unknown>): string; formatNumber(n: number): string }; sessionToken: { get(): Promise<string> } };
const api = () => (globalThis as unknown as { shopify: Api }).shopify;
const t = (key: string, options?: Record<string, unknown>) => api().i18n.translate(key, options);
const n = (value: number) => api().i18n.formatNumber(value);

/** WhatsApp, e-mail and copy, with the text in the buyer's language. */
export function shareLinks(referral: { code: string; url: string }) {
  const message = t("shareMessage", { code: referral.code, url: referral.url });
  return {
    whatsapp: `https://wa.me/?text=${encodeURIComponent(message)}`,
    email: `mailto:?subject=${encodeURIComponent(t("shareSubject"))}&body=${encodeURIComponent(message)}`,
  };
}

/** `more`: what a surface adds below the shared block for a logged-in customer (Order status: the birthday form). */
export function OrderRewards({ orderId, more }: { orderId: string | undefined; more?: (state: LoyaltyState) => ComponentChildren }) {
  const state = useLoyaltyState(() => api().sessionToken.get(), orderId);

  if (state === "loading") return <s-text color="subdued">{t("loading")}</s-text>;
  // After the purchase there is nothing to rescue: a failure simply shows nothing but a short note.
  if (state === "failed") return <s-text color="subdued">{t("unavailableAfterOrder")}</s-text>;
  if (!state.customerId) return <s-text>{t("guestAfterOrder")}</s-text>;
  // A customer a test of the whole program holds out sees no program.
  if (!state.inProgram) return null;

  const earned = state.order?.pointsEarned;
  const referral = state.referral;
  // The stamp card's progress, as at the checkout (this order's stamp counts once its webhook is applied).
  const stamps = state.cards.stamps;
  const stampsLeft = stamps ? stamps.stampsRequired - stamps.stampsOnCurrentCard : 0;
  return (
    <s-section heading={t("heading")}>
      <s-stack gap="base">
        {earned ? (
          <s-text>{t(state.order?.status === "pending" ? "orderEarnsPending" : "orderEarned", { count: earned, points: n(earned) })}</s-text>
        ) : null}
        <s-text>{t("balance", { count: state.balance, balance: n(state.balance) })}</s-text>
        {stamps ? <s-text>{t("stamps", { count: stampsLeft, stamps: n(stamps.stampsOnCurrentCard), required: n(stamps.stampsRequired), left: n(stampsLeft) })}</s-text> : null}
        {referral ? (
          <s-stack gap="small-200">
            <s-heading>{t("referHeading")}</s-heading>
            <s-text>{t("referCode", { code: referral.code })}</s-text>
            <s-text color="subdued">{referral.url}</s-text>
            <s-clipboard-item id="treue-referral-link" text={referral.url} />
            <s-stack direction="inline" gap="small-200">
              <s-button variant="primary" command="--copy" commandFor="treue-referral-link">
                {t("copyLink")}
              </s-button>
              <s-link href={shareLinks(referral).whatsapp} target="_blank">
                {t("shareWhatsApp")}
              </s-link>
              <s-link href={shareLinks(referral).email} target="_blank">
                {t("shareEmail")}
              </s-link>
            </s-stack>
          </s-stack>
        ) : null}
        {more?.(state)}
      </s-stack>
    </s-section>
  );
}
