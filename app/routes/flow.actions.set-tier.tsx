// POST /flow/actions/set-tier: Shopify Flow's "Set VIP tier" action (extensions/treue-flow-set-tier), signed as
// every Flow action (401 otherwise, before the body is read). The tier is named as the program names it (or
// "none"); a name the program does not have is 422 listing the ones it has.
import type { ActionFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { z } from "zod";
import prisma from "~/db.server";
import { flowActionNotAllowed, flowCustomerId, readFlowRun, setTierFromFlow } from "~/engagement/flow-actions.server";

const properties = z.object({ customer_id: flowCustomerId, tier: z.string().trim().min(1).max(100) });

export const loader = flowActionNotAllowed;

export async function action({ request }: ActionFunctionArgs) {
  const read = await readFlowRun(request, properties);
  if ("answer" in read) return read.answer;
  const { run } = read;
  const result = await setTierFromFlow(prisma, { shop: run.shop, customerId: run.properties.customer_id, tier: run.properties.tier });
  switch (result.code) {
    case "ok":
      return json({ tier: result.tier });
    case "unknownTier":
      return json({ error: { code: "UNKNOWN_TIER", message: `No VIP tier named "${run.properties.tier}"; the program has: ${result.tiers.join(", ") || "no tiers"} (or "none")` } }, { status: 422 });
    case "notInstalled":
      return json({ error: { code: "SHOP_NOT_INSTALLED", message: "Treue is not installed in this shop" } }, { status: 404 });
  }
}
