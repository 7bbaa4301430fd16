import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { estimatePoints, fetchLoyaltyState, newIdempotencyKey, redeemReward, type Failure, type LoyaltyState, type MemberCards, type Reward } from "./loyalty";

// Target: purchase.checkout.reductions.render-after (below the discount code field).
export default async () => {
  render(<Extension />, document.body);
};

type LoadState = { status: "loading" } | { status: "ready"; loyalty: LoyaltyState } | { status: "failed"; reason: Failure };

/** What the buyer last tried, shown under the rewards until the next tap. */
type Notice =
  | { kind: "applied"; code: string; pointsSpent: number }
  | { kind: "credited"; amount: string; pointsSpent: number }
  | { kind: "creditPending" }
  | { kind: "rejected"; code: string }
  | { kind: "insufficient"; message: string }
  | { kind: "failed"; reason: Failure };

const t = (key: string, options?: Record<string, unknown>) => String(shopify.i18n.translate(key, options));
const n = (value: number) => shopify.i18n.formatNumber(value);
const money = (amount: number, currency: string) => shopify.i18n.formatCurrency(amount, { currency });

function useLoyalty(): LoadState {
  const [state, setState] = useState<LoadState>({ status: "loading" });
  useEffect(() => {
    const controller = new AbortController();
    (async () => {
      try {
        const token = await shopify.sessionToken.get();
        const loyalty = await fetchLoyaltyState(token, controller.signal);
        if (!controller.signal.aborted) setState({ status: "ready", loyalty });
      } catch (error) {
        if (controller.signal.aborted) return;
        console.warn("[treue] loyalty points unavailable:", error);
        setState({ status: "failed", reason: (error as { reason?: Failure }).reason ?? "unavailable" });
      }
    })();
    return () => controller.abort();
  }, []);
  return state;
}

function Extension() {
  // Reading `.value` subscribes this component to the signal. Needs protected customer
  // data (level 1) access; without it every buyer looks like a guest here.
  const customerId = shopify.buyerIdentity?.customer?.value?.id;
  return customerId ? <Member key={customerId} /> : <Guest />;
}

/** A logged-out buyer: what this order would earn (when the app tells us the rate) and a nudge to log in. */
function Guest() {
  const state = useLoyalty();
  const subtotal = shopify.cost.subtotalAmount.value;
  const points = state.status === "ready" ? estimatePoints(subtotal, state.loyalty.earnRate) : null;
  return (
    <s-banner heading={t("heading")} tone="info">
      <s-stack gap="small-200">
        {points ? <s-text>{t("guestEarn", { count: points, points: n(points) })}</s-text> : null}
        <s-text>{t("guest")}</s-text>
      </s-stack>
    </s-banner>
  );
}

function Member() {
  const state = useLoyalty();
  if (state.status === "loading") return <s-text color="subdued">{t("loading")}</s-text>;
  if (state.status === "failed") {
    // Non-blocking: a quiet notice, never a critical banner and no buyer-journey block.
    return (
      <s-banner heading={t("heading")} tone="warning">
        <s-text>{t(state.reason === "unauthorized" ? "sessionExpired" : "unavailable")}</s-text>
      </s-banner>
    );
  }
  // A customer a test of the whole program holds out sees no program.
  if (!state.loyalty.inProgram) return null;
  return <Rewards loyalty={state.loyalty} />;
}

