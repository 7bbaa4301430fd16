// The stored form of a dashboard summary: what is written is what is read back, for every part.
import { describe, expect, it } from "vitest";
import { buildOrderHistory } from "~/analytics/domain/order-history";
import { SortedValues, summariseHistory, summaryCohorts, summarySegments, summaryTrend } from "~/analytics/domain/dashboard-summary";
import { seededRandom } from "../../tests/support/analytics-simulate";
import { decodeSorted, decodeSummary, encodeSorted, encodeSummary, DASHBOARD_PERIOD_DAYS } from "./dashboard-summary.server";

describe("stored dashboard summaries", () => {
  it("keep sorted spends exactly, duplicates and values beyond 32 bits included", () => {
    const values = SortedValues.of([0, 1, 1, 127, 128, 16_384, 2 ** 31, 2 ** 32 + 5, 2 ** 40, Number.MAX_SAFE_INTEGER]);
    const text = encodeSorted(values);
    expect(Array.from(decodeSorted(text, values.size).toArray())).toEqual(Array.from(values.toArray()));
    expect(() => decodeSorted(text, values.size + 1)).toThrow(/truncated/);
    expect(() => decodeSorted(text, values.size - 1)).toThrow(/longer/);
    expect(() => encodeSorted(SortedValues.of([-1]))).toThrow(/cannot encode/);
  });

  it("read back to the same dashboard", () => {
    const random = seededRandom(3);
    const end = Date.parse("2026-06-30T00:00:00Z");
    const events = Array.from({ length: 2000 }, (_, i) => ({
      orderId: `o${i}`,
      customerId: String(1 + Math.floor(200 * random() ** 2)),
      at: end - Math.floor(random() * 900) * 86_400_000,
      amountMinor: 100 + Math.floor(random() * 9000),
    }));
    const summary = summariseHistory(buildOrderHistory(events), "2026-06-30", DASHBOARD_PERIOD_DAYS);
    const back = decodeSummary(encodeSummary(summary));
    expect(Array.from(back.totals)).toEqual(Array.from(summary.totals));
    expect(back.customers).toBe(summary.customers);
    expect(summaryCohorts(back)).toEqual(summaryCohorts(summary));
    expect(summarySegments(back)).toEqual(summarySegments(summary));
    expect(summaryTrend(back)).toEqual(summaryTrend(summary));
    expect(Array.from(back.segments.spends.toArray())).toEqual(Array.from(summary.segments.spends.toArray()));
    expect(summary.segments.spends.size).toBeGreaterThan(100);
  });
});
