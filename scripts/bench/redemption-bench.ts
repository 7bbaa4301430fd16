// Redemption latency: POST /api/loyalty/redemptions through the built app against the stand-in (session
// token, member lock, balance check, debit, Redemption row, code lookup + create in the Admin API).
// Target p95 < 100 ms. Baseline in the same run: GET /api/loyalty for the same buyers (no writes, no Admin API).
//
// Shopify's rate limit is part of the figure, and reported apart: each code costs 10 points of the shop's
// bucket (2000, refilled at 100/s), so a shop sustains 10 codes/s. The passes run back to back on one bucket
// (the 1-in-flight pass leaves it nearly empty), so the 4-in-flight pass waits for Shopify by design. The app says
// how long it waited (Server-Timing `shopify-throttle`); the figures split requests that waited from those
// that did not, and the target is judged on the latter, with the waits printed next to it. The 16-in-flight pass
// (issue 15: p95 < 100 ms) starts with a full bucket, which holds its 200 codes.
//
// The buyers' browsers are played with `node:http` over kept-alive connections (they share the two cores with
// the app, PostgreSQL and the stand-in; with `fetch` they cost more than the stand-in's Admin API).
import { BROWSER_USER_AGENT } from "../demo/app-process";
import { startTreue } from "../../tests/support/treue-harness";
import { MAX_AVAILABLE, RESTORE_RATE } from "../../tests/shopify-standin/graphql/cost";
import { childPids, cpuMsOf, fmt, lightClient, line, parentPidOf, percentile, runConcurrently, type LightResponse } from "./stats";

