// CSV download: every customer with orders (or one segment's), their lifecycle segment, figures and membership.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticate } from "~/shopify.server";
import prisma from "~/db.server";
import { customersCsv } from "~/analytics/history-csv.server";

const SEGMENTS = ["new", "active", "atRisk", "lost", "vip"] as const;

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  // ?segment= narrows the file to one lifecycle segment (the segment page's export); anything else is refused.
  const asked = new URL(request.url).searchParams.get("segment");
  const segment = SEGMENTS.find((s) => s === asked);
  if (asked !== null && !segment) return new Response(`segment must be one of ${SEGMENTS.join(", ")}`, { status: 400 });
  const body = await customersCsv(prisma, session.shop, new Date(), segment);
  const file = segment ? `treue-customers-${segment}.csv` : "treue-customers.csv";
  return new Response(body, {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${file}"` },
  });
};
