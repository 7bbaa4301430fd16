// Heavy work on its own event loop: on an instance that also answers requests (TREUE_ROLE=all), a shop's CLV
// forecast runs in a worker thread of the production build, with its own database pool, and stores its result.
import { PgBoss } from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bumpHistoryVersion } from "~/history/history-store.server";
import { browserFetch, startTreue, TEST_SHOP, type TreueHarness } from "../support/treue-harness";

let t: TreueHarness;

beforeAll(async () => {
  t = await startTreue({ appEnv: { WEBHOOK_WORKER: "1", JOB_POLL_SECONDS: "0.5" } });
  // 4,000 orders of 1,000 customers over two years, many buying again: enough for the models to fit.
  await t.db.sql.exec(`
    INSERT INTO "HistoryCustomer" ("shop", "id", "createdAt", "updatedAt", "email", "source")
    SELECT '${TEST_SHOP}', 9100000000000 + g, timestamp '2024-11-01', timestamp '2024-11-01', NULL, 'import' FROM generate_series(0, 999) g;
    INSERT INTO "HistoryOrder" ("shop", "id", "customerId", "createdAt", "updatedAt", "amountMinor", "currency", "cancelledAt", "source")
    SELECT '${TEST_SHOP}', 9200000000000 + g, 9100000000000 + (g * 7919) % 1000, timestamp '2024-12-01' + (g % 700) * interval '1 day' + (g % 13) * interval '1 hour',
           timestamp '2024-12-01', 1500 + (g * 37) % 9000, 'GBP', NULL, 'import'
      FROM generate_series(0, 3999) g;`);
  await bumpHistoryVersion(t.db.prisma, TEST_SHOP);
});
afterAll(async () => {
  await t?.close();
});

describe("heavy work on one instance", () => {
  it("fits a shop's CLV forecast in a worker thread, stores it, and the instance keeps answering", { timeout: 90_000 }, async () => {
    const day = "2026-11-30";
    const boss = new PgBoss({ connectionString: t.database.url, migrate: false, supervise: false, schedule: false });
    await boss.start();
    try {
      await boss.send("shop.clv-forecast", { shop: TEST_SHOP, day }, { singletonKey: TEST_SHOP });
    } finally {
      await boss.stop({ graceful: false });
    }
    const stored = () => t.db.prisma.historyClvForecast.findUnique({ where: { shop_day: { shop: TEST_SHOP, day } } });
    await expect.poll(async () => (await stored()) !== null, { timeout: 60_000, interval: 250 }).toBe(true);
    expect((await stored())!.result).toMatchObject({ status: "ok", day, customers: 1000 });
    expect(t.app.output()).toMatch(new RegExp(`clv-forecast for ${TEST_SHOP.replace(/\./g, "\\.")} ran in worker thread \\d+`));
    // The instance answers as before (its own event loop never held the fit).
    expect((await browserFetch(`${t.app.url}/healthz`)).status).toBe(200);
    // Every customer's forecast is stored, and a member's page shows theirs (in English and German).
    const rows = await t.db.sql.query<{ n: string; days: string }>(
      `SELECT count(*)::text AS n, string_agg(DISTINCT "day", ',') AS days FROM "HistoryCustomerClv" WHERE "shop" = $1`,
      [TEST_SHOP],
    );
    expect(rows[0]).toEqual({ n: "1000", days: day });
    const top = ((await stored())!.result as { top: { customerId: string; clvMinor: number }[] }).top[0];
    const member = await t.db.prisma.member.create({ data: { shop: TEST_SHOP, customerId: top.customerId, email: "top@example.com" } });
    const en = await (await browserFetch(t.adminUrl(`/app/members/${member.id}`))).text();
    const value = new Intl.NumberFormat("en-GB", { style: "currency", currency: "GBP" }).format(top.clvMinor / 100);
    expect(en).toMatch(new RegExp(`id="member-clv"[^>]*>${value.replace(/[.£]/g, "\\$&")}<`));
    expect(en).toContain("As of 30 Nov 2026");
    const de = await (await browserFetch(t.adminUrl(`/app/members/${member.id}`, { locale: "de" }))).text();
    expect(de).toContain("Stand 30. Nov. 2026");
    // The home page gives the customers' predicted value as one number: the mean of every customer's 52 weeks.
    const all = await t.db.sql.query<{ clv: string }>(`SELECT "clvMinor"::text AS clv FROM "HistoryCustomerClv" WHERE "shop" = $1`, [TEST_SHOP]);
    const mean = Math.round(all.reduce((s, r) => s + Number(r.clv), 0) / all.length);
    const home = await (await browserFetch(t.adminUrl("/app"))).text();
    const meanText = new Intl.NumberFormat("en-GB", { style: "currency", currency: "GBP" }).format(mean / 100);
    expect(home).toMatch(new RegExp(`id="clv-average"[^>]*>Your customers&#x27; predicted value: ${meanText.replace(/[.£]/g, "\\$&")} each on average over the next 52 weeks \\(mean of 1,000 customers\\)`));
    const other = await t.db.prisma.member.create({ data: { shop: TEST_SHOP, customerId: "123", email: "new@example.com" } });
    expect(await (await browserFetch(t.adminUrl(`/app/members/${other.id}`))).text()).toContain('id="member-forecast-none"');
  });
});
