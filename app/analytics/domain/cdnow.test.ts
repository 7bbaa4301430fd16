/**
 * Reproduces the published CDNOW results (Fader, Hardie & Lee 2005; `lifetimes` documentation) from
 * the real data file, through the same CSV path merchants' exports take. Published figures are
 * compared at the precision they were published with (half a unit of their last digit).
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { cdnowToPurchasesCsv } from "../../../scripts/lib/cdnow";
import { conditionalExpectedPurchases, expectedPurchasesForNewCustomer, fitBgNbd, type BgNbdFit } from "./bgnbd";
import { parsePurchasesCsv } from "./csv";
import { fitGammaGamma, type GammaGammaFit } from "./gamma-gamma";
import { buildRfmSummary, type RfmSummary } from "./rfm";

const samplePath =
  process.env.CDNOW_SAMPLE ?? fileURLToPath(new URL("../../../data/cdnow/CDNOW_sample.txt", import.meta.url));

function expectPublished(actual: number, published: string): void {
  const decimals = published.split(".")[1]?.length ?? 0;
  expect(Math.abs(actual - Number(published))).toBeLessThanOrEqual(0.5 * 10 ** -decimals + 1e-12);
}

function repeatSpenders(summary: RfmSummary) {
  // Gamma-Gamma in dollars, on customers with at least one repeat purchase (as published).
  return summary.customers
    .filter((c) => c.frequency > 0 && (c.monetaryValue ?? 0) > 0)
    .map((c) => ({ frequency: c.frequency, monetaryValue: (c.monetaryValue as number) / 100 }));
}

describe("CDNOW sample", () => {
  let calibration: RfmSummary;
  let wholePeriod: RfmSummary;
  let bgnbd: BgNbdFit;
  let gammaGamma: GammaGammaFit;

  beforeAll(() => {
    if (!existsSync(samplePath)) {
      throw new Error(`CDNOW sample not found at ${samplePath} (set CDNOW_SAMPLE to its path)`);
    }
    const purchases = parsePurchasesCsv(cdnowToPurchasesCsv(readFileSync(samplePath, "utf8"))).rows;
    calibration = buildRfmSummary(purchases, { calibrationEnd: "1997-09-30", observationEnd: "1998-06-30" });
    wholePeriod = buildRfmSummary(purchases, { calibrationEnd: "1998-06-30" });
    bgnbd = fitBgNbd(calibration.customers);
    gammaGamma = fitGammaGamma(repeatSpenders(calibration));
  });

  it("has the cohort of the papers: 2,357 customers (1,411 of them without a repeat purchase in 39 weeks)", () => {
    expect(calibration.customers).toHaveLength(2357);
    expect(calibration.customers.filter((c) => c.frequency === 0)).toHaveLength(1411);
  });

  it("reproduces the BG/NBD fit: r 0.243, α 4.414, a 0.793, b 2.426, LL −9582.4", () => {
    expect(bgnbd.converged).toBe(true);
    expectPublished(bgnbd.params.r, "0.243");
    expectPublished(bgnbd.params.alpha, "4.414");
    expectPublished(bgnbd.params.a, "0.793");
    expectPublished(bgnbd.params.b, "2.426");
    expectPublished(bgnbd.logLikelihood, "-9582.4");
  });

  it("reproduces E[Y(39) | x = 2, t_x = 30.43, T = 38.86] = 1.226", () => {
    expectPublished(conditionalExpectedPurchases(bgnbd.params, 39, 2, 30.43, 38.86), "1.226");
  });

  it("reproduces the Gamma-Gamma fit p 6.25, q 3.74, γ 15.44 on the calibration period's 946 repeat customers", () => {
    expect(gammaGamma.customers).toBe(946);
    expect(gammaGamma.converged).toBe(true);
    expectPublished(gammaGamma.params.p, "6.25");
    expectPublished(gammaGamma.params.q, "3.74");
    expectPublished(gammaGamma.params.gamma, "15.44");
  });

  it("does not reproduce it on the whole data set to 1998-06-30 (documents the data window)", () => {
    const whole = fitGammaGamma(repeatSpenders(wholePeriod));
    expect(whole.customers).toBe(1139);
    expect(Math.abs(whole.params.p - 6.25)).toBeGreaterThan(1);
  });

  it("tracks cumulative repeat purchases to 1998-06-30 within 5 % (the paper's Figure 2 check)", () => {
    // Each customer's expected repeat purchases from their first purchase to the end of the data.
    const endDay = wholePeriod.calibrationEndDay;
    const forecast = calibration.customers.reduce(
      (sum, c) => sum + expectedPurchasesForNewCustomer(bgnbd.params, (endDay - c.firstPurchaseDay) / 7),
      0,
    );
    const actual = calibration.customers.reduce((sum, c) => sum + c.frequency + c.holdoutPurchases, 0);
    expect(actual).toBe(4339);
    expect(Math.abs(forecast - actual) / actual).toBeLessThan(0.05);
  });

  it("under-forecasts the 39-week holdout for the sample by about 12 % (recorded, not tuned away)", () => {
    const forecast = calibration.customers.reduce(
      (sum, c) => sum + conditionalExpectedPurchases(bgnbd.params, 39, c.frequency, c.recency, c.age),
      0,
    );
    const actual = calibration.customers.reduce((sum, c) => sum + c.holdoutPurchases, 0);
    expect(actual).toBe(1882);
    expect(forecast).toBeGreaterThan(1600);
    expect(forecast).toBeLessThan(1700);
  });
});
