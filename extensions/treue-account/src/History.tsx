import "@shopify/ui-extensions/preact";
import { useEffect, useState } from "preact/hooks";
import { fetchActivity, type ActivityEntry, type MemberActivity, type TierProgress } from "../../treue-checkout/src/loyalty";

// The member's way to the next VIP tier and their points history (GET /api/loyalty/activity), on the rewards
// page. Loaded after the balance; if it fails the rest of the page still works.

type Api = {
  i18n: {
    translate(key: string, options?: Record<string, unknown>): string;
    formatNumber(n: number, options?: Intl.NumberFormatOptions): string;
    formatCurrency(n: number, options?: { currency?: string }): string;
    formatDate(date: Date, options?: Intl.DateTimeFormatOptions): string;
  };
  sessionToken: { get(): Promise<string> };
};
const api = () => (globalThis as unknown as { shopify: Api }).shopify;
const t = (key: string, options?: Record<string, unknown>) => String(api().i18n.translate(key, options));
const day = (iso: string) => api().i18n.formatDate(new Date(iso), { day: "numeric", month: "short", year: "numeric" });

/** Minor units of `currency` as the customer's locale writes the amount. */
function money(minor: number, currency: string): string {
  const digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return api().i18n.formatCurrency(minor / 10 ** digits, { currency });
}

const LABELS: Record<string, string> = {
  earn: "activityEarn",
  "adjust-order": "activityOrderChanged",
  redeem: "activityRedeem",
  "redeem-reversal": "activityRedeemReturned",
  expire: "activityExpired",
  "expire-reversal": "activityExpiryUndone",
  manual: "activityAdjusted",
  "signup-bonus": "activitySignup",
  "birthday-bonus": "activityBirthday",
  "referral-bonus": "activityReferral",
};

export interface ActivityState {
  activity: MemberActivity | "loading" | "failed";
  more: () => Promise<void>;
  /** Loads the newest page again (after a redemption added a line). */
  reload: () => void;
  loadingMore: boolean;
}

export function useActivity(): ActivityState {
  const [activity, setActivity] = useState<MemberActivity | "loading" | "failed">("loading");
  const [loadingMore, setLoadingMore] = useState(false);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    (async () => {
      try {
        const first = await fetchActivity(await api().sessionToken.get(), undefined, controller.signal);
        if (!controller.signal.aborted) setActivity(first);
      } catch (error) {
        if (controller.signal.aborted) return;
        console.warn("[treue] points history unavailable:", error);
        setActivity("failed");
      }
    })();
    return () => controller.abort();
  }, [generation]);
  const more = async () => {
    if (typeof activity !== "object" || !activity.nextBefore || loadingMore) return;
    setLoadingMore(true);
    try {
      const page = await fetchActivity(await api().sessionToken.get(), activity.nextBefore);
      setActivity({ ...activity, entries: [...activity.entries, ...page.entries], nextBefore: page.nextBefore });
    } catch (error) {
      console.warn("[treue] more points history unavailable:", error);
    } finally {
      setLoadingMore(false);
    }
  };
  return { activity, more, loadingMore, reload: () => setGeneration((g) => g + 1) };
}

export function TierProgressText({ tier }: { tier: TierProgress }) {
  return (
    <s-stack gap="small-100">
      {tier.keep && tier.current && tier.periodEnd ? (
        <s-text>{t("tierKeep", { amount: money(tier.keep.remainingMinor, tier.currency), tier: tier.current, date: day(tier.periodEnd) })}</s-text>
      ) : null}
      {tier.next ? <s-text>{t("tierNext", { amount: money(tier.next.remainingMinor, tier.currency), tier: tier.next.name })}</s-text> : null}
      {!tier.next && tier.current && !tier.keep ? <s-text color="subdued">{t("tierTop")}</s-text> : null}
    </s-stack>
  );
}

function label(entry: ActivityEntry): string {
  if (entry.kind === "redeem" && entry.reward) return t("activityRedeemFor", { reward: entry.reward });
  return t(LABELS[entry.kind] ?? "activityOther");
}

export function History({ activity, more, loadingMore }: ActivityState) {
  if (activity === "loading") return <s-text color="subdued">{t("activityLoading")}</s-text>;
  if (activity === "failed") return <s-text color="subdued">{t("activityUnavailable")}</s-text>;
  return (
    <s-section heading={t("activityHeading")}>
      <s-stack gap="small-200">
        {activity.entries.length === 0 ? <s-text color="subdued">{t("activityNone")}</s-text> : null}
        {activity.entries.map((entry) => (
          <s-stack key={entry.id} direction="inline" gap="small-200" justifyContent="space-between">
            <s-stack gap="none">
              <s-text>{label(entry)}</s-text>
              <s-text color="subdued">
                {entry.pendingUntil ? t("activityOnPending", { date: day(entry.at), until: day(entry.pendingUntil) }) : day(entry.at)}
              </s-text>
            </s-stack>
            <s-text>{t("activityPoints", { count: Math.abs(entry.points), points: `${entry.points < 0 ? "−" : "+"}${api().i18n.formatNumber(Math.abs(entry.points))}` })}</s-text>
          </s-stack>
        ))}
        {activity.nextBefore ? (
          <s-button variant="secondary" loading={loadingMore} onClick={more}>
            {t("activityMore")}
          </s-button>
        ) : null}
      </s-stack>
    </s-section>
  );
}
