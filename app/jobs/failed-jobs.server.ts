// The dead-letter list the merchant sees: a run of their shop (history import, segment sync, CLV forecast) that
// failed every retry is listed on the parked-events page with its error, and can be tried again from there.
import type { SqlStatements } from "~/db/connection.server";
import { JOB_ENGINE_SCHEMA } from "./engine-schema.server";
import { SHOP_JOBS, type ShopJob } from "./shop-jobs";

export interface FailedShopJob {
  id: string;
  queue: ShopJob;
  failedAt: string;
  tries: number;
  error: string;
}

const QUEUE_NAMES: readonly string[] = Object.values(SHOP_JOBS);

export async function listFailedShopJobs(sql: Pick<SqlStatements, "query">, shop: string, take = 50): Promise<FailedShopJob[]> {
  const rows = await sql.query<{ id: string; queue: ShopJob; failedAt: string; tries: number; error: string | null }>(
    `SELECT id::text AS id, name AS queue, to_char(completed_on AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "failedAt",
            retry_count + 1 AS tries, COALESCE(output->>'message', output::text) AS error
       FROM ${JOB_ENGINE_SCHEMA}.job
      WHERE name = ANY($1::text[]) AND state = 'failed' AND data->>'shop' = $2
      ORDER BY completed_on DESC LIMIT $3`,
    [QUEUE_NAMES, shop, take],
  );
  return rows.map((r) => ({ ...r, error: (r.error ?? "").split("\n")[0].slice(0, 500) }));
}

/** The queue of the shop's failed job `id`, or null when it is not one (another shop's, not failed, unknown). */
export async function failedShopJobQueue(sql: Pick<SqlStatements, "query">, shop: string, id: string): Promise<ShopJob | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const [row] = await sql.query<{ queue: ShopJob }>(
    `SELECT name AS queue FROM ${JOB_ENGINE_SCHEMA}.job WHERE id = $1::uuid AND name = ANY($2::text[]) AND state = 'failed' AND data->>'shop' = $3`,
    [id, QUEUE_NAMES, shop],
  );
  return row?.queue ?? null;
}
