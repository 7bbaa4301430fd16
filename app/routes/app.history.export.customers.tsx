// CSV download: every customer with orders, their lifecycle segment and figures (and membership when the programme has members).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticate } from "~/shopify.server";
import prisma from "~/db.server";
import { customersCsv } from "~/analytics/history-csv.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const body = await customersCsv(prisma, session.shop);
  return new Response(body, {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": 'attachment; filename="treue-customers.csv"' },
  });
};
