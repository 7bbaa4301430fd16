/**
 * Retention metrics for a period from an order export.
 *
 *   npx tsx scripts/metrics.ts --csv FILE --from YYYY-MM-DD --to YYYY-MM-DD [--currency-decimals 2]
 *
 * FILE: CSV with header `order_id,customer_id,date,amount`; refunds are rows with a negative amount
 * and the order's order_id; an empty customer_id is a guest order; amount in currency units.
 * The period runs from the start of --from to the end of --to (UTC). Prints one JSON object; rates
 * are fractions 0..1, averageOrderValue and customerLifetimeValue are in currency units, and a
 * figure that cannot be computed is null with its reason under "reasons".
 * Bad input: message on stderr naming the line, exit code 2.
 */
import { parseOrderEventsCsv } from "../app/analytics/domain/csv";
import { measureRetention, type Figure } from "../app/analytics/domain/retention-metrics";
import { buildOrderHistory, OrderHistoryError } from "../app/analytics/domain/order-history";
import {
  currencyDecimals,
  InputError,
  parseOptions,
  readInputFile,
  requireDate,
  requireOption,
  runCli,
  toCurrencyUnits,
} from "./lib/cli";

const USAGE = "usage: tsx scripts/metrics.ts --csv FILE --from YYYY-MM-DD --to YYYY-MM-DD [--currency-decimals N]";

runCli("metrics", () => {
  const args = parseOptions(
    process.argv.slice(2),
    {
      csv: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      "currency-decimals": { type: "string" },
    },
    USAGE,
  );
  const file = requireOption(args.csv, "csv", USAGE);
  const from = requireDate(requireOption(args.from, "from", USAGE), "from");
  const to = requireDate(requireOption(args.to, "to", USAGE), "to");
  if (to < from) throw new InputError(`--to ${to} is before --from ${from}`);
  const decimals = currencyDecimals(args["currency-decimals"]);

  const { rows, lines } = parseOrderEventsCsv(readInputFile(file), { currencyDecimals: decimals });
  let history;
  try {
    history = buildOrderHistory(rows);
  } catch (error) {
    if (error instanceof OrderHistoryError) {
      throw new InputError(`line ${lines[error.eventIndex]}: ${error.message.replace(/^order event \d+: /, "")}`);
    }
    throw error;
  }
  const report = measureRetention(history, { from, to });

  const reasons: Record<string, string> = {};
  const value = (name: string, figure: Figure): number | null => {
    if (figure.value === null) reasons[name] = figure.reason;
    return figure.value;
  };
  const output: Record<string, unknown> = {
    retentionRate: value("retentionRate", report.retentionRate),
    churnRate: value("churnRate", report.churnRate),
    repeatPurchaseRate: value("repeatPurchaseRate", report.repeatPurchaseRate),
    purchaseFrequency: value("purchaseFrequency", report.purchaseFrequency),
    averageOrderValue: toCurrencyUnits(value("averageOrderValue", report.averageOrderValueMinor), decimals),
    customerLifetimeValue: toCurrencyUnits(value("customerLifetimeValue", report.customerLifetimeValueMinor), decimals),
    activeCustomers: report.activeCustomers,
    ordersPerActiveCustomer: value("ordersPerActiveCustomer", report.ordersPerActiveCustomer),
    returningRevenueShare: value("returningRevenueShare", report.returningRevenueShare),
  };
  if (Object.keys(reasons).length > 0) output.reasons = reasons;
  return output;
});
