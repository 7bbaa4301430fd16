import type { GraphQLSchema } from "graphql";
import type { ShopState, StandinState } from "../state";
import type { SearchWarning } from "./search";

/** What the GraphQL layer needs from the running stand-in. */
export interface StandinCore {
  state: StandinState;
  apiKey: string;
  apiSecret: string;
  /** numeric app id, used for `$app` metafield namespaces and GIDs */
  appId: number;
  apiVersion: string;
  /** live origin of the stand-in, e.g. http://127.0.0.1:4100 */
  url(): string;
  bulkDir: string;
  bulkDelayMs: number;
  /** sends a topic's webhook to the app, as subscribed in shopify.app.toml */
  emitWebhook(shop: ShopState, topic: string, payload: unknown): Promise<unknown>;
  sleep(ms: number): Promise<void>;
  /** work that outlives its request (a bulk operation running): close() waits for it before removing bulkDir */
  track<T>(work: Promise<T>): Promise<T>;
  /** an injected USER_ERROR fault for this mutation field, if one is pending (see handler.ts) */
  takeUserErrorFault?(field: string): { message: string } | undefined;
}

export interface BulkRun {
  /** the top-level connection is read a slice at a time so huge exports stream to disk */
  rootSlice: [number, number];
  /** the whole top-level connection, computed once per run */
  rootCache?: { edges: unknown[]; nodes: unknown[]; pageInfo: unknown };
}

export interface GqlContext {
  core: StandinCore;
  schema: GraphQLSchema;
  shop: ShopState;
  bulk?: BulkRun;
  /** the Admin API version of the request (bulk limits depend on it); the stand-in's default if unset */
  version?: string;
  searchWarnings: { path: (string | number)[]; query: string; warnings: SearchWarning[] }[];
}
