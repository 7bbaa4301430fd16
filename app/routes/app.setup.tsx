// The setup guide's actions (the guide itself is on the admin home): the merchant marks a step done or takes the
// mark back, dismisses the guide or brings it back. Answers JSON; a request it cannot read gets a 400 naming why.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import prisma from "~/db.server";
import { authenticate } from "~/shopify.server";
import { isSetupStep } from "~/setup/domain/setup-guide";
import { loadSetupGuide, markSetupStep, setSetupGuideDismissed, unmarkSetupStep } from "~/setup/setup-guide.server";

/** Nothing to show on its own: the guide lives on the home page. */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  const url = new URL(request.url);
  return redirect(`/app${url.search}`);
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  const intent = form.get("intent");
  const step = form.get("step");
  switch (intent) {
    case "mark":
    case "unmark":
      if (!isSetupStep(step)) return json({ ok: false, error: `unknown setup step: ${String(step)}` }, { status: 400 });
      if (intent === "mark") await markSetupStep(prisma, session.shop, step, "merchant");
      else await unmarkSetupStep(prisma, session.shop, step);
      break;
    case "dismiss":
    case "restore":
      await setSetupGuideDismissed(prisma, session.shop, intent === "dismiss");
      break;
    default:
      return json({ ok: false, error: `unknown action: ${String(intent)}` }, { status: 400 });
  }
  return json({ ok: true, guide: await loadSetupGuide(prisma, session.shop) });
};
