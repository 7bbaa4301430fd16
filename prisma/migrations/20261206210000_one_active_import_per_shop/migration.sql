-- One running history import per shop, enforced by the database: two instances (or two admin requests) starting
-- the shop's import at the same moment create one row, and the job engine runs one job per shop. Older rows still
-- marked running next to a newer one (possible before) are closed first.
UPDATE "HistoryImport" h
   SET "status" = 'failed', "error" = 'Superseded by a newer import of the shop.', "finishedAt" = (now() AT TIME ZONE 'UTC')
 WHERE h."status" IN ('customers', 'orders')
   AND EXISTS (SELECT 1 FROM "HistoryImport" n WHERE n."shop" = h."shop" AND n."status" IN ('customers', 'orders') AND n."id" > h."id");
CREATE UNIQUE INDEX "HistoryImport_one_active_per_shop" ON "HistoryImport" ("shop") WHERE "status" IN ('customers', 'orders');
