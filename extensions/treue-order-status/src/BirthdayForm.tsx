// Asks a member without a birthday for one (month and day: the bonus needs no year, so we don't ask for it)
// and stores it with POST /api/loyalty/birthday. On the Order status page and the customer-account rewards page;
// never in the checkout bundle, which stays small.
import "@shopify/ui-extensions/preact";
import { useState } from "preact/hooks";
import { saveBirthday } from "../../treue-checkout/src/loyalty";

type Api = {
  i18n: { translate(key: string, options?: Record<string, unknown>): string; formatDate(date: Date, options?: Intl.DateTimeFormatOptions): string };
  sessionToken: { get(): Promise<string> };
};
const api = () => (globalThis as unknown as { shopify: Api }).shopify;
const t = (key: string, options?: Record<string, unknown>) => api().i18n.translate(key, options);

/** Days in a month of a leap year: 29 February is a birthday (the bonus comes on the 28th in other years). */
export const daysInMonth = (month: number) => new Date(Date.UTC(2000, month, 0)).getUTCDate();

/** "MM-DD" from the two fields, or which field is wrong. */
export function birthdayFrom(month: string, day: string): { birthday: string } | { problem: "month" | "day"; maxDay?: number } {
  const m = Number(month);
  if (!/^\d{1,2}$/.test(month.trim()) || m < 1 || m > 12) return { problem: "month" };
  const d = Number(day);
  const max = daysInMonth(m);
  if (!/^\d{1,2}$/.test(day.trim()) || d < 1 || d > max) return { problem: "day", maxDay: max };
  return { birthday: `${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}` };
}

const MONTHS = Array.from({ length: 12 }, (_, i) => i + 1);
const valueOf = (event: Event) => String((event.currentTarget as { value?: unknown } | null)?.value ?? "");

export function BirthdayForm() {
  const [month, setMonth] = useState("");
  const [day, setDay] = useState("");
  const [problem, setProblem] = useState<{ field: "month" | "day"; maxDay?: number } | null>(null);
  const [outcome, setOutcome] = useState<"saved" | "invalid" | "offline" | "unauthorized" | "unavailable" | null>(null);
  const [busy, setBusy] = useState(false);

  if (outcome === "saved") return <s-banner tone="success">{t("birthdaySaved")}</s-banner>;

  const submit = async () => {
    if (busy) return;
    const checked = birthdayFrom(month, day);
    if ("problem" in checked) {
      setProblem({ field: checked.problem, maxDay: checked.maxDay });
      return;
    }
    setProblem(null);
    setOutcome(null);
    setBusy(true);
    try {
      const saved = await saveBirthday(await api().sessionToken.get(), checked.birthday);
      setOutcome(saved.type === "failed" ? saved.reason : saved.type);
    } catch {
      setOutcome("unavailable");
    } finally {
      setBusy(false);
    }
  };

  const monthName = (m: number) => api().i18n.formatDate(new Date(Date.UTC(2000, m - 1, 1)), { month: "long", timeZone: "UTC" });
  return (
    <s-stack gap="small-200">
      <s-heading>{t("birthdayHeading")}</s-heading>
      <s-text color="subdued">{t("birthdayWhy")}</s-text>
      <s-stack direction="inline" gap="small-200">
        <s-select label={t("birthdayMonth")} placeholder={t("birthdayChooseMonth")} value={month} error={problem?.field === "month" ? t("birthdayMonthMissing") : undefined} onChange={(e: Event) => setMonth(valueOf(e))}>
          {MONTHS.map((m) => (
            <s-option key={m} value={String(m)}>
              {monthName(m)}
            </s-option>
          ))}
        </s-select>
        <s-number-field
          label={t("birthdayDay")}
          min={1}
          max={month ? daysInMonth(Number(month)) : 31}
          value={day}
          error={problem?.field === "day" ? t("birthdayDayInvalid", { max: problem.maxDay ?? 31 }) : undefined}
          onInput={(e: Event) => setDay(valueOf(e))}
          onChange={(e: Event) => setDay(valueOf(e))}
        />
      </s-stack>
      {outcome === "invalid" ? <s-banner tone="critical">{t("birthdayRefused")}</s-banner> : null}
      {outcome && outcome !== "invalid" ? <s-banner tone="critical">{t(outcome === "offline" ? "birthdayOffline" : "birthdayFailed")}</s-banner> : null}
      <s-button variant="secondary" loading={busy} onClick={submit}>
        {t("birthdaySave")}
      </s-button>
    </s-stack>
  );
}
