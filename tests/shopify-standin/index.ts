// A local "Shopify" for one or more shops: Admin GraphQL with the real schema, OAuth token
// exchange, session-token minting, webhooks out, and a small control API for tests and the
// demo. See README.md in this folder.
import { flowActionRequest, readFlowExtensions } from "./flow";
import { createHash } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  accessTokenValid, handleTokenRequest, mintAdminIdToken as mintAdmin, mintCheckoutToken as mintCheckout,
  mintCustomerAccountToken as mintCustomerAccount, offlineTokenFor, parseTokenRequest,
} from "./auth";
import type { StandinCore } from "./graphql/context";
import { MAX_AVAILABLE, type Bucket } from "./graphql/cost";
import { handleGraphql, type Fault, type FaultKind } from "./graphql/handler";
import { validateNewCustomer, buildCustomer } from "./graphql/mutations";
import { adminSchema } from "./graphql/schema";
import { acceptStagedUpload } from "./graphql/staged-uploads";
import { applyCancel, applyCreateOrder, applyMarkPaid, applyRefund, StandinInputError, type CancelInput, type CreateOrderInput, type MarkPaidInput, type RefundInput } from "./orders";
import { customerJson, customersDataRequestJson, customersRedactJson, orderJson, refundJson, shopJson, shopRedactJson } from "./rest";
import type { ShopSeed } from "./seed/types";
import {
  createEmptyState, ensureShop, findCustomer, findOrder, importSeed as importSeedIntoState, insertSorted, nextId, ordersOfCustomer, productFor, touch,
  type ShopState, type StandinCollection, type StandinCustomer, type StandinOrder, type StandinRefund, type StandinState,
} from "./state";
import { appBridgeShim } from "./app-bridge-shim";
import { isoUtc } from "./time";
import { readWebhookSubscriptions, type WebhookSubscription } from "./toml";
import { signedAppProxyQuery } from "./app-proxy";
import { prepareWebhooks, sendPrepared, shuffle, type PreparedWebhook, type PrepareOptions, type WebhookDelivery } from "./webhooks";

export type { StandinState, ShopState, StandinOrder, StandinCustomer, StandinRefund } from "./state";
export type { CreateOrderInput, RefundInput, CancelInput, MarkPaidInput } from "./orders";
export type { PreparedWebhook, WebhookDelivery } from "./webhooks";
export type { FaultKind } from "./graphql/handler";
export { createEmptyState } from "./state";
export { StandinInputError } from "./orders";

export interface StartOptions {
  port?: number;
  host?: string;
  shop: string;
  apiKey: string;
  apiSecret: string;
  appUrl?: string;
  appTomlPath?: string;
  apiVersion?: string;
  state?: StandinState;
  /** delay before each bulk operation status step (CREATED→RUNNING→COMPLETED); default 50 ms */
  bulkDelayMs?: number;
}

export type WebhookMode = "send" | "hold" | "none";

export interface InjectFault { operation?: string; kind: FaultKind; times?: number; delayMs?: number; /** USER_ERROR: the userError's message */ message?: string }

export interface RequestLogEntry { shop: string; operationName?: string; rootFields: string[]; status: number; fault?: FaultKind; at: string }

