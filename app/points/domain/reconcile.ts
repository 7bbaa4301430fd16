/**
 * Turns the stream of order webhooks into ledger entries. Shopify delivers orders/create, orders/updated,
 * orders/cancelled and refunds/create at least once and in any order, so the engine never adds up events:
 * it keeps the newest snapshot of each order, prices it, and posts the difference to what was awarded.
 * Any arrival order of the same snapshots therefore ends with the same points.
 */
import { pointsAdjustmentForOrder, pointsWorthForOrder, type EarningContext, type EarningRules, type PointsWorth } from "./earning";
import { ledgerKeys, type LedgerEntry } from "./ledger";
import { newerSnapshot, snapshotFingerprint, type OrderSnapshot } from "./order-snapshot";
import { addDays } from "./time";

/**
 * The rules and context an order is priced with, fixed when the engine first sees the order, so that a
 * program change (a new rate, a campaign edited afterwards, a tier lost) never re-prices an old order when
 * it is refunded later: the refund takes back exactly what the order earned.
 */
export interface EarningTerms {
  rules: EarningRules;
  context: EarningContext;
  /**
   * When an order the engine first saw unpaid started earning (the snapshot that brought the payment): its
   * pending period counts from here, not from the order's creation. Absent for orders paid when first seen.
   */
  paidAt?: Date;
}

/** What the engine remembers about one order; stored next to the ledger and updated in the same transaction. */
export interface OrderPointsState {
  orderId: string;
  /** The customer the points go to: the first one seen on the order. */
  customerId: string | null;
  newest: OrderSnapshot;
  worth: PointsWorth;
  /** Sum of all entries posted for the order. */
  awarded: number;
  /** Number of entries posted for the order; the next one is `order:<id>:v<postings + 1>`. */
  postings: number;
  terms: EarningTerms;
}

export interface Reconciled {
  state: OrderPointsState;
  /** The entry to append, or null when the order's worth did not change. */
  entry: LedgerEntry | null;
  /**
   * The incoming snapshot has the same updated_at second, cancellation and refund count as the stored one
   * but different content (an edit and another change in the same second): the engine chose by its
   * tie-break, which can be wrong for edits. The caller should read the order from the Admin API and
   * reconcile that snapshot, stamped one millisecond later so that it wins.
   */
  ambiguousTie: boolean;
}

/**
 * Folds one delivered snapshot into the order's state. `rules` and `context` are only read the first time
 * (state null); afterwards the stored terms apply.
 *
 * The caller saves the returned state and appends the entry in one transaction. The entry's key is
 * `order:<id>:v<n>`: a retry of the same delivery computes the same entry and the ledger refuses it as a
 * duplicate; two workers racing from the same state compute the same key and the second is refused with a
 * key conflict, after which it reloads the state and reconciles again.
 */
export function reconcileOrder(state: OrderPointsState | null, incoming: OrderSnapshot, rules: EarningRules, context: EarningContext): Reconciled {
  if (state && state.orderId !== incoming.orderId) throw new Error(`snapshot of order ${incoming.orderId} given to the state of order ${state.orderId}`);
  let terms: EarningTerms = state?.terms ?? { rules, context };
  const newest = state ? newerSnapshot(state.newest, incoming) : incoming;
  const customerId = state?.customerId ?? newest.customerId ?? incoming.customerId;
  const unchanged = state !== null && newest === state.newest && customerId === state.customerId;
  const worth = unchanged ? state.worth : pointsWorthForOrder(newest, terms.rules, terms.context);
  const ambiguousTie =
    state !== null &&
    state.newest.updatedAt.getTime() === incoming.updatedAt.getTime() &&
    state.newest.cancelled === incoming.cancelled &&
    state.newest.refundCount === incoming.refundCount &&
    snapshotFingerprint(state.newest) !== snapshotFingerprint(incoming);
  const awarded = state?.awarded ?? 0;
  const postings = state?.postings ?? 0;
  const next: OrderPointsState = { orderId: incoming.orderId, customerId, newest, worth, awarded, postings, terms };
  // A guest order earns nobody anything; if a customer is attached later, the full worth is posted then.
  const difference = customerId === null ? 0 : pointsAdjustmentForOrder(awarded, worth.points);
  if (difference === 0 || customerId === null) return { state: next, entry: null, ambiguousTie };

  // Points are spendable a pending period after the order was paid. An order seen unpaid (a manual payment
  // method, an authorisation not captured) starts earning with the snapshot that brought its payment.
  if (postings === 0 && difference > 0 && terms.paidAt === undefined && state?.worth.breakdown.nothingEarnedBecause === "awaiting-payment") {
    terms = { ...terms, paidAt: newest.updatedAt };
    next.terms = terms;
  }
  const entry: LedgerEntry = {
    key: ledgerKeys.order(newest.orderId, postings + 1),
    kind: postings === 0 ? "earn" : "adjust-order",
    customerId,
    points: difference,
    at: newest.updatedAt,
    // Every posting for an order shares one pending period, counted from the order's creation (or its payment,
    // above): a refund inside it takes back points that were never spendable, one after it spendable points.
    availableAt: addDays(terms.paidAt ?? newest.createdAt, terms.rules.pendingDays),
    orderId: newest.orderId,
    orderCreatedAt: newest.createdAt,
  };
  return { state: { ...next, awarded: awarded + difference, postings: postings + 1 }, entry, ambiguousTie };
}
