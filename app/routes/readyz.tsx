// GET /readyz: 200 when this instance can serve (database reachable, migrations current), else 503 with why
// (app/ops/readiness.server.ts). For load balancers and deploys that wait for readiness.
import { json } from "@remix-run/node";
import { database } from "~/db.server";
import { sqlOf } from "~/db/connection.server";
import { readiness } from "~/ops/readiness.server";

export const loader = async () => {
  const state = await readiness(sqlOf((await database()).prisma));
  return json(state, { status: state.ready ? 200 : 503, headers: { "Cache-Control": "no-store" } });
};
