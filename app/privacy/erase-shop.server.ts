// shop/redact (Shopify sends it 48 hours after the uninstall): everything the app holds about the shop goes,
// from every table with a "shop" column, found in the schema rather than listed, so that a table added later
// is erased too. What stays is the shop/redact event itself (status, times, and a payload of shop ids only),
// the record that the request was received and carried out.
import { sqlOf } from "~/db/connection.server";
import type { Db } from "~/points/points-ledger.server";
import type { WebhookStep } from "~/webhooks/webhook-worker.server";

export async function eraseShopEverywhere(tx: Db, event: { id: bigint | number | string; shop: string }): Promise<Record<string, number>> {
  const sql = sqlOf(tx);
  const tables = await sql.query<{ table_name: string }>(
    `SELECT c.table_name FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
      WHERE c.table_schema = current_schema() AND c.column_name = 'shop'
      ORDER BY c.table_name`,
  );
  // The ledger refuses deletions except of the shop this transaction names (migration 20261206160000).
  await sql.query(`SELECT set_config('treue.erasing_shop', $1, true)`, [event.shop]);
  const erased: Record<string, number> = {};
  for (const { table_name } of tables) {
    erased[table_name] =
      table_name === "WebhookEvent"
        ? await sql.execute(`DELETE FROM "WebhookEvent" WHERE "shop" = $1 AND "id" <> $2::bigint`, [event.shop, String(event.id)])
        : await sql.execute(`DELETE FROM "${table_name.replace(/"/g, '""')}" WHERE "shop" = $1`, [event.shop]);
  }
  erased.Shop = await sql.execute(`DELETE FROM "Shop" WHERE "domain" = $1`, [event.shop]);
  return erased;
}

export const shopErasureSteps: Record<string, WebhookStep[]> = {
  SHOP_REDACT: [(tx, event) => eraseShopEverywhere(tx, event).then(() => undefined)],
};
