// Writes the demo's and the tests' Online Retail history (data/online-retail/online_retail_sample.csv.gz): whole
// customers, each with every row of every invoice of theirs (sales and cancellations), plus the same share of
// guest invoices, chosen by a hash of the id so the sample is spread over the year and the same on every run.
// The rows are copied from the full file unchanged, in its order.
//
//   npm run data:sample -- [--from ../shared/data/online-retail/online_retail.csv.gz] [--share 0.4]
import { createHash } from "node:crypto";
import { createReadStream, mkdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { createInterface } from "node:readline";
import { createGunzip, gzipSync, constants } from "node:zlib";
import { parseCsvLine } from "../../tests/shopify-standin/seed/online-retail";

const ROOT = resolve(import.meta.dirname, "../..");
const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const from = resolve(option("--from", resolve(ROOT, "../shared/data/online-retail/online_retail.csv.gz")));
const share = Number(option("--share", "0.4"));
const to = resolve(ROOT, option("--to", "data/online-retail/online_retail_sample.csv.gz"));
if (!(share > 0 && share <= 1)) throw new Error(`--share must be in (0, 1], got ${share}`);

/** A stable position in [0, 1) for an id: the first 48 bits of its SHA-256. */
const position = (id: string) => parseInt(createHash("sha256").update(`treue-sample:${id}`).digest("hex").slice(0, 12), 16) / 2 ** 48;

const kept: string[] = [];
let header = "";
const customers = new Set<string>();
const invoices = new Set<string>();
let rows = 0;
const lines = createInterface({ input: createReadStream(from).pipe(createGunzip()), crlfDelay: Infinity });
for await (const line of lines) {
  if (!header) {
    header = line;
    continue;
  }
  if (line === "") continue;
  rows++;
  const [invoiceNo, , , , , , customerId] = parseCsvLine(line);
  // A customer's invoices go together; a guest invoice stands alone.
  if (position(customerId ? `customer:${customerId}` : `guest-invoice:${invoiceNo}`) >= share) continue;
  kept.push(line);
  invoices.add(invoiceNo);
  if (customerId) customers.add(customerId);
}
const gz = gzipSync(`${header}\n${kept.join("\n")}\n`, { level: constants.Z_BEST_COMPRESSION });
mkdirSync(dirname(to), { recursive: true });
writeFileSync(to, gz);
console.log(
  `${to}: ${kept.length} of ${rows} rows, ${invoices.size} invoices, ${customers.size} customers, ` +
    `${(statSync(to).size / 1024 / 1024).toFixed(2)} MB`,
);
