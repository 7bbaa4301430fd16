// What the theme's product and cart blocks need to say "earn N points" without asking the app: the program's
// earning rules as an app-data metafield (`app.metafields.treue.earning` in Liquid), written whenever the
// program is saved. Liquid does integer arithmetic on minor units, so the rate travels as points per
// `per_minor` minor units: floor(price × points / per_minor) is the spend points earning.ts awards before tier
// and campaign multipliers (the blocks show what every shopper earns at least).
import { currencyMinorDigits } from "~/points/domain/money";
import type { LoyaltyProgram } from "~/points/domain/program";

export const STOREFRONT_EARNING_METAFIELD = { namespace: "treue", key: "earning", type: "json" } as const;

export interface StorefrontEarning {
  /** The shop's currency: a storefront showing prices in another one shows no count (earning is in this one). */
  currency: string;
  points: number;
  per_minor: number;
  minimum_order_minor: number;
  points_per_order: number;
  /** Shopify's numeric product id → extra points per unit (product bonuses; collection bonuses can't be told from Liquid here). */
  product_bonuses: Record<string, number>;
}

export function storefrontEarning(program: Pick<LoyaltyProgram, "earnRate" | "minimumOrderMinor" | "pointsPerOrder" | "productBonuses">, currency: string): StorefrontEarning {
  const product_bonuses: Record<string, number> = {};
  for (const bonus of program.productBonuses) {
    // The largest bonus for a product wins, as in earning.ts.
    if (bonus.target === "product") product_bonuses[bonus.targetId] = Math.max(product_bonuses[bonus.targetId] ?? 0, bonus.pointsPerUnit);
  }
  return {
    currency,
    points: program.earnRate.points,
    per_minor: program.earnRate.perCurrencyUnits * 10 ** currencyMinorDigits(currency),
    minimum_order_minor: program.minimumOrderMinor,
    points_per_order: program.pointsPerOrder,
    product_bonuses,
  };
}
