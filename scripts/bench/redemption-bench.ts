// Redemption latency: POST /api/loyalty/redemptions through the built app against the stand-in (session
// token, member lock, balance check, debit, Redemption row, code lookup + create in the Admin API).
// Target p95 < 100 ms. Baseline in the same run: GET /api/loyalty for the same buyers (no writes, no Admin API).
import { browserFetch, startTreue } from "../../tests/support/treue-harness";
import { fmt, line, percentile, runConcurrently } from "./stats";

export async function benchRedemption({ customers = 20, redemptions = 200, concurrencies = [1, 4] } = {}) {
  console.log(`\nRedemption API (${redemptions} redemptions per pass, ${customers} customers; one pass per ${concurrencies.join(" and ")} in flight)`);
  const t = await startTreue({ appEnv: { WEBHOOK_WORKER: "1" } });
  try {
    const buyers: { id: number; token: string }[] = [];
    for (let i = 0; i < customers; i++) {
      const c = await t.standin.createCustomer({ email: `bench-redeem-${i}@example.com` });
      // Enough points for every redemption this buyer makes (500 each at 1 point per 1.00).
      await t.standin.createOrder({ customerId: c.id, lines: [{ sku: "BENCH", quantity: 1, unitPriceMinor: 100 * 500 * Math.ceil((redemptions * concurrencies.length) / customers) }] });
      buyers.push({ id: c.id, token: t.standin.mintCheckoutToken({ customerGid: `gid://shopify/Customer/${c.id}` }) });
    }
    const need = 500 * Math.ceil((redemptions * concurrencies.length) / customers);
    for (const b of buyers) {
      for (let waited = 0; ; waited += 100) {
        const m = await t.db.prisma.member.findUnique({ where: { shop_customerId: { shop: t.standin.shop, customerId: String(b.id) } } });
        if (m && m.points >= need) break;
        if (waited > 60_000) throw new Error("points did not arrive");
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const headers = (token: string) => ({ Origin: "https://extensions.shopifycdn.com", "Content-Type": "application/json", Authorization: `Bearer ${token}` });
    const timed = async (list: number[], request: () => Promise<Response>, expected: number) => {
      const started = performance.now();
      const res = await request();
      await res.arrayBuffer();
      list.push(performance.now() - started);
      if (res.status !== expected) throw new Error(`expected ${expected}, got ${res.status}`);
    };
    // Warm-up: first requests compile routes and open connections.
    for (const b of buyers.slice(0, 3)) await timed([], () => browserFetch(`${t.app.url}/api/loyalty`, { headers: headers(b.token) }), 200);

    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
    const results: Record<number, { p50: number; p95: number }> = {};
    let issued = 0;
    for (const concurrency of concurrencies) {
      const baseline: number[] = [];
      await runConcurrently([...Array(redemptions).keys()], concurrency, (i) =>
        timed(baseline, () => browserFetch(`${t.app.url}/api/loyalty`, { headers: headers(buyers[i % customers].token) }), 200),
      );
      const latencies: number[] = [];
      await runConcurrently([...Array(redemptions).keys()], concurrency, (i) =>
        timed(
          latencies,
          () =>
            browserFetch(`${t.app.url}/api/loyalty/redemptions`, {
              method: "POST",
              headers: headers(buyers[i % customers].token),
              body: JSON.stringify({ rewardId: "default-5-off", idempotencyKey: `bench-${concurrency}-${Date.now()}-${i}` }),
            }),
          201,
        ),
      );
      issued += redemptions;
      const codes = t.standin.state.shops[t.standin.shop].discounts.filter((d) => d.code.startsWith("TREUE-")).length;
      if (codes !== issued) throw new Error(`expected ${issued} codes in the stand-in, found ${codes}`);
      const [r, g] = [sorted(latencies), sorted(baseline)];
      line(`redemption POST p50 / p95 (${concurrency} in flight)`, `${fmt(percentile(r, 50), 1)} ms / ${fmt(percentile(r, 95), 1)} ms (target p95 < 100 ms)`);
      line(`  baseline GET /api/loyalty p50 / p95`, `${fmt(percentile(g, 50), 1)} ms / ${fmt(percentile(g, 95), 1)} ms`);
      results[concurrency] = { p50: percentile(r, 50), p95: percentile(r, 95) };
    }
    return results;
  } finally {
    await t.close();
  }
}
