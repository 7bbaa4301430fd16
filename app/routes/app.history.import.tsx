// CSV upload of past orders (multipart "file" field, or a text/csv body): all rows or none.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { authenticate } from "~/shopify.server";
import prisma from "~/db.server";
import { CsvImportError, importHistoryCsv } from "~/analytics/history-csv.server";

const MAX_BYTES = 50 * 1024 * 1024;

async function csvText(request: Request): Promise<string> {
  const type = request.headers.get("Content-Type") ?? "";
  if (Number(request.headers.get("Content-Length") ?? 0) > MAX_BYTES) throw new CsvImportError(400, "The file is larger than 50 MB.");
  if (type.startsWith("text/csv") || type.startsWith("text/plain")) return request.text();
  if (type.startsWith("multipart/form-data")) {
    const file = (await request.formData()).get("file");
    if (!file || typeof file === "string") throw new CsvImportError(400, 'Attach the CSV file in the "file" field.');
    return file.text();
  }
  throw new CsvImportError(400, "Send the CSV as multipart/form-data (field \"file\") or as text/csv.");
}

/**
 * The upload has no page of its own: a GET (a bookmark, a reload after posting) shows the dashboard, where the
 * upload box is, with the admin's parameters (language included); it used to answer 400 with a raw JSON error.
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  return redirect(`/app${new URL(request.url).search}`);
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  try {
    const result = await importHistoryCsv(prisma, session.shop, await csvText(request));
    return json({ ok: true, ...result });
  } catch (error) {
    if (error instanceof CsvImportError) return json({ ok: false, error: error.message }, { status: error.status });
    throw error;
  }
};
