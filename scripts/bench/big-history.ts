// A big shop's order history written by PostgreSQL itself (seconds, not minutes): 1 M orders over three years,
// skewed to repeat buyers, for the benchmarks that need one in the app's database.
import { bumpHistoryVersion } from "../../app/history/history-store.server";
import type { TreueHarness } from "../../tests/support/treue-harness";

export async function seedBigHistory(t: TreueHarness, shop: string, orders: number, customers: number): Promise<number> {
  const started = performance.now();
  await t.db.sql.exec(`
    INSERT INTO "HistoryCustomer" ("shop", "id", "createdAt", "updatedAt", "email", "source")
    SELECT '${shop}', 8000000000000 + g, timestamp '2023-11-01', timestamp '2023-11-01', 'big' || g || '@example.com', 'import' FROM generate_series(0, ${customers - 1}) g;
    INSERT INTO "HistoryOrder" ("shop", "id", "customerId", "createdAt", "updatedAt", "amountMinor", "currency", "cancelledAt", "source")
    SELECT '${shop}', 6000000000000 + g, 8000000000000 + floor(${customers} * power(random(), 2))::bigint, x.t, x.t,
           (1000 + floor(random() * 9000))::bigint, 'EUR', NULL, 'import'
      FROM generate_series(0, ${orders - 1}) g, LATERAL (SELECT timestamp '2023-11-22' + (random() + g * 0) * interval '1095 days' AS t) x;
    ANALYZE "HistoryOrder"; ANALYZE "HistoryCustomer";`);
  await bumpHistoryVersion(t.db.prisma, shop);
  return performance.now() - started;
}