export interface ShopifyStandin {
  url: string;
  state: StandinState;
  /** the shop used when a request names none */
  shop: string;
  setAppUrl(url: string): void;
  accessTokenFor(shop?: string): string;
  mintAdminIdToken(opts?: { shop?: string; userId?: number | string; expiresInSeconds?: number }): string;
  mintCheckoutToken(opts?: { shop?: string; customerGid?: string | null; expiresInSeconds?: number }): string;
  mintCustomerAccountToken(opts: { shop?: string; customerGid: string; expiresInSeconds?: number }): string;
  /** sign and POST one topic's payload to every subscription for it in shopify.app.toml */
  deliverWebhook(topic: string, payload: unknown, opts?: PrepareOptions & { shop?: string; duplicates?: number }): Promise<WebhookDelivery[]>;
  /** the same, unsent: shuffle, duplicate or delay them, then deliverWebhooks() */
  prepareWebhook(topic: string, payload: unknown, opts?: PrepareOptions & { shop?: string }): PreparedWebhook[];
  deliverWebhooks(list: PreparedWebhook[], opts?: { order?: "as-is" | "reversed" | "shuffled"; seed?: number }): Promise<WebhookDelivery[]>;
  /** webhooks held back by helpers called with { webhooks: "hold" } */
  heldWebhooks: PreparedWebhook[];
  takeHeldWebhooks(): PreparedWebhook[];
  webhookLog: WebhookDelivery[];
  createOrder(input: CreateOrderInput, opts?: { shop?: string; webhooks?: WebhookMode }): Promise<StandinOrder>;
  refundOrder(orderId: number | string, input?: RefundInput, opts?: { shop?: string; webhooks?: WebhookMode }): Promise<StandinRefund>;
  cancelOrder(orderId: number | string, input?: CancelInput, opts?: { shop?: string; webhooks?: WebhookMode }): Promise<StandinOrder>;
  /**
   * The URL at the app that a storefront request to /<prefix>/<subpath><path> is forwarded to, signed as Shopify
   * signs it ([app_proxy] in shopify.app.toml); `loggedInCustomerId` null or absent: a guest.
   */
  appProxyUrl(path: string, opts?: { shop?: string; loggedInCustomerId?: number | string | null; query?: Record<string, string> }): string;
  /** an order placed unpaid (financialStatus PENDING or AUTHORIZED) is paid: orders/updated and orders/paid are sent */
  markOrderPaid(orderId: number | string, input?: MarkPaidInput, opts?: { shop?: string; webhooks?: WebhookMode }): Promise<StandinOrder>;
  /** A collection holding the products of these SKUs (made as order lines make them); collections/create is sent. */
  createCollection(input: { title: string; skus: string[] }, opts?: { shop?: string; webhooks?: WebhookMode }): Promise<StandinCollection>;
  /** The merchant changes which products a collection holds: collections/update is sent. */
  setCollectionProducts(collectionId: number, skus: string[], opts?: { shop?: string; webhooks?: WebhookMode }): Promise<StandinCollection>;
  /** A product edited in the admin: products/update is sent (with its id and title, as Shopify's payload starts). */
  updateProduct(sku: string, opts?: { shop?: string; webhooks?: WebhookMode }): Promise<void>;
  createCustomer(input: { email?: string; firstName?: string; lastName?: string; phone?: string; tags?: string[]; countryCode?: string; createdAt?: string; note?: string }, opts?: { shop?: string; webhooks?: WebhookMode }): Promise<StandinCustomer>;
  /** merchant uninstalls: tokens stop working, app/uninstalled is sent */
  /** Changes a customer as the admin would (customers/update). */
  updateCustomer(
    customerId: number | string,
    changes: { email?: string | null; firstName?: string | null; lastName?: string | null; emailMarketing?: StandinCustomer["emailMarketing"] },
    opts?: { shop?: string; webhooks?: WebhookMode },
  ): Promise<StandinCustomer>;
  /** Deletes an order as the admin would (orders/delete, whose payload is the id only). */
  deleteOrder(orderId: number | string, opts?: { shop?: string; webhooks?: WebhookMode }): Promise<void>;
  /** Deletes a customer as the admin would (customers/delete, whose payload is the id only). */
  deleteCustomer(customerId: number | string, opts?: { shop?: string; webhooks?: WebhookMode }): Promise<void>;
  /** Changes the shop's settings (shop/update). */
  updateShop(changes: { name?: string; currency?: string; timezone?: string }, opts?: { shop?: string; webhooks?: WebhookMode }): Promise<void>;
  uninstallApp(opts?: { shop?: string; webhooks?: WebhookMode }): Promise<void>;
  requestCustomerRedact(customerId: number | string, opts?: { shop?: string }): Promise<WebhookDelivery[]>;
  requestCustomerData(customerId: number | string, opts?: { shop?: string }): Promise<WebhookDelivery[]>;
  requestShopRedact(opts?: { shop?: string }): Promise<WebhookDelivery[]>;
  /**
   * Runs one of the app's Flow actions as Flow does: a POST of the run to the action's runtime_url path on the
   * app, signed with the app secret. `actionRunId` names the run (Flow retries a run with the same id).
   */
  sendFlowAction(input: { handle: string; properties: Record<string, unknown>; actionRunId?: string; secret?: string }, opts?: { shop?: string }): Promise<{ status: number; body: string }>;
  orderPayload(orderId: number | string, shop?: string): unknown;
  customerPayload(customerId: number | string, shop?: string): unknown;
  importSeed(seed: ShopSeed, shop?: string): ShopState;
  injectFault(f: InjectFault): void;
  clearFaults(): void;
  /**
   * Sets how many cost points the shop's rate-limit bucket holds now; it refills from here at `restoreRate`
   * points/s (default 100; Shopify's depends on the plan, 50 to 1000).
   */
  setCostBucket(available: number, opts?: { shop?: string; restoreRate?: number }): void;
  requests: RequestLogEntry[];
  saveState(file: string): Promise<void>;
  close(): Promise<void>;
}

export async function loadStandinState(file: string): Promise<StandinState> {
  const parsed = JSON.parse(await readFile(file, "utf8")) as StandinState;
  if (parsed?.version !== 1 || typeof parsed.shops !== "object") throw new Error(`${file} is not a Shopify stand-in snapshot`);
  return parsed;
}

/** Builds the JSON snapshot with the whole state, without stringifying it as one giant value. */
async function writeSnapshot(file: string, state: StandinState): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const parts: string[] = [`{"version":1,"shops":{`];
  const shops = Object.entries(state.shops);
  shops.forEach(([domain, shop], i) => {
    const { orders, ...rest } = shop;
    const head = JSON.stringify(rest);
    parts.push(`${JSON.stringify(domain)}:${head.slice(0, -1)},"orders":[`);
    for (let k = 0; k < orders.length; k += 2000) parts.push((k ? "," : "") + orders.slice(k, k + 2000).map((o) => JSON.stringify(o)).join(","));
    parts.push(`]}${i < shops.length - 1 ? "," : ""}`);
  });
  parts.push("}}");
  await writeFile(file, parts.join(""));
}

