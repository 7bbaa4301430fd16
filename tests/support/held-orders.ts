// Shared by the crash tests: a burst of orders whose webhooks are held back (to be delivered as the test likes),
// and what every customer must hold once each order has earned exactly once under the default program.
import { earningContextFor, pointsWorthForOrder } from "../../app/points/domain/earning";
import { parseOrderWebhook } from "../../app/points/domain/order-snapshot";
import { DEFAULT_PROGRAM } from "../../app/points/domain/program";
import type { PreparedWebhook } from "../shopify-standin/webhooks";
import { TEST_SHOP, type TreueHarness } from "./treue-harness";

/** `customers` customers (no webhooks) and `orders` orders spread over them, their webhooks held and returned. */
export async function heldOrderBurst(t: TreueHarness, opts: { customers: number; orders: number; emailPrefix: string; priceBaseMinor: number }): Promise<PreparedWebhook[]> {
  const customers = [];
  for (let i = 0; i < opts.customers; i++) customers.push(await t.standin.createCustomer({ email: `${opts.emailPrefix}${i}@example.com` }, { webhooks: "none" }));
  for (let i = 0; i < opts.orders; i++) {
    await t.standin.createOrder(
      { customerId: customers[i % customers.length].id, lines: [{ sku: "A", quantity: 1 + (i % 3), unitPriceMinor: opts.priceBaseMinor + i }] },
      { webhooks: "hold" },
    );
  }
  return t.standin.takeHeldWebhooks();
}

/** Each customer's points once every order of the shop has earned once (the default program, no bonuses). */
export function expectedPointsOfEveryOrder(t: TreueHarness): Record<string, number> {
  const expected = new Map<string, number>();
  for (const order of t.standin.state.shops[TEST_SHOP].orders) {
    const parsed = parseOrderWebhook(t.standin.orderPayload(order.id));
    if (!parsed.ok) throw new Error(parsed.problems.join("; "));
    const s = parsed.snapshot;
    expected.set(s.customerId!, (expected.get(s.customerId!) ?? 0) + pointsWorthForOrder(s, DEFAULT_PROGRAM, earningContextFor(DEFAULT_PROGRAM, s.createdAt)).points);
  }
  return Object.fromEntries(expected);
}
