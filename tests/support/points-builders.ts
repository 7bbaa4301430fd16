/** Small builders for examples in tests: an order snapshot or a ledger entry with only the facts that matter spelled out. */
import type { OrderLine, OrderSnapshot } from "../../app/points/domain/order-snapshot";
import type { LedgerEntry } from "../../app/points/domain/ledger";

export const T0 = new Date("2025-03-01T12:00:00Z");

export function at(iso: string): Date {
  return new Date(iso);
}

export function line(over: Partial<OrderLine> = {}): OrderLine {
  return { lineId: "1", productId: "100", variantId: "1000", currentQuantity: 1, unitPriceMinor: 0, giftCard: false, ...over };
}

/** A paid EUR order for customer "c1" worth `currentSubtotalMinor`, one line of one unit. */
export function orderSnapshot(over: Partial<OrderSnapshot> = {}): OrderSnapshot {
  const subtotal = over.currentSubtotalMinor ?? 5790;
  return {
    orderId: "o1",
    customerId: "c1",
    createdAt: T0,
    updatedAt: T0,
    cancelled: false,
    test: false,
    financialStatus: "paid",
    currency: "EUR",
    currentSubtotalMinor: subtotal,
    lines: [line({ unitPriceMinor: subtotal })],
    refundCount: 0,
    ...over,
  };
}

let sequence = 0;

/** A ledger entry for customer "c1"; positive points default to a bonus lot, negative to a redemption. */
export function entry(points: number, over: Partial<LedgerEntry> = {}): LedgerEntry {
  const when = over.at ?? T0;
  return {
    key: `test:${++sequence}`,
    kind: points >= 0 ? "signup-bonus" : "redeem",
    customerId: "c1",
    points,
    at: when,
    availableAt: when,
    ...over,
  };
}
