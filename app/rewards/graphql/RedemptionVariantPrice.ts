// A free-product redemption takes one unit of the variant off: its price now, in the shop's currency.
export const REDEMPTION_VARIANT_PRICE_QUERY = `#graphql
  query RedemptionVariantPrice($id: ID!) {
    productVariant(id: $id) {
      id
      price
    }
  }
` as const;
