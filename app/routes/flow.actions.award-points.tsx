// POST /flow/actions/award-points: Shopify Flow's "Award or deduct points" action
// (extensions/treue-flow-award-points). Flow signs the body with the app secret (x-shopify-hmac-sha256, base64);
// anything else is refused with 401 before it is read. A run is one ledger entry keyed by Flow's action_run_id,
// so a run Flow sends again changes the balance once. A deduction never takes the spendable balance below zero
// (422, which Flow shows as the step's failure). A customer who is not a member yet becomes one.
import type { ActionFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { z } from "zod";
import prisma from "~/db.server";
import { awardPointsFromFlow, flowActionNotAllowed, flowCustomerId, readFlowRun } from "~/engagement/flow-actions.server";

const properties = z.object({
  customer_id: flowCustomerId,
  points: z.coerce.number().int(),
  reason: z.string().trim().min(1).max(200),
});

export const loader = flowActionNotAllowed;

export async function action({ request }: ActionFunctionArgs) {
  const read = await readFlowRun(request, properties);
  if ("answer" in read) return read.answer;
  const { run } = read;
  const result = await awardPointsFromFlow(prisma, { shop: run.shop, runId: run.runId, customerId: run.properties.customer_id, points: run.properties.points, reason: run.properties.reason });
  switch (result.code) {
    case "ok":
      return json({ balance: result.balance, duplicate: result.duplicate });
    case "zero":
      return json({ error: { code: "POINTS_ZERO", message: "Points must be a whole number other than zero" } }, { status: 422 });
    case "tooMany":
      return json({ error: { code: "POINTS_OUT_OF_RANGE", message: `At most ${result.max} points at a time` } }, { status: 422 });
    case "insufficientPoints":
      return json({ error: { code: "INSUFFICIENT_POINTS", message: `The customer has ${result.balance} spendable points; a deduction may not go below zero` } }, { status: 422 });
    case "notInstalled":
      return json({ error: { code: "SHOP_NOT_INSTALLED", message: "Treue is not installed in this shop" } }, { status: 404 });
  }
}
