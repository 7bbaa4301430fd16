import { describe, expect, it } from "vitest";
import { DEFAULT_SEGMENT_THRESHOLDS, lifecycleSegments } from "./lifecycle-segments";
import { buildOrderHistory } from "./order-history";
import {
  segmentFormValues,
  segmentThresholdsFromForm,
  segmentThresholdsFromStored,
  segmentThresholdsKey,
  type SegmentFormValues,
} from "./segment-form";

const form = (over: Partial<SegmentFormValues> = {}): SegmentFormValues => ({
  newWithinDays: "30",
  atRiskAfterDays: "90",
  lostAfterDays: "180",
  vipMinOrders: "5",
  vipSpendRule: "share",
  vipTopPercent: "5",
  vipMinSpend: "",
  ...over,
});

describe("segment rules form", () => {
  it("reads the defaults back as the defaults", () => {
    expect(segmentThresholdsFromForm(segmentFormValues(DEFAULT_SEGMENT_THRESHOLDS, "EUR"), "EUR")).toEqual({ ok: true, thresholds: DEFAULT_SEGMENT_THRESHOLDS });
  });

  it("takes an absolute VIP spend in the shop currency as minor units", () => {
    const r = segmentThresholdsFromForm(form({ vipSpendRule: "amount", vipMinSpend: "1250,5" }), "EUR");
    expect(r).toEqual({ ok: true, thresholds: { ...DEFAULT_SEGMENT_THRESHOLDS, vipMinSpendMinor: 125050 } });
    expect(segmentThresholdsFromForm(form({ vipSpendRule: "amount", vipMinSpend: "5000" }), "JPY")).toMatchObject({ ok: true, thresholds: { vipMinSpendMinor: 5000 } });
    // And back: the form shows the stored amount.
    if (!r.ok) throw new Error("unreachable");
    expect(segmentFormValues(r.thresholds, "EUR")).toMatchObject({ vipSpendRule: "amount", vipMinSpend: "1250.50" });
  });

  it("names every field that is wrong, with its own problem", () => {
    const r = segmentThresholdsFromForm(
      form({ newWithinDays: "0", atRiskAfterDays: "abc", lostAfterDays: "-3", vipMinOrders: "1.5", vipTopPercent: "80" }),
      "EUR",
    );
    expect(r).toEqual({
      ok: false,
      problems: [
        { field: "newWithinDays", code: "new-days" },
        { field: "atRiskAfterDays", code: "at-risk-days" },
        { field: "lostAfterDays", code: "lost-days" },
        { field: "vipMinOrders", code: "vip-orders" },
        { field: "vipTopPercent", code: "vip-percent" },
      ],
    });
  });

  it("refuses a lost threshold that does not come after at risk", () => {
    expect(segmentThresholdsFromForm(form({ atRiskAfterDays: "120", lostAfterDays: "120" }), "EUR")).toEqual({
      ok: false,
      problems: [{ field: "lostAfterDays", code: "lost-before-at-risk" }],
    });
  });

  it("refuses a missing or zero VIP amount and an unknown VIP rule", () => {
    expect(segmentThresholdsFromForm(form({ vipSpendRule: "amount", vipMinSpend: "" }), "EUR")).toMatchObject({ ok: false, problems: [{ field: "vipMinSpend" }] });
    expect(segmentThresholdsFromForm(form({ vipSpendRule: "amount", vipMinSpend: "0" }), "EUR")).toMatchObject({ ok: false, problems: [{ field: "vipMinSpend" }] });
    expect(segmentThresholdsFromForm(form({ vipSpendRule: "both" }), "EUR")).toMatchObject({ ok: false, problems: [{ field: "vipSpendRule" }] });
  });

  it("falls back to the defaults field by field for stored rules it cannot use", () => {
    expect(segmentThresholdsFromStored(null)).toEqual(DEFAULT_SEGMENT_THRESHOLDS);
    expect(segmentThresholdsFromStored({ newWithinDays: 14, lostAfterDays: "x", vipTopShare: 7 })).toEqual({ ...DEFAULT_SEGMENT_THRESHOLDS, newWithinDays: 14 });
    expect(segmentThresholdsFromStored({ atRiskAfterDays: 300, lostAfterDays: 200 })).toEqual(DEFAULT_SEGMENT_THRESHOLDS);
    expect(segmentThresholdsFromStored({ vipMinSpendMinor: 9900 })).toEqual({ ...DEFAULT_SEGMENT_THRESHOLDS, vipMinSpendMinor: 9900 });
  });

  it("gives different rules different cache keys", () => {
    const a = segmentThresholdsKey(DEFAULT_SEGMENT_THRESHOLDS);
    expect(segmentThresholdsKey({ ...DEFAULT_SEGMENT_THRESHOLDS })).toBe(a);
    expect(segmentThresholdsKey({ ...DEFAULT_SEGMENT_THRESHOLDS, lostAfterDays: 181 })).not.toBe(a);
    expect(segmentThresholdsKey({ ...DEFAULT_SEGMENT_THRESHOLDS, vipMinSpendMinor: 1 })).not.toBe(a);
  });

  it("moves customers between segments when the merchant's rules change", () => {
    // c1's last order was 100 days before the day of the report: at risk by default, active with a 120-day
    // rule. Forty bigger spenders keep c1 out of the top 5 %.
    const others = Array.from({ length: 40 }, (_, i) => ({ orderId: `o${i}`, customerId: `c${i + 2}`, at: Date.parse("2026-11-01T10:00:00Z"), amountMinor: 50_000 }));
    const history = buildOrderHistory([
      { orderId: "1", customerId: "c1", at: Date.parse("2026-01-01T10:00:00Z"), amountMinor: 5000 },
      { orderId: "2", customerId: "c1", at: Date.parse("2026-08-15T10:00:00Z"), amountMinor: 5000 },
      ...others,
    ]);
    const asOf = "2026-11-23";
    const c1 = (thresholds = {}) => lifecycleSegments(history, asOf, thresholds).customers.find((c) => c.customerId === "c1")!.segment;
    expect(c1()).toBe("atRisk");
    const r = segmentThresholdsFromForm(form({ atRiskAfterDays: "120" }), "EUR");
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(c1(r.thresholds)).toBe("active");
  });
});
