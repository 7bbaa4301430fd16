// Reads the rollup text format of HistoryCustomerRollup.facts ("placedDay:amount[:eventDay:eventAmount]*",
// space-separated orders) aggregated as "id=facts|id=facts…" into the analytics domain's columns.
import { orderHistoryFromGroupedEvents, type OrderHistory } from "~/analytics/domain/order-history";
import { MS_PER_DAY } from "~/analytics/domain/time";

/** Parsed rollup text: customers, their orders, and each order's events (sale first), in days. */
export interface RollupColumns {
  customerNumbers: Float64Array;
  /** Orders of customer c: customerOrderStart[c] .. customerOrderStart[c + 1]. */
  customerOrderStart: Int32Array;
  /** Events of order o: orderEventStart[o] .. orderEventStart[o + 1]. */
  orderEventStart: Int32Array;
  eventDay: Float64Array;
  eventAmount: Float64Array;
}

/**
 * Scans "id=day:amount[:day:amount]* day:amount…|id=…" into columns. Sized from `orders` and
 * `events` upper bounds (the stored counts), grown if the text holds more.
 */
export function scanRollupText(text: string, customers: number, orders: number): RollupColumns {
  const customerNumbers = new Float64Array(customers);
  const customerOrderStart = new Int32Array(customers + 1);
  let orderEventStart = new Int32Array(orders + 1);
  let capacity = Math.max(16, orders * 2);
  let eventDay = new Float64Array(capacity);
  let eventAmount = new Float64Array(capacity);
  let c = 0;
  let o = 0;
  let e = 0;
  let value = 0;
  let negative = false;
  let digits = 0;
  let field = 0; // 0: customer id; then alternating day (odd) / amount (even) within an order
  const n = text.length;
  const push = () => {
    const v = negative ? -value : value;
    if (field === 0) {
      if (c >= customers) throw new Error("rollup: more customers than counted");
      customerNumbers[c] = v;
    } else if (field % 2 === 1) {
      if (e >= capacity) {
        capacity *= 2;
        const d = new Float64Array(capacity);
        d.set(eventDay);
        eventDay = d;
        const a = new Float64Array(capacity);
        a.set(eventAmount);
        eventAmount = a;
      }
      eventDay[e] = v * MS_PER_DAY;
    } else {
      eventAmount[e++] = v;
    }
    value = 0;
    negative = false;
    digits = 0;
  };
  const endOrder = () => {
    if (field < 2 || field % 2 !== 0) throw new Error(`rollup: malformed order of customer ${customerNumbers[c]}`);
    o++;
    if (o >= orderEventStart.length) {
      const grown = new Int32Array(orderEventStart.length * 2);
      grown.set(orderEventStart);
      orderEventStart = grown;
    }
    orderEventStart[o] = e;
  };
  for (let i = 0; i <= n; i++) {
    const ch = i < n ? text.charCodeAt(i) : 124; /* "|" ends the last customer */
    if (ch >= 48 && ch <= 57) {
      value = value * 10 + (ch - 48);
      digits++;
    } else if (ch === 45 /* - */) negative = true;
    else if (ch === 61 /* = */) {
      push();
      field = 1;
    } else if (ch === 58 /* : */) {
      push();
      field++;
    } else if (ch === 32 /* space: next order */) {
      push();
      endOrder();
      field = 1;
    } else if (ch === 124 /* | */) {
      if (i === n && n === 0) break;
      if (digits === 0) throw new Error("rollup: empty field");
      push();
      endOrder();
      c++;
      customerOrderStart[c] = o;
      field = 0;
    } else throw new Error(`rollup: unexpected character ${JSON.stringify(text[i])}`);
  }
  if (c !== customers) throw new Error(`rollup: expected ${customers} customers, read ${c}`);
  return {
    customerNumbers,
    customerOrderStart,
    orderEventStart: orderEventStart.subarray(0, o + 1),
    eventDay: eventDay.subarray(0, e),
    eventAmount: eventAmount.subarray(0, e),
  };
}

/** The day-resolution history of the customers in an aggregated rollup text. */
export function rollupTextHistory(text: string, customers: number, orders: number): { history: OrderHistory; customerNumbers: Float64Array } {
  const cols = scanRollupText(text, customers, orders);
  const history = orderHistoryFromGroupedEvents({
    customerIds: Array.from(cols.customerNumbers, String),
    customerOrderStart: cols.customerOrderStart,
    orderEventStart: cols.orderEventStart,
    eventAt: cols.eventDay,
    eventAmount: cols.eventAmount,
  });
  return { history, customerNumbers: cols.customerNumbers };
}
