/**
 * A shop's order history laid out for fast reports: ids interned once, orders and their events in typed arrays
 * (counting sort, no comparison sort), customers' orders grouped. `buildOrderHistory` builds it from order events;
 * `orderHistoryFromColumns` and `orderHistoryFromGroupedEvents` from integer ids without interning (the database
 * paths). Every figure in retention-metrics.ts and the other reports is then a pass over these arrays.
 */
import { toEpochMs, type Instant } from "./time";

export interface OrderEvent {
  orderId: string;
  customerId: string | null;
  at: Instant;
  /** Integer minor units; negative for a refund. */
  amountMinor: number;
}

export interface OrderHistory {
  /** Customer index → id. */
  readonly customerIds: readonly string[];
  readonly customerIndex: ReadonlyMap<string, number>;
  readonly orderCount: number;
  /** Order → customer index, −1 for guest orders. */
  readonly orderCustomer: Int32Array;
  /** Order → placement time (epoch ms), NaN when only refunds of the order are known. */
  readonly orderPlacedAt: Float64Array;
  /** Events of order o are eventAt/eventAmount[orderEventStart[o] .. orderEventStart[o+1]). */
  readonly orderEventStart: Int32Array;
  readonly eventAt: Float64Array;
  readonly eventAmount: Float64Array;
  /** Orders of customer c are customerOrders[customerOrderStart[c] .. customerOrderStart[c+1]). */
  readonly customerOrderStart: Int32Array;
  readonly customerOrders: Int32Array;
}

export class OrderHistoryError extends Error {
  constructor(
    readonly eventIndex: number,
    problem: string,
  ) {
    super(`order event ${eventIndex}: ${problem}`);
    this.name = "OrderHistoryError";
  }
}

/**
 * Order events already reduced to dense integer ids, e.g. straight from a database query. This is
 * the fast way in: no string interning, just two counting sorts.
 */
export interface OrderEventColumns {
  /** Event → dense order index in [0, orderCount). */
  orderIndex: Int32Array;
  /** Event → dense customer index in [0, customerIds.length), −1 for a guest. */
  customerIndex: Int32Array;
  /** Event → epoch milliseconds (UTC). */
  at: Float64Array;
  /** Event → integer minor units. */
  amountMinor: Float64Array;
  orderCount: number;
  customerIds: readonly string[];
  /** Optional order ids, only used in error messages. */
  orderIds?: readonly string[];
}

/**
 * Interns the string ids and hands over to `orderHistoryFromColumns`. Interning a million distinct
 * order ids is most of the cost of this function (hash-map inserts); callers that already have
 * integer ids should build the columns themselves.
 */
export function buildOrderHistory(events: readonly OrderEvent[]): OrderHistory {
  const n = events.length;
  const orderIndexById = new Map<string, number>();
  const customerIndexById = new Map<string, number>();
  const customerIds: string[] = [];
  const orderIds: string[] = [];
  const orderIndex = new Int32Array(n);
  const customerIndex = new Int32Array(n);
  const at = new Float64Array(n);
  const amountMinor = new Float64Array(n);
  let lastOrderId = "";
  let lastOrder = -1;
  for (let i = 0; i < n; i++) {
    const e = events[i];
    const orderId = e.orderId;
    if (typeof orderId !== "string" || orderId === "") throw new OrderHistoryError(i, "orderId is missing");
    const ms = toEpochMs(e.at);
    if (Number.isNaN(ms)) throw new OrderHistoryError(i, `invalid time ${String(e.at)}`);
    const amt = e.amountMinor;
    if (!Number.isSafeInteger(amt)) throw new OrderHistoryError(i, `amountMinor must be an integer (minor units), got ${amt}`);
    // Exports usually list an order's rows together; skip the hash lookup for those.
    let o = orderId === lastOrderId ? lastOrder : orderIndexById.get(orderId);
    if (o === undefined) {
      o = orderIds.length;
      orderIds.push(orderId);
      orderIndexById.set(orderId, o);
    }
    lastOrderId = orderId;
    lastOrder = o;
    const id = e.customerId;
    let c = -1;
    if (id !== null && id !== undefined && id !== "") {
      const known = customerIndexById.get(id);
      if (known === undefined) {
        c = customerIds.length;
        customerIds.push(id);
        customerIndexById.set(id, c);
      } else {
        c = known;
      }
    }
    orderIndex[i] = o;
    customerIndex[i] = c;
    at[i] = ms;
    amountMinor[i] = amt;
  }
  return orderHistoryFromColumns(
    { orderIndex, customerIndex, at, amountMinor, orderCount: orderIds.length, customerIds, orderIds },
    customerIndexById,
  );
}

