// Shopify's REST JSON for webhook payloads (orders, refunds, customers, shop, bulk, compliance).
// Timestamps carry the shop's UTC offset; money is "12.50" strings plus *_set pairs.
import { restAmount, restMoneySet } from "./money";
import {
  customerStats, findCustomer, orderTotals, productFor,
  type ShopState, type StandinBulkOperation, type StandinCustomer, type StandinLine, type StandinOrder, type StandinRefund,
} from "./state";
import { restTime } from "./time";

const gid = (type: string, id: number) => `gid://shopify/${type}/${id}`;

export function customerAddressJson(shop: ShopState, c: StandinCustomer) {
  if (!c.address) return null;
  const code = c.address.countryCode;
  let country: string | null = null;
  try {
    country = code ? new Intl.DisplayNames(["en"], { type: "region" }).of(code) ?? code : null;
  } catch {
    country = code;
  }
  return {
    id: c.id, customer_id: c.id, first_name: c.firstName, last_name: c.lastName, company: null,
    address1: c.address.address1, address2: null, city: c.address.city, province: c.address.province, country,
    zip: c.address.zip, phone: c.phone, name: [c.firstName, c.lastName].filter(Boolean).join(" "),
    province_code: null, country_code: code, country_name: country, default: true,
  };
}

export function customerJson(shop: ShopState, c: StandinCustomer, opts: { brief?: boolean } = {}) {
  const tz = shop.info.timezone;
  const address = customerAddressJson(shop, c);
  const base = {
    id: c.id,
    email: c.email,
    created_at: restTime(c.createdAt, tz),
    updated_at: restTime(c.updatedAt, tz),
    first_name: c.firstName,
    last_name: c.lastName,
    state: c.state.toLowerCase(),
    note: c.note,
    verified_email: c.verifiedEmail,
    multipass_identifier: null,
    tax_exempt: false,
    phone: c.phone,
    email_marketing_consent: c.email ? { state: c.emailMarketing ?? "not_subscribed", opt_in_level: "single_opt_in", consent_updated_at: null } : null,
    sms_marketing_consent: null,
    tags: c.tags.join(", "),
    currency: shop.info.currency,
    tax_exemptions: [] as string[],
    admin_graphql_api_id: gid("Customer", c.id),
    default_address: address,
  };
  if (opts.brief) return base;
  const stats = customerStats(shop, c.id);
  return {
    ...base,
    orders_count: stats.numberOfOrders,
    total_spent: restAmount(stats.amountSpentMinor, shop.info.currency),
    last_order_id: stats.lastOrder?.id ?? null,
    last_order_name: stats.lastOrder?.name ?? null,
    addresses: address ? [address] : [],
  };
}

function lineItemJson(shop: ShopState, o: StandinOrder, l: StandinLine, refundedQty: number) {
  const cur = o.currency;
  const [productId, variantId] = l[1] ? productFor(shop, l[1], l[2]) : [null, null];
  const current = o.cancelledAt ? 0 : l[3] - refundedQty;
  return {
    id: l[0],
    admin_graphql_api_id: gid("LineItem", l[0]),
    attributed_staffs: [],
    current_quantity: current,
    fulfillable_quantity: current,
    fulfillment_service: "manual",
    fulfillment_status: null,
    gift_card: false,
    grams: 0,
    name: l[2],
    price: restAmount(l[4], cur),
    price_set: restMoneySet(l[4], cur),
    product_exists: productId !== null,
    product_id: productId,
    properties: [],
    quantity: l[3],
    requires_shipping: true,
    sku: l[1] || null,
    taxable: true,
    title: l[2],
    total_discount: restAmount(l[5], cur),
    total_discount_set: restMoneySet(l[5], cur),
    variant_id: variantId,
    variant_inventory_management: null,
    variant_title: null,
    vendor: null,
    tax_lines: [],
    duties: [],
    discount_allocations: l[5] ? [{ amount: restAmount(l[5], cur), amount_set: restMoneySet(l[5], cur), discount_application_index: 0 }] : [],
  };
}

function transactionJson(shop: ShopState, o: StandinOrder, r: StandinRefund | null, amount: number) {
  const tz = shop.info.timezone;
  const at = r ? r.createdAt : o.processedAt;
  const id = r ? r.transactionId : o.id * 10 + 1;
  return {
    id,
    order_id: o.id,
    kind: r ? "refund" : "sale",
    gateway: "manual",
    status: "success",
    message: r ? "Refunded" : "Marked the manual payment as received",
    created_at: restTime(at, tz),
    test: o.test,
    authorization: null,
    location_id: null,
    user_id: null,
    parent_id: r ? o.id * 10 + 1 : null,
    processed_at: restTime(at, tz),
    device_id: null,
    error_code: null,
    source_name: r ? "1830279" : "web",
    receipt: {},
    amount: restAmount(amount, o.currency),
    currency: o.currency,
    payment_id: `${o.id}.${r ? 2 : 1}`,
    total_unsettled_set: restMoneySet(0, o.currency),
    manual_payment_gateway: true,
    admin_graphql_api_id: gid("OrderTransaction", id),
  };
}

