import { databaseTarget, openDatabase } from "../../app/db/connection.server";
import { migrate } from "../../app/db/migrate.server";
import { loadRollupHistory } from "../../app/services/history-rollups.server";
const db = await openDatabase(databaseTarget("postgresql://postgres@127.0.0.1:5432/treue_prof"));
await migrate(db.sql);
await db.prisma.$executeRawUnsafe(`INSERT INTO "HistoryCustomerRollup" (shop, "customerId", facts, orders, refunds)
  SELECT 'b', c, string_agg((20410 - (random()*1095)::int)::text || ':' || (500 + (random()*15000)::int)::text || CASE WHEN random() < 0.08 THEN ':20300:-300' ELSE '' END, ' '), count(*), 0
  FROM (SELECT 7000000000000 + (250000*random()^2)::bigint AS c FROM generate_series(1, 950000)) x GROUP BY c`);
await db.prisma.$executeRawUnsafe(`VACUUM ANALYZE "HistoryCustomerRollup"`).catch(() => {});
for (let i = 0; i < 3; i++) {
  let t = performance.now();
  const [row] = await db.prisma.$queryRawUnsafe<{ text: string }[]>(`SELECT string_agg("customerId" || '=' || "facts", '|') AS text FROM "HistoryCustomerRollup" WHERE shop = 'b'`);
  console.log("query", (performance.now() - t).toFixed(0), "ms", row.text.length);
  t = performance.now();
  const h = await loadRollupHistory(db.prisma, "b");
  console.log("loadRollupHistory", (performance.now() - t).toFixed(0), "ms", h.history.orderCount);
}
await db.close();