function Rewards({ loyalty }: { loyalty: LoyaltyState }) {
  const [balance, setBalance] = useState(loyalty.balance);
  const [busy, setBusy] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  // One key per tap, kept while the outcome is unknown (network failure) so a retry can't spend twice.
  const pendingKey = useRef<{ rewardId: string; key: string } | null>(null);
  const canApply = shopify.instructions?.value?.discounts?.canUpdateDiscountCodes !== false;
  const affordable = loyalty.rewards.filter((r) => r.affordable && r.pointsCost <= balance);

  async function redeem(reward: Reward) {
    if (busy) return;
    setBusy(reward.id);
    setNotice(null);
    if (pendingKey.current?.rewardId !== reward.id) pendingKey.current = { rewardId: reward.id, key: newIdempotencyKey() };
    try {
      const result = await redeemReward(await shopify.sessionToken.get(), reward.id, pendingKey.current.key);
      if (result.type === "failed") {
        // Outcome unknown on "offline": keep the key. The other failures are answers, so the next tap is new.
        if (result.reason !== "offline") pendingKey.current = null;
        setNotice({ kind: "failed", reason: result.reason });
        return;
      }
      pendingKey.current = null;
      if (result.type === "insufficient-points") {
        setNotice({ kind: "insufficient", message: result.message });
        return;
      }
      if (result.type === "credit-pending") {
        setBalance((b) => b - result.pointsSpent);
        setNotice({ kind: "creditPending" });
        return;
      }
      setBalance(result.balance);
      if (result.type === "credited") {
        setNotice({ kind: "credited", amount: money(result.amount, result.currencyCode), pointsSpent: result.pointsSpent });
        return;
      }
      const applied = await shopify.applyDiscountCodeChange({ type: "addDiscountCode", code: result.code });
      setNotice(applied.type === "error" ? { kind: "rejected", code: result.code } : { kind: "applied", code: result.code, pointsSpent: result.pointsSpent });
    } catch (error) {
      console.warn("[treue] redemption failed:", error);
      setNotice({ kind: "failed", reason: "offline" });
    } finally {
      setBusy(null);
    }
  }

  return (
    <s-stack gap="small-300">
      <s-banner heading={t("heading")} tone="success">
        <s-text>{t("balance", { count: balance, balance: n(balance) })}</s-text>
      </s-banner>
      <Cards cards={loyalty.cards} canApply={canApply} />
      {canApply && affordable.length > 0 ? (
        <s-stack gap="small-200">
          {affordable.map((reward) => (
            <s-stack key={reward.id} direction="inline" gap="small-200" alignItems="center" justifyContent="space-between">
              <s-text>{t("rewardLine", { title: reward.title, points: n(reward.pointsCost) })}</s-text>
              <s-button variant="secondary" loading={busy === reward.id} disabled={busy !== null && busy !== reward.id} onClick={() => redeem(reward)}>
                {t("redeem")}
              </s-button>
            </s-stack>
          ))}
        </s-stack>
      ) : loyalty.rewards.length > 0 ? (
        <s-text color="subdued">{t("noAffordable", { points: n(Math.min(...loyalty.rewards.map((r) => r.pointsCost))) })}</s-text>
      ) : null}
      {notice ? <NoticeBanner notice={notice} /> : null}
    </s-stack>
  );
}

function NoticeBanner({ notice }: { notice: Notice }) {
  switch (notice.kind) {
    case "applied":
      return <s-banner tone="success">{t("applied", { code: notice.code, count: notice.pointsSpent, points: n(notice.pointsSpent) })}</s-banner>;
    case "credited":
      return <s-banner tone="success">{t("credited", { amount: notice.amount, count: notice.pointsSpent, points: n(notice.pointsSpent) })}</s-banner>;
    case "creditPending":
      return <s-banner tone="info">{t("creditPending")}</s-banner>;
    case "rejected":
      // The points are spent and the code exists: tell the buyer the code so it isn't lost.
      return <s-banner tone="warning">{t("rejected", { code: notice.code })}</s-banner>;
    case "insufficient":
      return <s-banner tone="warning">{t("insufficient")}</s-banner>;
    case "failed":
      return <s-banner tone="critical">{t(notice.reason === "offline" ? "offline" : notice.reason === "unauthorized" ? "sessionExpired" : "redeemFailed")}</s-banner>;
  }
}

/** The member discount (one tap applies the buyer's own code) and the stamp card's progress. */
function Cards({ cards, canApply }: { cards: MemberCards; canApply: boolean }) {
  const [state, setState] = useState<"idle" | "busy" | "applied" | "rejected">("idle");
  const { discount, stamps } = cards;
  async function apply(code: string) {
    setState("busy");
    try {
      const result = await shopify.applyDiscountCodeChange({ type: "addDiscountCode", code });
      setState(result.type === "error" ? "rejected" : "applied");
    } catch (error) {
      console.warn("[treue] member discount not applied:", error);
      setState("rejected");
    }
  }
  if (!discount && !stamps) return null;
  const left = stamps ? stamps.stampsRequired - stamps.stampsOnCurrentCard : 0;
  return (
    <s-stack gap="small-200">
      {discount ? (
        <s-stack direction="inline" gap="small-200" alignItems="center" justifyContent="space-between">
          <s-text>{t("memberDiscount", { percent: n(discount.percent) })}</s-text>
          {canApply && state !== "applied" ? (
            <s-button variant="secondary" loading={state === "busy"} onClick={() => apply(discount.code)}>
              {t("apply")}
            </s-button>
          ) : null}
        </s-stack>
      ) : null}
      {discount && state === "applied" ? <s-text color="subdued">{t("memberDiscountApplied", { code: discount.code })}</s-text> : null}
      {discount && state === "rejected" ? <s-text color="subdued">{t("memberDiscountRejected", { code: discount.code })}</s-text> : null}
      {stamps ? <s-text>{t("stamps", { count: left, stamps: n(stamps.stampsOnCurrentCard), required: n(stamps.stampsRequired), left: n(left) })}</s-text> : null}
    </s-stack>
  );
}