export function refundJson(shop: ShopState, o: StandinOrder, r: StandinRefund) {
  const tz = shop.info.timezone;
  const cur = o.currency;
  return {
    id: r.id,
    order_id: o.id,
    created_at: restTime(r.createdAt, tz),
    note: r.note,
    user_id: null,
    processed_at: restTime(r.createdAt, tz),
    restock: false,
    duties: [],
    total_duties_set: restMoneySet(0, cur),
    return: null,
    refund_shipping_lines: [],
    admin_graphql_api_id: gid("Refund", r.id),
    order_adjustments: r.shippingMinor
      ? [{ id: r.transactionId + 1, order_id: o.id, refund_id: r.id, amount: restAmount(-r.shippingMinor, cur), amount_set: restMoneySet(-r.shippingMinor, cur), tax_amount: "0.00", tax_amount_set: restMoneySet(0, cur), kind: "shipping_refund", reason: "Shipping refund" }]
      : [],
    refund_line_items: r.lines.map(([lineId, qty, subtotal, id]) => {
      const line = o.lines.find((l) => l[0] === lineId)!;
      return {
        id,
        line_item_id: lineId,
        location_id: null,
        quantity: qty,
        restock_type: "no_restock",
        subtotal: restAmount(subtotal, cur),
        subtotal_set: restMoneySet(subtotal, cur),
        total_tax: restAmount(0, cur),
        total_tax_set: restMoneySet(0, cur),
        line_item: lineItemJson(shop, o, line, 0),
      };
    }),
    transactions: r.amountMinor > 0 ? [transactionJson(shop, o, r, r.amountMinor)] : [],
  };
}

export function orderJson(shop: ShopState, o: StandinOrder) {
  const tz = shop.info.timezone;
  const cur = o.currency;
  const t = orderTotals(shop, o);
  const customer = o.customerId != null ? findCustomer(shop, o.customerId) : undefined;
  const money = (minor: number) => restAmount(minor, cur);
  const set = (minor: number) => restMoneySet(minor, cur);
  return {
    id: o.id,
    admin_graphql_api_id: gid("Order", o.id),
    app_id: null,
    browser_ip: null,
    buyer_accepts_marketing: false,
    cancel_reason: o.cancelReason ? o.cancelReason.toLowerCase() : null,
    cancelled_at: restTime(o.cancelledAt, tz),
    cart_token: null,
    checkout_id: null,
    checkout_token: null,
    client_details: null,
    closed_at: restTime(o.closedAt, tz),
    confirmation_number: null,
    confirmed: true,
    contact_email: o.email,
    created_at: restTime(o.createdAt, tz),
    currency: cur,
    current_shipping_price_set: set(Math.max(0, o.shippingMinor - t.refundedShippingMinor)),
    current_subtotal_price: money(t.currentSubtotalMinor),
    current_subtotal_price_set: set(t.currentSubtotalMinor),
    current_total_additional_fees_set: null,
    current_total_discounts: money(t.currentDiscountsMinor),
    current_total_discounts_set: set(t.currentDiscountsMinor),
    current_total_duties_set: null,
    current_total_price: money(t.currentTotalMinor),
    current_total_price_set: set(t.currentTotalMinor),
    current_total_tax: money(t.currentTaxMinor),
    current_total_tax_set: set(t.currentTaxMinor),
    customer_locale: o.customerLocale ?? "en",
    device_id: null,
    discount_codes: o.discountCodes.map((d) => ({ code: d.code, amount: money(d.amountMinor), type: d.type })),
    duties_included: false,
    email: o.email,
    estimated_taxes: false,
    financial_status: t.financialStatus.toLowerCase(),
    fulfillment_status: null,
    landing_site: null,
    landing_site_ref: null,
    location_id: null,
    merchant_of_record_app_id: null,
    name: o.name,
    note: o.note,
    note_attributes: [],
    number: o.number,
    order_number: o.number,
    order_status_url: `https://${shop.domain}/${shop.info.id}/orders/${o.id.toString(16)}/authenticate`,
    original_total_additional_fees_set: null,
    original_total_duties_set: null,
    payment_gateway_names: ["manual"],
    phone: null,
    po_number: null,
    presentment_currency: cur,
    processed_at: restTime(o.processedAt, tz),
    reference: null,
    referring_site: null,
    source_identifier: null,
    source_name: o.sourceName,
    source_url: null,
    subtotal_price: money(t.subtotalMinor),
    subtotal_price_set: set(t.subtotalMinor),
    tags: o.tags.join(", "),
    tax_exempt: false,
    tax_lines: [],
    taxes_included: o.taxesIncluded,
    test: o.test,
    token: o.id.toString(16),
    total_discounts: money(t.discountsMinor),
    total_discounts_set: set(t.discountsMinor),
    total_line_items_price: money(t.lineItemsMinor),
    total_line_items_price_set: set(t.lineItemsMinor),
    total_outstanding: money(o.paymentStatus === "PAID" || o.cancelledAt ? 0 : t.totalMinor),
    total_price: money(t.totalMinor),
    total_price_set: set(t.totalMinor),
    total_shipping_price_set: set(o.shippingMinor),
    total_tax: money(o.taxMinor),
    total_tax_set: set(o.taxMinor),
    total_tip_received: money(0),
    total_weight: 0,
    updated_at: restTime(o.updatedAt, tz),
    user_id: null,
    billing_address: null,
    customer: customer ? customerJson(shop, customer, { brief: true }) : null,
    discount_applications: o.discountCodes.map((d) => ({
      target_type: d.type === "shipping" ? "shipping_line" : "line_item", type: "discount_code", value: money(d.amountMinor),
      value_type: d.type === "percentage" ? "percentage" : "fixed_amount", allocation_method: "across", target_selection: "all", code: d.code,
    })),
    fulfillments: [],
    line_items: o.lines.map((l) => lineItemJson(shop, o, l, t.refundedQuantity.get(l[0]) ?? 0)),
    payment_terms: null,
    refunds: o.refunds.map((r) => refundJson(shop, o, r)),
    shipping_address: null,
    shipping_lines: o.shippingMinor
      ? [{ id: o.id * 10 + 2, carrier_identifier: null, code: "Standard", discounted_price: money(o.shippingMinor), discounted_price_set: set(o.shippingMinor), is_removed: false, phone: null, price: money(o.shippingMinor), price_set: set(o.shippingMinor), requested_fulfillment_service_id: null, source: "shopify", title: "Standard", tax_lines: [], discount_allocations: [] }]
      : [],
  };
}

