import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useRef, useState } from "preact/hooks";
// The app's client, shared with the checkout blocks; bundled into this extension by the CLI's esbuild.
import { newIdempotencyKey, redeemReward, type LoyaltyState, type Reward } from "../../treue-checkout/src/loyalty";
import { useLoyaltyState } from "../../treue-checkout/src/useLoyaltyState";
import { BirthdayForm } from "../../treue-order-status/src/BirthdayForm";
import { History, TierProgressText, useActivity } from "./History";

// Target: customer-account.page.render: the member's rewards page in the customer account, on every plan.
// Here a redemption can't be applied to a cart: a code is shown to keep, store credit goes to the account.
export default async () => {
  render(<LoyaltyPage />, document.body);
};

type Api = {
  i18n: { translate(key: string, options?: Record<string, unknown>): string; formatNumber(n: number): string; formatCurrency(n: number, options?: { currency?: string }): string };
  sessionToken: { get(): Promise<string> };
};
const api = () => (globalThis as unknown as { shopify: Api }).shopify;
const t = (key: string, options?: Record<string, unknown>) => String(api().i18n.translate(key, options));
const n = (value: number) => api().i18n.formatNumber(value);

/** What the member last tried, shown under the rewards until the next tap. */
export type Outcome =
  | { kind: "code"; code: string }
  | { kind: "credited"; amount: string; pointsSpent: number }
  | { kind: "creditPending" }
  | { kind: "insufficient" }
  | { kind: "failed"; offline: boolean };

export function LoyaltyPage() {
  const state = useLoyaltyState(() => api().sessionToken.get());

  return (
    <s-page heading={t("pageHeading")}>
      {state === "loading" ? (
        <s-text color="subdued">{t("loading")}</s-text>
      ) : state === "failed" ? (
        <s-banner tone="warning">{t("unavailable")}</s-banner>
      ) : !state.inProgram ? (
        // A customer a test of the whole program holds out: no program here (the profile card is hidden too).
        <s-text>{t("notOffered")}</s-text>
      ) : (
        <Member loyalty={state} />
      )}
    </s-page>
  );
}

function Member({ loyalty }: { loyalty: LoyaltyState }) {
  const [balance, setBalance] = useState(loyalty.balance);
  const [busy, setBusy] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const history = useActivity();
  const tier = typeof history.activity === "object" ? history.activity.tier : null;
  // One key per tap, kept while the outcome is unknown (network failure) so a retry can't spend twice.
  const pendingKey = useRef<{ rewardId: string; key: string } | null>(null);
  const affordable = loyalty.rewards.filter((r) => r.pointsCost <= balance);

  async function redeem(reward: Reward) {
    if (busy) return;
    setBusy(reward.id);
    setOutcome(null);
    if (pendingKey.current?.rewardId !== reward.id) pendingKey.current = { rewardId: reward.id, key: newIdempotencyKey() };
    try {
      const result = await redeemReward(await api().sessionToken.get(), reward.id, pendingKey.current.key);
      if (result.type === "failed") {
        if (result.reason !== "offline") pendingKey.current = null;
        setOutcome({ kind: "failed", offline: result.reason === "offline" });
        return;
      }
      pendingKey.current = null;
      if (result.type === "insufficient-points") return setOutcome({ kind: "insufficient" });
      // The redemption is a new line in the history.
      history.reload();
      if (result.type === "credit-pending") {
        setBalance((b) => b - result.pointsSpent);
        return setOutcome({ kind: "creditPending" });
      }
      setBalance(result.balance);
      if (result.type === "credited") {
        return setOutcome({ kind: "credited", amount: api().i18n.formatCurrency(result.amount, { currency: result.currencyCode }), pointsSpent: result.pointsSpent });
      }
      setOutcome({ kind: "code", code: result.code });
    } finally {
      setBusy(null);
    }
  }

  return (
    <s-stack gap="base">
      <s-section>
        <s-stack gap="small-200">
          <s-heading>{t("balance", { count: balance, balance: n(balance) })}</s-heading>
          {loyalty.pending > 0 ? <s-text color="subdued">{t("pending", { count: loyalty.pending, points: n(loyalty.pending) })}</s-text> : null}
          {loyalty.tier ? <s-text>{t("tier", { tier: loyalty.tier })}</s-text> : null}
          {tier ? <TierProgressText tier={tier} /> : null}
        </s-stack>
      </s-section>
      <s-section heading={t("rewardsHeading")}>
        <s-stack gap="small-200">
          {loyalty.rewards.length === 0 ? <s-text>{t("noRewards")}</s-text> : null}
          {affordable.map((reward) => (
            <s-stack key={reward.id} direction="inline" gap="small-200" alignItems="center" justifyContent="space-between">
              <s-text>{t("rewardLine", { title: reward.title, points: n(reward.pointsCost) })}</s-text>
              <s-button variant="secondary" loading={busy === reward.id} disabled={busy !== null && busy !== reward.id} onClick={() => redeem(reward)}>
                {t("redeem")}
              </s-button>
            </s-stack>
          ))}
          {loyalty.rewards.length > 0 && affordable.length === 0 ? (
            <s-text color="subdued">{t("rewardsStartAt", { points: n(Math.min(...loyalty.rewards.map((r) => r.pointsCost))) })}</s-text>
          ) : null}
          {outcome ? <OutcomeBanner outcome={outcome} /> : null}
        </s-stack>
      </s-section>
      {loyalty.referral ? (
        <s-section heading={t("referHeading")}>
          <s-stack gap="small-200">
            <s-text>{t("referCode", { code: loyalty.referral.code })}</s-text>
            <s-link href={loyalty.referral.url} target="_blank">{t("referLink")}</s-link>
          </s-stack>
        </s-section>
      ) : null}
      <History {...history} />
      {loyalty.birthday ? (
        <s-text color="subdued">{t("birthday", { birthday: loyalty.birthday })}</s-text>
      ) : loyalty.customerId ? (
        <s-section>
          <BirthdayForm />
        </s-section>
      ) : null}
    </s-stack>
  );
}

function OutcomeBanner({ outcome }: { outcome: Outcome }) {
  switch (outcome.kind) {
    case "code":
      return <s-banner tone="success">{t("code", { code: outcome.code })}</s-banner>;
    case "credited":
      return <s-banner tone="success">{t("credited", { amount: outcome.amount, count: outcome.pointsSpent, points: n(outcome.pointsSpent) })}</s-banner>;
    case "creditPending":
      return <s-banner tone="info">{t("creditPending")}</s-banner>;
    case "insufficient":
      return <s-banner tone="warning">{t("insufficient")}</s-banner>;
    case "failed":
      return <s-banner tone="critical">{t(outcome.offline ? "offline" : "redeemFailed")}</s-banner>;
  }
}
