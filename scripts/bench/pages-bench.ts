// A big shop's admin after a restart (issue 15): 1 M orders, 250 k customers. The figures a merchant meets:
//  - the CLV forecast as the job engine computes it (seconds, and the RSS it adds to the app process, sampled
//    from /proc while it runs; the fit runs in a worker thread of the instance that takes the job);
//  - the first GET /app and GET /app/analytics/customers of a process started fresh, through its real HTTP
//    server (session token, loaders, server render), next to the second view of each.
// Targets: first views < 500 ms, the forecast < 10 s adding < 150 MB.
import { PgBoss } from "pg-boss";
import { refreshRollups } from "../../app/history/history-rollups.server";
import { dashboardSummaryJob } from "../../app/analytics/analytics-dashboard.server";
import { browserFetch, startTreue, TEST_SHOP, type TreueHarness } from "../../tests/support/treue-harness";
import { seedBigHistory } from "./big-history";
import { enrolHistoryBuyers } from "../../app/points/points-ledger.server";
import { fmt, line, rssMbOf } from "./stats";



async function timedGet(t: TreueHarness, path: string, params: Record<string, string> = {}, expect?: RegExp): Promise<number> {
  const url = t.adminUrl(path, params);
  const started = performance.now();
  const res = await browserFetch(url);
  const html = await res.text();
  const ms = performance.now() - started;
  if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${html.slice(0, 300)}`);
  if (expect && !expect.test(html)) throw new Error(`GET ${path} did not show ${expect}`);
  return ms;
}

export async function benchPages({ orders = 1_000_000, customers = 250_000 } = {}) {
  console.log(`\nA big shop's admin after a restart (${fmt(orders)} orders, ${fmt(customers)} customers)`);
  const t = await startTreue({ appEnv: { WEBHOOK_WORKER: "1", JOB_POLL_SECONDS: "0.5" } });
  try {
    // The install's history import (of the stand-in's few orders), as a merchant's first visit starts it.
    await timedGet(t, "/app");
    for (const deadline = Date.now() + 60_000; ; ) {
      const run = await t.db.prisma.historyImport.findFirst({ where: { shop: TEST_SHOP }, orderBy: { id: "desc" } });
      if (run?.status === "completed") break;
      if (Date.now() > deadline) throw new Error(`the history import did not complete (${run?.status})`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const seedMs = await seedBigHistory(t, TEST_SHOP, orders, customers);
    // As the history import leaves a shop: every buyer a member (so the dashboard splits members from the rest).
    let started = performance.now();
    const members = await enrolHistoryBuyers(t.db.prisma, TEST_SHOP);
    const enrolMs = performance.now() - started;
    // What the import's last steps and the periodic job leave: rollups and the stored dashboard summaries.
    started = performance.now();
    await refreshRollups(t.db.prisma, TEST_SHOP);
    const rollupMs = performance.now() - started;
    started = performance.now();
    await dashboardSummaryJob.run(t.db.prisma, new Date());
    const summaryMs = performance.now() - started;

    // The CLV forecast through the job engine, in the running instance.
    const pid = t.app.child.pid;
    const rssBefore = rssMbOf(pid);
    let rssPeak = rssBefore;
    const boss = new PgBoss({ connectionString: t.database.url, migrate: false, supervise: false, schedule: false });
    await boss.start();
    let jobId: string | null;
    try {
      jobId = await boss.send("shop.clv-forecast", { shop: TEST_SHOP, day: new Date().toISOString().slice(0, 10) }, { singletonKey: TEST_SHOP });
    } finally {
      await boss.stop({ graceful: false });
    }
    started = performance.now();
    for (;;) {
      rssPeak = Math.max(rssPeak, rssMbOf(pid));
      const [row] = await t.db.sql.query<{ state: string }>(`SELECT state::text AS state FROM pgboss.job WHERE id = $1`, [jobId]);
      if (row?.state === "completed") break;
      if (row?.state === "failed") throw new Error("the CLV forecast job failed");
      if (performance.now() - started > 600_000) throw new Error("the CLV forecast job did not finish in 10 minutes");
      await new Promise((r) => setTimeout(r, 50));
    }
    const clvSeconds = (performance.now() - started) / 1000;
    const rssAfterClv = rssMbOf(pid);

    // A process started fresh: nothing in memory, everything from the stored summaries.
    await t.restartApp();
    const dashboardFirst = await timedGet(t, "/app", { days: "365" }, /id="metric-retentionRate"/);
    const dashboardSecond = await timedGet(t, "/app", { days: "365" });
    const customersFirst = await timedGet(t, "/app/analytics/customers", { segment: "lost" }, /id="segment-total"/);
    const customersSecond = await timedGet(t, "/app/analytics/customers", { segment: "lost" });
    const webRss = rssMbOf(t.app.child.pid);

    const verdict = (ok: boolean) => (ok ? "met" : "NOT met");
    line("seed (SQL) / rollups / dashboard summaries", `${fmt(seedMs / 1000, 1)} s / ${fmt(rollupMs / 1000, 1)} s / ${fmt(summaryMs / 1000, 1)} s`);
    line("buyers enrolled as members", `${fmt(members)} in ${fmt(enrolMs / 1000, 1)} s`);
    line("CLV forecast through the job engine", `${fmt(clvSeconds, 1)} s (goal < 10 s) — ${verdict(clvSeconds < 10)}`);
    line("  app RSS before / peak / after", `${fmt(rssBefore)} / ${fmt(rssPeak)} / ${fmt(rssAfterClv)} MB: +${fmt(rssPeak - rssBefore)} MB (goal < 150) — ${verdict(rssPeak - rssBefore < 150)}`);
    line("GET /app, fresh process: first / second", `${fmt(dashboardFirst)} / ${fmt(dashboardSecond)} ms (goal first < 500) — ${verdict(dashboardFirst < 500)}`);
    line("GET /app/analytics/customers: first / second", `${fmt(customersFirst)} / ${fmt(customersSecond)} ms (goal first < 500) — ${verdict(customersFirst < 500)}`);
    line("web process RSS after these views", `${fmt(webRss)} MB`);
    const scale = orders >= 1_000_000 ? `${orders / 1_000_000}M` : `${orders / 1000}k`;
    return {
      [`dashboardFirstView${scale}Ms`]: Math.round(dashboardFirst),
      [`dashboardSecondView${scale}Ms`]: Math.round(dashboardSecond),
      [`customersPageFirstView${scale}Ms`]: Math.round(customersFirst),
      [`customersPageSecondView${scale}Ms`]: Math.round(customersSecond),
      [`clvRefresh${scale}Seconds`]: +clvSeconds.toFixed(1),
      [`clvRefresh${scale}AddedRssMb`]: Math.round(rssPeak - rssBefore),
      [`webRssAfterViews${scale}Mb`]: Math.round(webRss),
    };
  } finally {
    await t.close();
  }
}
