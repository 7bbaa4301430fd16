import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { fetchLoyaltyState } from "./loyalty";

// Target: purchase.checkout.reductions.render-after (below the discount code field).
export default async () => {
  render(<Extension />, document.body);
};

type LoadState = { status: "loading" } | { status: "ready"; balance: number } | { status: "unavailable" };

function Extension() {
  const t = shopify.i18n.translate;
  // Reading `.value` subscribes this component to the signal. Needs protected customer
  // data (level 1) access; without it every buyer looks like a guest here.
  const customerId = shopify.buyerIdentity?.customer?.value?.id;

  if (!customerId) {
    return (
      <s-banner heading={t("heading")} tone="info">
        <s-text>{t("guest")}</s-text>
      </s-banner>
    );
  }
  return <PointsBalance key={customerId} />;
}

function PointsBalance() {
  const t = shopify.i18n.translate;
  const [state, setState] = useState<LoadState>({ status: "loading" });

  useEffect(() => {
    const controller = new AbortController();
    (async () => {
      try {
        const token = await shopify.sessionToken.get();
        const loyalty = await fetchLoyaltyState(token, controller.signal);
        if (!controller.signal.aborted) setState({ status: "ready", balance: loyalty.balance });
      } catch (error) {
        if (controller.signal.aborted) return;
        console.warn("[treue] loyalty points unavailable:", error);
        setState({ status: "unavailable" });
      }
    })();
    return () => controller.abort();
  }, []);

  if (state.status === "loading") {
    return (
      <s-stack gap="small-200">
        <s-text color="subdued">{t("loading")}</s-text>
      </s-stack>
    );
  }
  if (state.status === "unavailable") {
    // Non-blocking: a quiet notice, never a critical banner and no buyer-journey block.
    return (
      <s-banner heading={t("heading")} tone="warning">
        <s-text>{t("unavailable")}</s-text>
      </s-banner>
    );
  }
  return (
    <s-banner heading={t("heading")} tone="success">
      <s-text>
        {t("balance", { count: state.balance, balance: shopify.i18n.formatNumber(state.balance) })}
      </s-text>
    </s-banner>
  );
}
