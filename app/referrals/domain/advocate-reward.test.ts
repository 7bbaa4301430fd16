import { describe, expect, it } from "vitest";
import { advocateRewardStatus, type FriendOrder } from "./advocate-reward";

const at = (iso: string) => new Date(iso);
const placed = at("2026-11-01T10:00:00Z");
const order = (extra: Partial<FriendOrder> = {}): FriendOrder => ({ placedAt: placed, paidAt: placed, cancelledAt: null, fullyRefundedAt: null, ...extra });

describe("when the advocate's reward is due", () => {
  it("a paid order becomes eligible 14 days after it was placed", () => {
    expect(advocateRewardStatus(order(), at("2026-11-05T00:00:00Z"))).toEqual({ status: "pending", eligibleAt: at("2026-11-15T10:00:00Z") });
    expect(advocateRewardStatus(order(), at("2026-11-15T10:00:00Z"))).toEqual({ status: "eligible", eligibleAt: at("2026-11-15T10:00:00Z") });
  });

  it("waits for payment; a payment after the window makes it eligible at payment", () => {
    expect(advocateRewardStatus(order({ paidAt: null }), at("2026-11-20T00:00:00Z"))).toEqual({ status: "waiting-for-payment" });
    const late = at("2026-11-25T08:00:00Z");
    expect(advocateRewardStatus(order({ paidAt: late }), at("2026-11-26T00:00:00Z"))).toEqual({ status: "eligible", eligibleAt: late });
  });

  it("a full refund or a cancellation within the window voids it; one after the window does not", () => {
    expect(advocateRewardStatus(order({ fullyRefundedAt: at("2026-11-14T00:00:00Z") }), at("2026-11-20T00:00:00Z"))).toEqual({ status: "void", reason: "refunded" });
    expect(advocateRewardStatus(order({ cancelledAt: at("2026-11-02T00:00:00Z") }), at("2026-11-03T00:00:00Z"))).toEqual({ status: "void", reason: "cancelled" });
    expect(advocateRewardStatus(order({ fullyRefundedAt: at("2026-11-16T00:00:00Z") }), at("2026-11-20T00:00:00Z"))).toMatchObject({ status: "eligible" });
  });

  it("a refund recorded in the future (clock skew) does not count yet; the window is configurable", () => {
    expect(advocateRewardStatus(order({ fullyRefundedAt: at("2026-11-10T00:00:00Z") }), at("2026-11-05T00:00:00Z"))).toMatchObject({ status: "pending" });
    expect(advocateRewardStatus(order(), at("2026-12-01T10:00:00Z"), 30)).toEqual({ status: "eligible", eligibleAt: at("2026-12-01T10:00:00Z") });
    expect(() => advocateRewardStatus(order(), placed, -1)).toThrow(RangeError);
  });
});