export function orderHistoryFromColumns(
  columns: OrderEventColumns,
  customerIndexById?: ReadonlyMap<string, number>,
): OrderHistory {
  const { orderIndex, customerIndex, at, amountMinor, orderCount: orders, customerIds } = columns;
  const n = orderIndex.length;
  if (customerIndex.length !== n || at.length !== n || amountMinor.length !== n) {
    throw new RangeError("orderHistoryFromColumns: all event columns must have the same length");
  }
  const orderCustomer = new Int32Array(orders).fill(-1);
  const orderPlacedAt = new Float64Array(orders).fill(Number.NaN);
  const orderEventStart = new Int32Array(orders + 1);
  const customers = customerIds.length;
  for (let i = 0; i < n; i++) {
    const o = orderIndex[i];
    if (!(o >= 0 && o < orders)) throw new OrderHistoryError(i, `order index ${o} is out of range`);
    const c = customerIndex[i];
    if (!(c >= -1 && c < customers)) throw new OrderHistoryError(i, `customer index ${c} is out of range`);
    if (Number.isNaN(at[i])) throw new OrderHistoryError(i, "invalid time");
    if (!Number.isSafeInteger(amountMinor[i])) throw new OrderHistoryError(i, `amountMinor must be an integer, got ${amountMinor[i]}`);
    if (c >= 0) {
      const current = orderCustomer[o];
      if (current === -1) orderCustomer[o] = c;
      else if (current !== c) {
        const name = columns.orderIds?.[o] ?? `#${o}`;
        throw new OrderHistoryError(i, `order ${name} has events for two customers (${customerIds[current]} and ${customerIds[c]})`);
      }
    }
    if (amountMinor[i] >= 0 && !(orderPlacedAt[o] <= at[i])) orderPlacedAt[o] = at[i]; // NaN-safe min
    orderEventStart[o + 1]++;
  }

  // Group events by order with a counting sort: stable and linear.
  for (let o = 0; o < orders; o++) orderEventStart[o + 1] += orderEventStart[o];
  const cursor = orderEventStart.slice(0, orders);
  const eventAt = new Float64Array(n);
  const eventAmount = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const slot = cursor[orderIndex[i]]++;
    eventAt[slot] = at[i];
    eventAmount[slot] = amountMinor[i];
  }

  const customerOrderStart = new Int32Array(customers + 1);
  for (let o = 0; o < orders; o++) if (orderCustomer[o] >= 0) customerOrderStart[orderCustomer[o] + 1]++;
  for (let c = 0; c < customers; c++) customerOrderStart[c + 1] += customerOrderStart[c];
  const customerOrders = new Int32Array(customerOrderStart[customers]);
  const ccursor = customerOrderStart.slice(0, customers);
  for (let o = 0; o < orders; o++) {
    const c = orderCustomer[o];
    if (c >= 0) customerOrders[ccursor[c]++] = o;
  }

  // Built on first use only: interning 250 k ids costs more than the rest of this function, and
  // only the member/referral helpers need it.
  let index = customerIndexById;
  return {
    customerIds,
    get customerIndex(): ReadonlyMap<string, number> {
      if (index === undefined) {
        const m = new Map<string, number>();
        customerIds.forEach((id, i) => m.set(id, i));
        index = m;
      }
      return index;
    },
    orderCount: orders,
    orderCustomer,
    orderPlacedAt,
    orderEventStart,
    eventAt,
    eventAmount,
    customerOrderStart,
    customerOrders,
  };
}

/**
 * Events already grouped by customer and order (a customer's orders are contiguous, an order's events
 * are contiguous), e.g. from per-customer rollups. Builds the same history as `orderHistoryFromColumns`
 * would from those events, without sorting. Guests are not part of such input.
 */
export interface GroupedOrderEvents {
  customerIds: readonly string[];
  /** Orders of customer c are [customerOrderStart[c], customerOrderStart[c + 1]). */
  customerOrderStart: Int32Array;
  /** Events of order o are [orderEventStart[o], orderEventStart[o + 1]). */
  orderEventStart: Int32Array;
  eventAt: Float64Array;
  eventAmount: Float64Array;
}

export function orderHistoryFromGroupedEvents(g: GroupedOrderEvents): OrderHistory {
  const customers = g.customerIds.length;
  const orders = g.orderEventStart.length - 1;
  if (g.customerOrderStart.length !== customers + 1 || g.customerOrderStart[customers] !== orders) {
    throw new RangeError("orderHistoryFromGroupedEvents: customerOrderStart does not cover the orders");
  }
  if (g.eventAt.length !== g.eventAmount.length || g.orderEventStart[orders] !== g.eventAt.length) {
    throw new RangeError("orderHistoryFromGroupedEvents: orderEventStart does not cover the events");
  }
  const orderCustomer = new Int32Array(orders);
  const orderPlacedAt = new Float64Array(orders).fill(Number.NaN);
  for (let c = 0; c < customers; c++) {
    for (let o = g.customerOrderStart[c]; o < g.customerOrderStart[c + 1]; o++) {
      orderCustomer[o] = c;
      for (let e = g.orderEventStart[o]; e < g.orderEventStart[o + 1]; e++) {
        const amt = g.eventAmount[e];
        if (!Number.isSafeInteger(amt)) throw new OrderHistoryError(e, `amountMinor must be an integer, got ${amt}`);
        if (Number.isNaN(g.eventAt[e])) throw new OrderHistoryError(e, "invalid time");
        if (amt >= 0 && !(orderPlacedAt[o] <= g.eventAt[e])) orderPlacedAt[o] = g.eventAt[e];
      }
    }
  }
  const customerOrders = new Int32Array(orders);
  for (let o = 0; o < orders; o++) customerOrders[o] = o;
  let index: Map<string, number> | undefined;
  return {
    customerIds: g.customerIds,
    get customerIndex(): ReadonlyMap<string, number> {
      if (index === undefined) {
        index = new Map();
        g.customerIds.forEach((id, i) => index!.set(id, i));
      }
      return index;
    },
    orderCount: orders,
    orderCustomer,
    orderPlacedAt,
    orderEventStart: g.orderEventStart,
    eventAt: g.eventAt,
    eventAmount: g.eventAmount,
    customerOrderStart: g.customerOrderStart,
    customerOrders,
  };
}

