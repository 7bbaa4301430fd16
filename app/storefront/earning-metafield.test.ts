import { describe, expect, it } from "vitest";
import { spendPointsFor } from "~/points/domain/earning";
import { DEFAULT_PROGRAM } from "~/points/domain/program";
import { storefrontEarning } from "./earning-metafield";

describe("the earning rules the theme blocks read", () => {
  it("states the rate in minor units, so Liquid's integer arithmetic gives what the ledger awards", () => {
    const program = { ...DEFAULT_PROGRAM, earnRate: { points: 3, perCurrencyUnits: 2 } };
    for (const currency of ["EUR", "JPY", "KWD"]) {
      const e = storefrontEarning(program, currency);
      for (const priceMinor of [1, 99, 199, 200, 1295, 57_900, 1_000_001]) {
        expect(Math.floor((priceMinor * e.points) / e.per_minor), `${priceMinor} ${currency}`).toBe(spendPointsFor(priceMinor, currency, program.earnRate));
      }
    }
    expect(storefrontEarning(program, "JPY").per_minor).toBe(2);
    expect(storefrontEarning(program, "KWD").per_minor).toBe(2000);
  });

  it("keeps product bonuses by product id, the largest one per product, and leaves collection bonuses out", () => {
    const e = storefrontEarning(
      {
        ...DEFAULT_PROGRAM,
        minimumOrderMinor: 1000,
        pointsPerOrder: 5,
        productBonuses: [
          { target: "product", targetId: "7", pointsPerUnit: 20 },
          { target: "collection", targetId: "9", pointsPerUnit: 50 },
          { target: "product", targetId: "8", pointsPerUnit: 10 },
        ],
      },
      "EUR",
    );
    expect(e).toEqual({ currency: "EUR", points: 1, per_minor: 100, minimum_order_minor: 1000, points_per_order: 5, product_bonuses: { "7": 20, "8": 10 } });
  });
});