export async function benchRedemption({ customers = 20, redemptions = 200, concurrencies = [1, 4, 16] } = {}) {
  console.log(`\nRedemption API (${redemptions} redemptions per pass, ${customers} customers; one pass per ${concurrencies.join(" and ")} in flight)`);
  const t = await startTreue({ appEnv: { WEBHOOK_WORKER: "1" } });
  const client = lightClient(t.app.url, Math.max(...concurrencies));
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
    const headers = (token: string) => ({
      Origin: "https://extensions.shopifycdn.com",
      "Content-Type": "application/json",
      Authorization: `Bearer ${token}`,
      "User-Agent": BROWSER_USER_AGENT,
    });
    const timed = async (list: number[], request: () => Promise<LightResponse>, expected: number, throttleWaits?: number[]) => {
      const started = performance.now();
      const res = await request();
      list.push(performance.now() - started);
      throttleWaits?.push(Number(/shopify-throttle;dur=(\d+)/.exec(res.header("server-timing") ?? "")?.[1] ?? NaN));
      if (res.status !== expected) throw new Error(`expected ${expected}, got ${res.status}: ${res.text.slice(0, 300)}`);
    };
    const getLoyalty = (i: number) => client.request("GET", "/api/loyalty", headers(buyers[i % customers].token));
    // Warm-up: first requests compile routes and open connections.
    for (let i = 0; i < 3; i++) await timed([], () => getLoyalty(i), 200);

    // Where the CPU goes, per redemption: the app process, every PostgreSQL process, and this process (the
    // stand-in answering the Admin API, and the clients). Two cores are shared by the three.
    const [{ pid: backendPid }] = await t.db.prisma.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
    const postmaster = parentPidOf(backendPid);
    // PostgreSQL: each process's CPU by pid (connections come and go between passes; one that ends during a
    // pass loses its share, so that figure is a lower bound).
    const cpuNow = () => ({
      app: cpuMsOf(t.app.child.pid) ?? NaN,
      postgres: new Map(childPids(postmaster).map((pid) => [pid, cpuMsOf(pid) ?? 0])),
      bench: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
    });
    const cpuUsed = (before: ReturnType<typeof cpuNow>, after: ReturnType<typeof cpuNow>) => ({
      app: after.app - before.app,
      postgres: [...after.postgres].reduce((sum, [pid, ms]) => sum + ms - (before.postgres.get(pid) ?? 0), 0),
      bench: after.bench - before.bench,
    });
    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
    const results: Record<number, { p50: number; p95: number; throttled: number; unthrottledP95: number; getP95: number }> = {};
    const CODE_COST = 10; // a discountCode*Create mutation
    let issued = 0;
    for (const concurrency of concurrencies) {
      if (concurrency === 16) t.standin.setCostBucket(MAX_AVAILABLE);
      const baseline: number[] = [];
      const getCpuBefore = cpuNow();
      await runConcurrently([...Array(redemptions).keys()], concurrency, (i) =>
        timed(baseline, () => getLoyalty(i), 200),
      );
      const getCpu = cpuUsed(getCpuBefore, cpuNow());
      const latencies: number[] = [];
      const waits: number[] = [];
      const passStarted = performance.now();
      const cpuBefore = cpuNow();
      await runConcurrently([...Array(redemptions).keys()], concurrency, (i) =>
        timed(
          latencies,
          () =>
            client.request(
              "POST",
              "/api/loyalty/redemptions",
              headers(buyers[i % customers].token),
              JSON.stringify({ rewardId: "default-5-off", idempotencyKey: `bench-${concurrency}-${Date.now()}-${i}` }),
            ),
          201,
          waits,
        ),
      );
      const passSeconds = (performance.now() - passStarted) / 1000;
      const cpu = cpuUsed(cpuBefore, cpuNow());
      const perRequest = (k: keyof typeof cpu) => fmt(cpu[k] / redemptions, 1);
      if (waits.some((w) => !Number.isFinite(w))) throw new Error("the app did not report its Shopify throttle wait (Server-Timing)");
      issued += redemptions;
      const codes = t.standin.state.shops[t.standin.shop].discounts.filter((d) => d.code.startsWith("TREUE-")).length;
      if (codes !== issued) throw new Error(`expected ${issued} codes in the stand-in, found ${codes}`);
      const [r, g] = [sorted(latencies), sorted(baseline)];
      const unthrottled = sorted(latencies.filter((_, i) => waits[i] === 0));
      const throttledWaits = sorted(waits.filter((w) => w > 0));
      const askedPerSecond = redemptions / passSeconds;
      const p95 = percentile(unthrottled, 95);
      line(`redemption POST p50 / p95 (${concurrency} in flight)`, `${fmt(percentile(r, 50), 1)} ms / ${fmt(percentile(r, 95), 1)} ms, all ${redemptions} requests`);
      line(
        `  without waiting for Shopify (${unthrottled.length} of ${redemptions})`,
        `${fmt(percentile(unthrottled, 50), 1)} ms / ${fmt(p95, 1)} ms (target p95 < 100 ms: ${p95 < 100 ? "met" : "MISSED"})`,
      );
      if (throttledWaits.length > 0) {
        line(
          `  rate-limited by Shopify (${throttledWaits.length} of ${redemptions})`,
          `waited p50 / p95 ${fmt(percentile(throttledWaits, 50))} ms / ${fmt(percentile(throttledWaits, 95))} ms for the cost bucket`,
        );
        line(
          `  by design: the pass asked`,
          `${fmt(askedPerSecond, 1)} codes/s; ${MAX_AVAILABLE} points then ${RESTORE_RATE}/s allow ${MAX_AVAILABLE / CODE_COST} at once, then ${RESTORE_RATE / CODE_COST} codes/s`,
        );
      }
      line(`  CPU per redemption`, `app ${perRequest("app")} ms, PostgreSQL ${perRequest("postgres")} ms, stand-in and clients ${perRequest("bench")} ms (${fmt(redemptions / passSeconds, 0)} redemptions/s)`);
      line(`  baseline GET /api/loyalty p50 / p95`, `${fmt(percentile(g, 50), 1)} ms / ${fmt(percentile(g, 95), 1)} ms`);
      line(`    CPU per GET`, `app ${fmt(getCpu.app / redemptions, 1)} ms, PostgreSQL ${fmt(getCpu.postgres / redemptions, 1)} ms, clients ${fmt(getCpu.bench / redemptions, 1)} ms`);
      results[concurrency] = { p50: percentile(r, 50), p95: percentile(r, 95), throttled: throttledWaits.length, unthrottledP95: p95, getP95: percentile(g, 95) };
    }
    return Object.fromEntries(
      Object.entries(results).flatMap(([c, r]) => [
        [`redemptionP95Ms${c}`, Math.round(r.unthrottledP95)],
        [`redemptionP95AllMs${c}`, Math.round(r.p95)],
        [`loyaltyGetP95Ms${c}`, Math.round(r.getP95)],
      ]),
    );
  } finally {
    client.close();
    await t.close();
  }
}
