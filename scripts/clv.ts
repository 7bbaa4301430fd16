/**
 * Fits the predictive CLV models to a purchase export.
 *
 *   npx tsx scripts/clv.ts --csv FILE --calibration-end YYYY-MM-DD [--currency-decimals 2]
 *
 * FILE: CSV with header `customer_id,date,amount` (amount in currency units, e.g. 12.34; purchases
 * only). Purchases of a customer on the same UTC day are merged; time unit is weeks. Prints one JSON
 * object: {"customers", "bgnbd": {r, alpha, a, b, logLikelihood}, "gammaGamma": {p, q, gamma}},
 * with gamma in currency units. Bad input: message on stderr, exit code 2.
 */
import { fitBgNbd } from "../app/analytics/domain/bgnbd";
import { parsePurchasesCsv } from "../app/analytics/domain/csv";
import { fitGammaGamma } from "../app/analytics/domain/gamma-gamma";
import { buildRfmSummary } from "../app/analytics/domain/rfm";
import {
  currencyDecimals,
  InputError,
  parseOptions,
  readInputFile,
  requireDate,
  requireOption,
  runCli,
} from "./lib/cli";

const USAGE = "usage: tsx scripts/clv.ts --csv FILE --calibration-end YYYY-MM-DD [--currency-decimals N]";

runCli("clv", () => {
  const args = parseOptions(
    process.argv.slice(2),
    {
      csv: { type: "string" },
      "calibration-end": { type: "string" },
      "currency-decimals": { type: "string" },
    },
    USAGE,
  );
  const file = requireOption(args.csv, "csv", USAGE);
  const calibrationEnd = requireDate(requireOption(args["calibration-end"], "calibration-end", USAGE), "calibration-end");
  const decimals = currencyDecimals(args["currency-decimals"]);

  const { rows } = parsePurchasesCsv(readInputFile(file), { currencyDecimals: decimals });
  const summary = buildRfmSummary(rows, { calibrationEnd, timeUnit: "weeks" });
  if (summary.customers.length === 0) {
    throw new InputError(`no purchases on or before the calibration end ${calibrationEnd}`);
  }
  if (!summary.customers.some((c) => c.frequency > 0)) {
    throw new InputError("no customer bought again before the calibration end; the models need repeat purchases");
  }
  const bgnbd = fitBgNbd(summary.customers);

  // Gamma-Gamma is fitted in currency units so gamma reads like the published figures; customers
  // whose repeat purchases average 0 have no defined density and are left out.
  const unit = 10 ** decimals;
  const spenders = summary.customers
    .filter((c) => c.frequency > 0 && c.monetaryValue !== null && c.monetaryValue > 0)
    .map((c) => ({ frequency: c.frequency, monetaryValue: (c.monetaryValue as number) / unit }));
  if (spenders.length === 0) throw new InputError("no repeat purchase has a positive amount; cannot fit the spend model");
  const gammaGamma = fitGammaGamma(spenders);

  for (const [model, fit] of [["BG/NBD", bgnbd], ["Gamma-Gamma", gammaGamma]] as const) {
    if (!fit.converged) process.stderr.write(`clv: warning: the ${model} fit stopped before converging\n`);
  }
  return {
    customers: summary.customers.length,
    bgnbd: { ...bgnbd.params, logLikelihood: bgnbd.logLikelihood },
    gammaGamma: { ...gammaGamma.params },
  };
});
