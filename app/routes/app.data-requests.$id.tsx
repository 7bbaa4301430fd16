// The file of one customer data request, as JSON; each download is counted and logged.
import type { LoaderFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { prepareDataRequestDownload } from "~/privacy/customer-data.server";
import { authenticate } from "~/shopify.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const data = await prepareDataRequestDownload(prisma, session.shop, params.id ?? "");
  if (!data) return new Response("No such data request for this shop.", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  return new Response(JSON.stringify(data, null, 2), {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="treue-customer-${data.customer.id}-data-request-${data.request.id}.json"`,
      "Cache-Control": "no-store",
    },
  });
};