export function shopJson(shop: ShopState) {
  const tz = shop.info.timezone;
  return {
    id: shop.info.id,
    name: shop.info.name,
    email: shop.info.email,
    domain: shop.domain,
    province: null,
    country: shop.info.countryCode,
    address1: null,
    zip: null,
    city: null,
    source: null,
    phone: null,
    latitude: null,
    longitude: null,
    primary_locale: "en",
    address2: null,
    created_at: restTime(shop.info.createdAt, tz),
    updated_at: restTime(shop.info.updatedAt ?? shop.info.createdAt, tz),
    country_code: shop.info.countryCode,
    country_name: shop.info.countryCode,
    currency: shop.info.currency,
    customer_email: shop.info.email,
    timezone: `(GMT+00:00) ${tz}`,
    iana_timezone: tz,
    shop_owner: shop.info.name,
    money_format: "{{amount}}",
    money_with_currency_format: `{{amount}} ${shop.info.currency}`,
    weight_unit: "kg",
    province_code: null,
    taxes_included: true,
    auto_configure_tax_inclusivity: null,
    tax_shipping: null,
    county_taxes: true,
    plan_display_name: shop.info.planDisplayName,
    plan_name: "partner_test",
    has_discounts: shop.discounts.length > 0,
    has_gift_cards: false,
    myshopify_domain: shop.domain,
    google_apps_domain: null,
    google_apps_login_enabled: null,
    money_in_emails_format: "{{amount}}",
    money_with_currency_in_emails_format: `{{amount}} ${shop.info.currency}`,
    eligible_for_payments: true,
    requires_extra_payments_agreement: false,
    password_enabled: true,
    has_storefront: true,
    finances: true,
    primary_location_id: null,
    checkout_api_supported: true,
    multi_location_enabled: true,
    setup_required: false,
    pre_launch_enabled: false,
    enabled_presentment_currencies: [shop.info.currency],
    marketing_sms_consent_enabled_at_checkout: false,
    transactional_sms_disabled: false,
  };
}

export function bulkFinishJson(b: StandinBulkOperation, shop: ShopState) {
  return {
    admin_graphql_api_id: gid("BulkOperation", b.id),
    completed_at: restTime(b.completedAt, shop.info.timezone),
    created_at: restTime(b.createdAt, shop.info.timezone),
    error_code: b.errorCode ? b.errorCode.toLowerCase() : null,
    status: b.status.toLowerCase(),
    type: b.type.toLowerCase(),
  };
}

export function customersRedactJson(shop: ShopState, c: StandinCustomer, orderIds: number[]) {
  return { shop_id: shop.info.id, shop_domain: shop.domain, customer: { id: c.id, email: c.email, phone: c.phone }, orders_to_redact: orderIds };
}

export function customersDataRequestJson(shop: ShopState, c: StandinCustomer, orderIds: number[], requestId: number) {
  return { shop_id: shop.info.id, shop_domain: shop.domain, orders_requested: orderIds, customer: { id: c.id, email: c.email, phone: c.phone }, data_request: { id: requestId } };
}

export function shopRedactJson(shop: ShopState) {
  return { shop_id: shop.info.id, shop_domain: shop.domain };
}
