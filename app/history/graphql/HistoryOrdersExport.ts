// Bulk export of every order with its refunds for the order history (run through
// bulkOperationRunQuery). subtotalPriceSet is merchandise after discounts, before returns, without
// shipping and tax; refunds count their refund line items' subtotals (the same basis).
export const HISTORY_ORDERS_EXPORT_QUERY = `#graphql
  query HistoryOrdersExport {
    orders {
      edges {
        node {
          id
          createdAt
          updatedAt
          cancelledAt
          customer {
            id
            createdAt
            updatedAt
          }
          subtotalPriceSet {
            shopMoney {
              amount
              currencyCode
            }
          }
          refunds {
            id
            createdAt
            refundLineItems {
              edges {
                node {
                  subtotalSet {
                    shopMoney {
                      amount
                      currencyCode
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
` as const;