function findAppToml(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, "shopify.app.toml");
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return existsSync(join(process.cwd(), "shopify.app.toml")) ? join(process.cwd(), "shopify.app.toml") : null;
}

function appIdFor(apiKey: string): number {
  return 100_000_000 + (createHash("sha256").update(apiKey).digest().readUInt32BE(0) % 900_000_000);
}

const readBodyBuffer = (req: IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });

const readBody = async (req: IncomingMessage) => (await readBodyBuffer(req)).toString("utf8");

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  if (res.headersSent || res.destroyed) return;
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

const MYSHOPIFY = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/i;

export async function startShopifyStandin(opts: StartOptions): Promise<ShopifyStandin> {
  const apiVersion = opts.apiVersion ?? "2026-10";
  const state = opts.state ?? createEmptyState();
  const tomlPath = opts.appTomlPath ?? findAppToml();
  const toml = tomlPath ? readWebhookSubscriptions(tomlPath) : { subscriptions: [] as WebhookSubscription[], scopes: undefined };
  const subscriptions = toml.subscriptions;
  ensureShop(state, opts.shop, toml.scopes);
  let appUrl: string | null = opts.appUrl ?? null;
  let origin = "";
  let closing = false;
  const pendingSleeps = new Set<() => void>();
  const buckets = new Map<string, Bucket>();
  const faults: { operation: string; kind: FaultKind; remaining: number; delayMs?: number; message?: string }[] = [];
  const requests: RequestLogEntry[] = [];
  const webhookLog: WebhookDelivery[] = [];
  const heldWebhooks: PreparedWebhook[] = [];
  const inflight = new Set<Promise<unknown>>();
  const bulkDir = join(tmpdir(), `treue-standin-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  const cfg = { apiKey: opts.apiKey, apiSecret: opts.apiSecret };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (closing) return resolve();
      const done = () => {
        clearTimeout(timer);
        pendingSleeps.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      pendingSleeps.add(done);
    });

  const shopOf = (domain?: string) => ensureShop(state, domain ?? opts.shop, toml.scopes);

  const track = <T>(p: Promise<T>): Promise<T> => {
    inflight.add(p);
    void p.finally(() => inflight.delete(p)).catch(() => undefined);
    return p;
  };

  const deliver = async (list: PreparedWebhook[], duplicates = 0): Promise<WebhookDelivery[]> => {
    const out: WebhookDelivery[] = [];
    for (const w of list) {
      for (let attempt = 1; attempt <= 1 + duplicates; attempt++) {
        const d = await sendPrepared(appUrl, w, attempt);
        webhookLog.push(d);
        out.push(d);
      }
    }
    return out;
  };

  /** Helpers send, hold or drop the webhooks their action would cause. */
  const emit = async (shop: ShopState, mode: WebhookMode, topic: string, payload: unknown, eventId?: string): Promise<WebhookDelivery[]> => {
    if (mode === "none") return [];
    const prepared = prepareWebhooks(subscriptions, shop.domain, topic, payload, opts.apiSecret, apiVersion, { eventId });
    if (mode === "hold") {
      heldWebhooks.push(...prepared);
      return [];
    }
    return track(deliver(prepared));
  };

  const core: StandinCore = {
    state, apiKey: opts.apiKey, apiSecret: opts.apiSecret, appId: appIdFor(opts.apiKey), apiVersion,
    url: () => origin, bulkDir, bulkDelayMs: opts.bulkDelayMs ?? 50, sleep, track,
    emitWebhook: (shop, topic, payload) => emit(shop, "send", topic, payload),
    takeUserErrorFault: (field) => {
      const at = faults.findIndex((f) => f.kind === "USER_ERROR" && (f.operation === "*" || f.operation === field));
      if (at < 0) return undefined;
      const f = faults[at];
      if (--f.remaining <= 0) faults.splice(at, 1);
      return { message: f.message ?? "Injected user error" };
    },
  };

  const takeFault = (rootFields: string[]): Fault | undefined => {
    const at = faults.findIndex((f) => f.kind !== "USER_ERROR" && (f.operation === "*" || rootFields.includes(f.operation)));
    if (at < 0) return undefined;
    const f = faults[at];
    if (--f.remaining <= 0) faults.splice(at, 1);
    return { kind: f.kind, delayMs: f.delayMs, operation: f.operation };
  };

  // --- helpers shared by the JS API and the control API ---------------------------------

  const orderIdOf = (id: number | string) => (typeof id === "number" ? id : Number(/(\d+)$/.exec(id)?.[1]));

  const createOrder: ShopifyStandin["createOrder"] = async (input, o = {}) => {
    const shop = shopOf(o.shop);
    const mode = o.webhooks ?? "send";
    const { order, newCustomer } = applyCreateOrder(shop, input);
    if (newCustomer) await emit(shop, mode, "customers/create", customerJson(shop, newCustomer));
    const payload = orderJson(shop, order);
    await emit(shop, mode, "orders/create", payload);
    if (order.paymentStatus === "PAID") await emit(shop, mode, "orders/paid", payload);
    return order;
  };

  const refundOrder: ShopifyStandin["refundOrder"] = async (orderId, input = {}, o = {}) => {
    const shop = shopOf(o.shop);
    const order = findOrder(shop, orderIdOf(orderId));
    if (!order) throw new StandinInputError(`order ${orderId} does not exist`);
    const mode = o.webhooks ?? "send";
    const refund = applyRefund(shop, order, input);
    await emit(shop, mode, "refunds/create", refundJson(shop, order, refund));
    await emit(shop, mode, "orders/updated", orderJson(shop, order));
    return refund;
  };

  const cancelOrder: ShopifyStandin["cancelOrder"] = async (orderId, input = {}, o = {}) => {
    const shop = shopOf(o.shop);
    const order = findOrder(shop, orderIdOf(orderId));
    if (!order) throw new StandinInputError(`order ${orderId} does not exist`);
    const mode = o.webhooks ?? "send";
    const refund = applyCancel(shop, order, input);
    if (refund) await emit(shop, mode, "refunds/create", refundJson(shop, order, refund));
    const payload = orderJson(shop, order);
    await emit(shop, mode, "orders/cancelled", payload);
    await emit(shop, mode, "orders/updated", payload);
    return order;
  };

  const markOrderPaid: ShopifyStandin["markOrderPaid"] = async (orderId, input = {}, o = {}) => {
    const shop = shopOf(o.shop);
    const order = findOrder(shop, orderIdOf(orderId));
    if (!order) throw new StandinInputError(`order ${orderId} does not exist`);
    const mode = o.webhooks ?? "send";
    applyMarkPaid(shop, order, input);
    const payload = orderJson(shop, order);
    await emit(shop, mode, "orders/updated", payload);
    await emit(shop, mode, "orders/paid", payload);
    return order;
  };

  const collectionJson = (c: StandinCollection) => ({ id: c.id, admin_graphql_api_id: `gid://shopify/Collection/${c.id}`, title: c.title, handle: c.title.toLowerCase().replace(/[^a-z0-9]+/g, "-"), updated_at: c.updatedAt });
  const productsOfSkus = (shop: ShopState, skus: string[]) => [...new Set(skus.map((sku) => productFor(shop, sku, sku)[0]))];
  const createCollection: ShopifyStandin["createCollection"] = async (input, o = {}) => {
    const shop = shopOf(o.shop);
    const c: StandinCollection = { id: nextId(shop), title: input.title, productIds: productsOfSkus(shop, input.skus), updatedAt: isoUtc(Date.now()) };
    (shop.collections ??= []).push(c);
    touch(shop);
    await emit(shop, o.webhooks ?? "send", "collections/create", collectionJson(c));
    return c;
  };
  const setCollectionProducts: ShopifyStandin["setCollectionProducts"] = async (collectionId, skus, o = {}) => {
    const shop = shopOf(o.shop);
    const c = shop.collections?.find((x) => x.id === collectionId);
    if (!c) throw new StandinInputError(`collection ${collectionId} does not exist`);
    c.productIds = productsOfSkus(shop, skus);
    c.updatedAt = isoUtc(Date.now());
    touch(shop);
    await emit(shop, o.webhooks ?? "send", "collections/update", collectionJson(c));
    return c;
  };
  const updateProduct: ShopifyStandin["updateProduct"] = async (sku, o = {}) => {
    const shop = shopOf(o.shop);
    const p = shop.products[sku];
    if (!p) throw new StandinInputError(`no product with SKU ${sku}`);
    touch(shop);
    await emit(shop, o.webhooks ?? "send", "products/update", { id: p[0], admin_graphql_api_id: `gid://shopify/Product/${p[0]}`, title: p[2], updated_at: isoUtc(Date.now()) });
  };

  const createCustomer: ShopifyStandin["createCustomer"] = async (input, o = {}) => {
    const shop = shopOf(o.shop);
    const errors = validateNewCustomer({ shop }, input);
    if (errors.length) throw new StandinInputError(errors.map((e) => e.message).join("; "));
    const c = buildCustomer(shop, { ...input, address: input.countryCode ? { countryCode: input.countryCode } : undefined });
    insertSorted(shop.customers, c);
    touch(shop);
    await emit(shop, o.webhooks ?? "send", "customers/create", customerJson(shop, c));
    return c;
  };

  const customerOf = (shop: ShopState, id: number | string) => {
    const c = findCustomer(shop, orderIdOf(id));
    if (!c) throw new StandinInputError(`customer ${id} does not exist`);
    return c;
  };

  const updateCustomer: ShopifyStandin["updateCustomer"] = async (id, changes, o = {}) => {
    const shop = shopOf(o.shop);
    const c = customerOf(shop, id);
    if (changes.email !== undefined) c.email = changes.email?.trim() || null;
    if (changes.firstName !== undefined) c.firstName = changes.firstName;
    if (changes.lastName !== undefined) c.lastName = changes.lastName;
    if (changes.emailMarketing !== undefined) c.emailMarketing = changes.emailMarketing;
    // Strictly later than the last change, as Shopify's updated_at is (the payload has whole seconds).
    c.updatedAt = new Date(Math.max(Date.now(), Date.parse(c.updatedAt) + 1000)).toISOString().replace(/\.\d{3}Z$/, "Z");
    touch(shop);
    await emit(shop, o.webhooks ?? "send", "customers/update", customerJson(shop, c));
    return c;
  };

  const deleteOrder: ShopifyStandin["deleteOrder"] = async (id, o = {}) => {
    const shop = shopOf(o.shop);
    const order = findOrder(shop, orderIdOf(id));
    if (!order) throw new StandinInputError(`order ${id} does not exist`);
    shop.orders.splice(shop.orders.indexOf(order), 1);
    touch(shop);
    await emit(shop, o.webhooks ?? "send", "orders/delete", { id: order.id });
  };

  const deleteCustomer: ShopifyStandin["deleteCustomer"] = async (id, o = {}) => {
    const shop = shopOf(o.shop);
    const c = customerOf(shop, id);
    shop.customers.splice(shop.customers.indexOf(c), 1);
    touch(shop);
    await emit(shop, o.webhooks ?? "send", "customers/delete", { id: c.id });
  };

  const updateShop: ShopifyStandin["updateShop"] = async (changes, o = {}) => {
    const shop = shopOf(o.shop);
    if (changes.name !== undefined) shop.info.name = changes.name;
    if (changes.currency !== undefined) shop.info.currency = changes.currency;
    if (changes.timezone !== undefined) shop.info.timezone = changes.timezone;
    shop.info.updatedAt = new Date().toISOString();
    touch(shop);
    await emit(shop, o.webhooks ?? "send", "shop/update", shopJson(shop));
  };

  const deliverWebhook: ShopifyStandin["deliverWebhook"] = async (topic, payload, o = {}) => {
    const prepared = prepareWebhooks(subscriptions, o.shop ?? opts.shop, topic, payload, opts.apiSecret, apiVersion, o);
    if (!prepared.length) throw new StandinInputError(`no subscription for ${topic} in ${tomlPath ?? "shopify.app.toml"}`);
    return track(deliver(prepared, o.duplicates ?? 0));
  };

  const api: ShopifyStandin = {
    url: "",
    state,
    shop: opts.shop,
    setAppUrl: (url) => {
      appUrl = url;
    },
    accessTokenFor: (shop) => offlineTokenFor(shop ?? opts.shop, opts.apiSecret),
    mintAdminIdToken: (o = {}) => mintAdmin(cfg, o.shop ?? opts.shop, o),
    mintCheckoutToken: (o = {}) => mintCheckout(cfg, o.shop ?? opts.shop, o),
    mintCustomerAccountToken: (o) => mintCustomerAccount(cfg, o.shop ?? opts.shop, o),
    deliverWebhook,
    prepareWebhook: (topic, payload, o = {}) => prepareWebhooks(subscriptions, o.shop ?? opts.shop, topic, payload, opts.apiSecret, apiVersion, o),
    deliverWebhooks: (list, o = {}) => {
      const ordered = o.order === "reversed" ? [...list].reverse() : o.order === "shuffled" ? shuffle(list, o.seed ?? 1) : list;
      return track(deliver(ordered));
    },
    heldWebhooks,
    takeHeldWebhooks: () => heldWebhooks.splice(0, heldWebhooks.length),
    webhookLog,
    createOrder,
    refundOrder,
    updateCustomer,
    deleteCustomer,
    deleteOrder,
    updateShop,
    cancelOrder,
    markOrderPaid,
    appProxyUrl: (path, o = {}) => {
      if (!appUrl) throw new StandinInputError("no app URL: start the stand-in with appUrl or call setAppUrl first");
      if (!toml.appProxy) throw new StandinInputError(`no [app_proxy] in ${tomlPath ?? "shopify.app.toml"}`);
      const query = signedAppProxyQuery({
        shop: o.shop ?? opts.shop,
        secret: opts.apiSecret,
        pathPrefix: toml.appProxy.pathPrefix,
        loggedInCustomerId: o.loggedInCustomerId,
        extra: o.query,
      });
      return `${appUrl.replace(/\/$/, "")}${toml.appProxy.path}${path}?${query}`;
    },
    createCollection,
    setCollectionProducts,
    updateProduct,
    createCustomer,
    uninstallApp: async (o = {}) => {
      const shop = shopOf(o.shop);
      shop.installed = false;
      shop.tokens = {};
      await emit(shop, o.webhooks ?? "send", "app/uninstalled", shopJson(shop));
    },
    requestCustomerRedact: (id, o = {}) => {
      const shop = shopOf(o.shop);
      const c = customerOf(shop, id);
      return deliverWebhook("customers/redact", customersRedactJson(shop, c, ordersOfCustomer(shop, c.id).map((x) => x.id)), { shop: shop.domain });
    },
    requestCustomerData: (id, o = {}) => {
      const shop = shopOf(o.shop);
      const c = customerOf(shop, id);
      return deliverWebhook("customers/data_request", customersDataRequestJson(shop, c, ordersOfCustomer(shop, c.id).map((x) => x.id), Date.now() % 1_000_000), { shop: shop.domain });
    },
    sendFlowAction: async (input, o = {}) => {
      if (!appUrl) throw new StandinInputError("no app URL: start the stand-in with appUrl or call setAppUrl first");
      const shop = shopOf(o.shop);
      const action = readFlowExtensions(tomlPath ? dirname(tomlPath) : process.cwd()).actions.get(input.handle);
      if (!action) throw new StandinInputError(`no flow_action extension with handle ${input.handle}`);
      const request = flowActionRequest({ secret: input.secret ?? opts.apiSecret, shopId: shop.info.id, shop: shop.domain, handle: input.handle, properties: input.properties, actionRunId: input.actionRunId });
      const res = await fetch(`${appUrl.replace(/\/$/, "")}${action.path}`, { method: "POST", headers: request.headers, body: request.body });
      return { status: res.status, body: await res.text() };
    },
    requestShopRedact: (o = {}) => {
      const shop = shopOf(o.shop);
      return deliverWebhook("shop/redact", shopRedactJson(shop), { shop: shop.domain });
    },
    orderPayload: (id, shopDomain) => {
      const shop = shopOf(shopDomain);
      const order = findOrder(shop, orderIdOf(id));
      if (!order) throw new StandinInputError(`order ${id} does not exist`);
      return orderJson(shop, order);
    },
    customerPayload: (id, shopDomain) => {
      const shop = shopOf(shopDomain);
      return customerJson(shop, customerOf(shop, id));
    },
    importSeed: (seed, shop) => importSeedIntoState(state, shop ?? opts.shop, seed),
    injectFault: (f) => {
      faults.push({ operation: f.operation ?? "*", kind: f.kind, remaining: f.times === undefined ? 1 : f.times < 0 ? Infinity : f.times, delayMs: f.delayMs, message: f.message });
    },
    clearFaults: () => {
      faults.length = 0;
    },
    setCostBucket: (available, o) => {
      buckets.set(o?.shop ?? opts.shop, { available: Math.max(0, Math.min(MAX_AVAILABLE, available)), at: Date.now(), restoreRate: o?.restoreRate });
    },
    requests,
    saveState: (file) => writeSnapshot(file, state),
    close: async () => {
      closing = true;
      for (const wake of [...pendingSleeps]) wake();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled([...inflight]);
      await rm(bulkDir, { recursive: true, force: true });
    },
  };

  // --- HTTP ------------------------------------------------------------------------------

  const shopFromHeaders = (req: IncomingMessage): string => {
    const forwarded = String(req.headers["x-forwarded-host"] ?? "").split(",")[0].trim().replace(/:\d+$/, "");
    if (MYSHOPIFY.test(forwarded)) return forwarded.toLowerCase();
    const host = String(req.headers.host ?? "").replace(/:\d+$/, "");
    if (MYSHOPIFY.test(host)) return host.toLowerCase();
    return opts.shop;
  };

  async function handleShopify(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const domain = shopFromHeaders(req);
    const gql = /^\/admin\/api\/([\w-]+)\/graphql\.json$/.exec(url.pathname);
    if (gql && req.method === "POST") {
      const shop = shopOf(domain);
      const body = await readBody(req);
      const token = req.headers["x-shopify-access-token"];
      if (!accessTokenValid(shop, Array.isArray(token) ? token[0] : token, opts.apiSecret)) {
        requests.push({ shop: domain, rootFields: [], status: 401, at: new Date().toISOString() });
        return send(res, 401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
      }
      let bucket = buckets.get(domain);
      if (!bucket) buckets.set(domain, (bucket = { available: MAX_AVAILABLE, at: Date.now() }));
      const reply = await handleGraphql({ core, shop, version: gql[1], body, contentType: String(req.headers["content-type"] ?? "application/json"), bucket, takeFault });
      requests.push({ shop: domain, operationName: reply.operationName, rootFields: reply.rootFields, status: reply.status, fault: reply.fault, at: new Date().toISOString() });
      return send(res, reply.status, reply.body, { "X-Shopify-API-Version": gql[1], "X-Request-Id": crypto.randomUUID(), ...reply.headers });
    }
    if (url.pathname === "/admin/oauth/access_token" && req.method === "POST") {
      const shop = shopOf(domain);
      const params = parseTokenRequest(await readBody(req), String(req.headers["content-type"] ?? ""));
      const reply = handleTokenRequest(cfg, shop, params);
      return send(res, reply.status, reply.body);
    }
    if (url.pathname === "/staged-uploads/" && req.method === "POST") {
      const reply = await acceptStagedUpload(core, await readBodyBuffer(req), String(req.headers["content-type"] ?? ""), origin);
      res.writeHead(reply.status, { "Content-Type": reply.contentType });
      res.end(reply.body);
      return;
    }
    const bulk = /^\/bulk\/([\w-]+\.jsonl)$/.exec(url.pathname);
    if (bulk && req.method === "GET") {
      const file = join(bulkDir, bulk[1]);
      const info = await stat(file).catch(() => null);
      if (!info) return send(res, 404, "<?xml version='1.0' encoding='UTF-8'?><Error><Code>NoSuchKey</Code></Error>", { "Content-Type": "application/xml" });
      res.writeHead(200, { "Content-Type": "application/jsonl", "Content-Length": info.size });
      createReadStream(file).pipe(res);
      return;
    }
    return send(res, 404, { errors: "Not Found" });
  }

  async function handleControl(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname.slice("/__standin".length) || "/";
    const raw = req.method === "GET" || req.method === "DELETE" ? "" : await readBody(req);
    let body: Record<string, any> = {};
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {
      return send(res, 400, { error: "body must be JSON" });
    }
    const shopName: string | undefined = body.shop ?? url.searchParams.get("shop") ?? undefined;
    const shop = () => shopOf(shopName);
    const webhooks = (body.webhooks ?? "send") as WebhookMode;
    const route = `${req.method} ${path}`;
    let m: RegExpExecArray | null;
    switch (route) {
      case "GET /health":
        return send(res, 200, { ok: true, url: origin, shops: Object.keys(state.shops), appUrl, apiVersion });
      case "GET /state": {
        const s = shop();
        return send(res, 200, {
          shop: s.domain, installed: s.installed,
          counts: {
            customers: s.customers.length, orders: s.orders.length,
            lineItems: s.orders.reduce((n, o) => n + o.lines.length, 0),
            refunds: s.orders.reduce((n, o) => n + o.refunds.length, 0),
            discounts: s.discounts.length, metafields: s.metafields.length, bulkOperations: s.bulkOperations.length,
          },
        });
      }
      case "GET /discounts": return send(res, 200, { discounts: shop().discounts });
      case "GET /metafields": {
        const owner = url.searchParams.get("ownerId");
        return send(res, 200, { metafields: shop().metafields.filter((x) => !owner || x.ownerGid === owner) });
      }
      case "GET /requests": return send(res, 200, { requests });
      case "DELETE /requests": requests.length = 0; return send(res, 200, { ok: true });
      case "GET /webhooks": return send(res, 200, { deliveries: webhookLog });
      case "GET /access-token": return send(res, 200, { shop: shop().domain, accessToken: api.accessTokenFor(shop().domain) });
      case "POST /app-url":
        if (typeof body.url !== "string") return send(res, 400, { error: "url is required" });
        api.setAppUrl(body.url);
        return send(res, 200, { appUrl });
      case "POST /tokens/admin":
        // Readable cross-origin: the App Bridge shim asks for tokens from the app's pages.
        return send(res, 200, { token: api.mintAdminIdToken({ shop: shopName, userId: body.userId, expiresInSeconds: body.expiresInSeconds }) }, { "Access-Control-Allow-Origin": "*" });
      case "GET /resources": {
        // What the App Bridge shim's resource picker lists (readable cross-origin, as the token endpoint).
        const type = url.searchParams.get("type");
        const s = shop();
        const resources =
          type === "collection"
            ? (s.collections ?? []).map((c) => ({ id: `gid://shopify/Collection/${c.id}`, title: c.title }))
            : type === "variant"
              ? Object.values(s.products).map((p) => ({ id: `gid://shopify/ProductVariant/${p[1]}`, title: p[2], displayName: `${p[2]} - Default Title` }))
              : Object.values(s.products).map((p) => ({ id: `gid://shopify/Product/${p[0]}`, title: p[2] }));
        return send(res, 200, { resources }, { "Access-Control-Allow-Origin": "*" });
      }
      case "GET /app-bridge.js":
        return send(res, 200, appBridgeShim(origin), { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-store" });
      case "POST /tokens/checkout": return send(res, 200, { token: api.mintCheckoutToken({ shop: shopName, customerGid: body.customerGid ?? null, expiresInSeconds: body.expiresInSeconds }) });
      case "POST /tokens/customer-account":
        if (!body.customerGid) return send(res, 400, { error: "customerGid is required" });
        return send(res, 200, { token: api.mintCustomerAccountToken({ shop: shopName, customerGid: body.customerGid, expiresInSeconds: body.expiresInSeconds }) });
      case "POST /faults":
        if (!["THROTTLED", "INTERNAL_SERVER_ERROR", "HTTP_500", "HTTP_503", "HTTP_429", "TIMEOUT", "USER_ERROR"].includes(body.kind)) return send(res, 400, { error: "unknown fault kind" });
        api.injectFault({ operation: body.operation, kind: body.kind, times: body.times, delayMs: body.delayMs, message: body.message });
        return send(res, 200, { faults: faults.map((f) => ({ ...f, remaining: Number.isFinite(f.remaining) ? f.remaining : -1 })) });
      case "DELETE /faults": api.clearFaults(); return send(res, 200, { ok: true });
      case "POST /webhooks": {
        if (typeof body.topic !== "string") return send(res, 400, { error: "topic is required" });
        const deliveries = await deliverWebhook(body.topic, body.payload ?? {}, {
          shop: shopName, duplicates: body.duplicates, webhookId: body.webhookId, eventId: body.eventId, triggeredAt: body.triggeredAt, badHmac: body.badHmac, apiVersion: body.apiVersion,
        });
        return send(res, 200, { deliveries });
      }
      case "POST /webhooks/held": {
        const held = api.takeHeldWebhooks();
        return send(res, 200, { deliveries: await api.deliverWebhooks(held, { order: body.order, seed: body.seed }) });
      }
      case "POST /orders": {
        const order = await createOrder(body as CreateOrderInput, { shop: shopName, webhooks });
        return send(res, 201, { order: orderJson(shop(), order) });
      }
      case "POST /customers": {
        const c = await createCustomer(body as Parameters<typeof createCustomer>[0], { shop: shopName, webhooks });
        return send(res, 201, { customer: customerJson(shop(), c) });
      }
      case "POST /uninstall": await api.uninstallApp({ shop: shopName, webhooks }); return send(res, 200, { ok: true });
      case "POST /compliance/customers-redact": return send(res, 200, { deliveries: await api.requestCustomerRedact(body.customerId, { shop: shopName }) });
      case "POST /compliance/customers-data-request": return send(res, 200, { deliveries: await api.requestCustomerData(body.customerId, { shop: shopName }) });
      case "POST /compliance/shop-redact": return send(res, 200, { deliveries: await api.requestShopRedact({ shop: shopName }) });
      case "POST /save":
        if (typeof body.file !== "string") return send(res, 400, { error: "file is required" });
        await api.saveState(body.file);
        return send(res, 200, { ok: true });
    }
    if (req.method === "GET" && (m = /^\/orders\/(\d+)$/.exec(path))) return send(res, 200, { order: api.orderPayload(Number(m[1]), shopName) });
    if (req.method === "GET" && (m = /^\/customers\/(\d+)$/.exec(path))) return send(res, 200, { customer: api.customerPayload(Number(m[1]), shopName) });
    if (req.method === "POST" && (m = /^\/orders\/(\d+)\/refunds$/.exec(path))) {
      const refund = await refundOrder(Number(m[1]), body as RefundInput, { shop: shopName, webhooks });
      return send(res, 201, { refund: refundJson(shop(), findOrder(shop(), Number(m[1]))!, refund) });
    }
    if (req.method === "POST" && (m = /^\/orders\/(\d+)\/mark-paid$/.exec(path))) {
      const order = await markOrderPaid(Number(m[1]), body as MarkPaidInput, { shop: shopName, webhooks });
      return send(res, 200, { order: orderJson(shop(), order) });
    }
    if (req.method === "POST" && (m = /^\/orders\/(\d+)\/cancel$/.exec(path))) {
      const order = await cancelOrder(Number(m[1]), body as CancelInput, { shop: shopName, webhooks });
      return send(res, 200, { order: orderJson(shop(), order) });
    }
    return send(res, 404, { error: `no control route ${route}` });
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://standin.local");
    const handler = url.pathname.startsWith("/__standin/") || url.pathname === "/__standin" ? handleControl : handleShopify;
    handler(req, res, url).catch((e: unknown) => {
      if (e instanceof StandinInputError) return send(res, 422, { error: e.message });
      send(res, 500, { errors: "Internal Server Error", detail: (e as Error).message });
    });
  });
  // Connections stay open between calls, as Shopify's do. With 1 s advertised (Keep-Alive: timeout=1) Node's
  // fetch closed each connection after its answer (it keeps one only when the server promises more than its
  // 1 s safety margin): the app opened a connection per Admin API call. close() ends idle ones at once.
  server.keepAliveTimeout = 30_000;
  server.headersTimeout = 31_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => resolve());
  });
  const addr = server.address() as AddressInfo;
  origin = `http://${opts.host ?? "127.0.0.1"}:${addr.port}`;
  api.url = origin;
  return api;
}

/** Builds the schema now rather than on the first request (about half a second). */
export function warmSchema(version = "2026-10"): boolean {
  return adminSchema(version) !== null;
}

/** For callers that only need state (e.g. a loader preparing a snapshot without a server). */
export function importSeed(state: StandinState, shop: string, seed: ShopSeed): ShopState {
  return importSeedIntoState(state, shop, seed);
}

