// Shared shape between the online-retail loader and the Shopify stand-in's importSeed.
// Money is integer minor units in the order's currency; times are ISO-8601 UTC.
export interface SeedCustomer { id: number; legacyCustomerId: string; firstName: string; lastName: string; email: string; countryCode: string; createdAt: string /* ISO UTC */; }
export interface SeedLine { sku: string; title: string; quantity: number; unitPriceMinor: number; }
export interface SeedRefundLine { sku: string; quantity: number; amountMinor: number; }
export interface SeedRefund { id: number; createdAt: string; lines: SeedRefundLine[]; amountMinor: number; }
export interface SeedOrder { id: number; name: string; customerId: number | null; createdAt: string; currency: string; lines: SeedLine[]; refunds: SeedRefund[]; }
export interface ShopSeed { shop: { name: string; email: string; currency: string; timezone: string; countryCode: string }; customers: SeedCustomer[]; orders: SeedOrder[]; }
