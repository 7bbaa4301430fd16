import { databaseTarget, openDatabase } from "/work/main/app/db/connection.server";
import { migrate } from "/work/main/app/db/migrate.server";
import pg from "pg";
for (const url of ["pglite:memory", "pg"]) {
  let u = url;
  if (url === "pg") {
    const c = new pg.Client({ connectionString: "postgresql://postgres@127.0.0.1:5432/postgres" }); await c.connect();
    await c.query('DROP DATABASE IF EXISTS hx_arr'); await c.query('CREATE DATABASE hx_arr'); await c.end();
    u = "postgresql://postgres@127.0.0.1:5432/hx_arr";
  }
  const db = await openDatabase(databaseTarget(u));
  await migrate(db.sql);
  const n = await db.prisma.$executeRawUnsafe(
    `INSERT INTO "HistoryOrder" (shop,id,"customerId","createdAt","updatedAt","amountMinor",currency,"cancelledAt",source)
     SELECT $1, u.id, u.cid, u.ca, u.ua, u.amt, $2, u.cx, 'import' FROM unnest($3::bigint[], $4::bigint[], $5::timestamp[], $6::timestamp[], $7::bigint[], $8::timestamp[]) AS u(id,cid,ca,ua,amt,cx)
     ON CONFLICT (shop,id) DO NOTHING`,
    "s", "EUR", ["1", "2"], ["10", null], ["2024-01-01T00:00:00.000", "2024-01-02T00:00:00.000"], ["2024-01-01T00:00:00.000", "2024-01-02T00:00:00.000"], ["100", "200"], [null, "2024-01-03T00:00:00.000"]);
  const rows = await db.prisma.$queryRawUnsafe(`SELECT string_agg(id::text, ',') AS ids, sum("amountMinor")::text AS s FROM "HistoryOrder"`);
  console.log(url, n, rows);
  await db.close();
}
