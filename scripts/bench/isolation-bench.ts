// Heavy work off the web process: request latency on the instance that answers requests while the CLV forecast of
// a big shop (1 M orders, 250 k customers) is computed — by a worker instance beside it (TREUE_ROLE=web and
// worker) and by the same instance (TREUE_ROLE=all, where the fit runs in a worker thread). Baseline: the same
// requests with nothing running. Target (issue 14): p99 under 100 ms while the fit runs, in both setups.
//
// The requests are GET /api/loyalty for a member (session token, member and ledger reads, JSON), one at a time.
import { PgBoss } from "pg-boss";
import type { AppProcess } from "../demo/app-process";
import { browserFetch, startTreue, TEST_SHOP } from "../../tests/support/treue-harness";
import { fmt, line, percentile } from "./stats";
import { seedBigHistory } from "./big-history";

async function latencies(url: string, token: string, until: () => boolean, most = 100_000): Promise<number[]> {
  const out: number[] = [];
  while (!until() && out.length < most) {
    const started = performance.now();
    const res = await browserFetch(url, { headers: { Authorization: `Bearer ${token}`, Origin: "https://extensions.shopifycdn.com" } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`GET /api/loyalty answered ${res.status}`);
    out.push(performance.now() - started);
  }
  return out.sort((a, b) => a - b);
}

export async function benchIsolation({ orders = 1_000_000, customers = 250_000 } = {}) {
  console.log(`\nHeavy work off the web process (CLV forecast of ${fmt(orders)} orders, ${fmt(customers)} customers; GET /api/loyalty one at a time)`);
  for (const mode of ["web + worker", "one instance"] as const) {
    const t = await startTreue({ appEnv: { WEBHOOK_WORKER: "1", TREUE_ROLE: mode === "web + worker" ? "web" : "all", JOB_POLL_SECONDS: "0.5" } });
    let worker: AppProcess | null = null;
    try {
      if (mode === "web + worker") worker = await t.startInstance({ TREUE_ROLE: "worker", JOB_POLL_SECONDS: "0.5" });
      const member = await t.memberWithPoints(250, "isolation@example.com");
      const token = t.standin.mintCheckoutToken({ customerGid: `gid://shopify/Customer/${member.id}`, expiresInSeconds: 3600 });
      const url = `${t.app.url}/api/loyalty`;
      const seedMs = await seedBigHistory(t, TEST_SHOP, orders, customers);
      // Quiet: 300 requests with nothing running.
      let n = 0;
      const quiet = await latencies(url, token, () => n++ >= 300);

      const boss = new PgBoss({ connectionString: t.database.url, migrate: false, supervise: false, schedule: false });
      await boss.start();
      let jobId: string | null;
      try {
        jobId = await boss.send("shop.clv-forecast", { shop: TEST_SHOP, day: "2026-11-22" }, { singletonKey: TEST_SHOP });
      } finally {
        await boss.stop({ graceful: false });
      }
      const stateOf = async () => (await t.db.sql.query<{ state: string }>(`SELECT state::text AS state FROM pgboss.job WHERE id = $1`, [jobId]))[0]?.state;
      const fitStarted = performance.now();
      let state = await stateOf();
      let polling = true;
      const poller = (async () => {
        while (polling) {
          state = await stateOf();
          if (state === "completed" || state === "failed") return;
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      const during = await latencies(url, token, () => state === "completed" || state === "failed");
      polling = false;
      await poller;
      const fitMs = performance.now() - fitStarted;
      if (state !== "completed") throw new Error(`the CLV forecast job ended ${state}`);
      const forecast = await t.db.prisma.historyClvForecast.findFirst({ where: { shop: TEST_SHOP } });
      const status = (forecast?.result as { status?: string } | undefined)?.status ?? "none";

      line(`${mode}: seed`, `${fmt(seedMs / 1000, 1)} s`);
      line(`${mode}: quiet p50 / p99`, `${fmt(percentile(quiet, 50), 1)} / ${fmt(percentile(quiet, 99), 1)} ms (${quiet.length} requests)`);
      line(
        `${mode}: during the fit p50 / p99 / max`,
        `${fmt(percentile(during, 50), 1)} / ${fmt(percentile(during, 99), 1)} / ${fmt(during.at(-1) ?? NaN, 0)} ms (${during.length} requests in ${fmt(fitMs / 1000, 1)} s; forecast ${status})`,
      );
      line(`${mode}: target p99 during the fit < 100 ms`, percentile(during, 99) < 100 ? "met" : "NOT met");
    } finally {
      await worker?.stop();
      await t.close();
    }
  }
}
