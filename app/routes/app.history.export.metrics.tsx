// CSV download: the dashboard's period figures (and the member split) for ?days=30|90|365.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { authenticate } from "~/shopify.server";
import prisma from "~/db.server";
import { shopDashboard, PERIOD_DAYS, type PeriodDays } from "~/analytics/analytics-dashboard.server";
import { metricsCsv } from "~/analytics/history-csv.server";

const query = z.object({ days: z.coerce.number().refine((d): d is PeriodDays => (PERIOD_DAYS as readonly number[]).includes(d)).catch(365) });

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const { days } = query.parse({ days: new URL(request.url).searchParams.get("days") ?? undefined });
  const dashboard = await shopDashboard(prisma, session.shop, days as PeriodDays);
  return new Response(metricsCsv(dashboard), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="treue-figures-${dashboard.period.from}-${dashboard.period.to}.csv"`,
    },
  });
};
