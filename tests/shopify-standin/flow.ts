// Shopify Flow as the app meets it: trigger extensions the app fires with flowTriggerReceive (each received
// payload is kept per shop, after Shopify's checks: a handle of one of the app's flow_trigger extensions, the
// payload's keys exactly the trigger's fields, at most 50 KB), and action extensions Flow calls: a POST to the
// action's runtime_url path on the app, the body signed with the app secret (x-shopify-hmac-sha256, base64).
import { createHmac, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseToml, type TomlTable } from "./toml";

export interface FlowTrigger {
  handle: string;
  /** The payload keys Flow expects: customer_id for a customer reference, else each field's key. */
  keys: string[];
}

export interface FlowAction {
  handle: string;
  /** The path of the action's runtime_url (its host is the app's URL when deployed). */
  path: string;
}

export interface FlowExtensions {
  triggers: Map<string, FlowTrigger>;
  actions: Map<string, FlowAction>;
}

const REFERENCE_KEYS: Record<string, string> = { customer_reference: "customer_id", order_reference: "order_id", product_reference: "product_id" };
export const FLOW_PAYLOAD_MAX_BYTES = 50_000;

/** The flow_trigger and flow_action extensions under `<appDir>/extensions`. */
export function readFlowExtensions(appDir: string): FlowExtensions {
  const out: FlowExtensions = { triggers: new Map(), actions: new Map() };
  const dir = join(appDir, "extensions");
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const file = join(dir, name, "shopify.extension.toml");
    if (!existsSync(file)) continue;
    const doc = parseToml(readFileSync(file, "utf8"));
    const ext = ((doc.extensions ?? []) as TomlTable[])[0];
    if (!ext || typeof ext.handle !== "string") continue;
    const fields = (((doc.settings ?? {}) as TomlTable).fields ?? []) as TomlTable[];
    if (ext.type === "flow_trigger") {
      out.triggers.set(ext.handle, { handle: ext.handle, keys: fields.map((f) => REFERENCE_KEYS[String(f.type)] ?? String(f.key)) });
    } else if (ext.type === "flow_action" && typeof ext.runtime_url === "string") {
      out.actions.set(ext.handle, { handle: ext.handle, path: new URL(ext.runtime_url).pathname });
    }
  }
  return out;
}

/** Shopify's userErrors for a flowTriggerReceive call, empty when Flow takes it. */
export function flowTriggerErrors(extensions: FlowExtensions, handle: unknown, payload: unknown): { field: string[]; message: string }[] {
  const trigger = typeof handle === "string" ? extensions.triggers.get(handle) : undefined;
  if (!trigger) return [{ field: ["handle"], message: `Invalid handle '${String(handle)}'.` }];
  if (!payload || typeof payload !== "object" || Array.isArray(payload)) return [{ field: ["payload"], message: "Payload must be a JSON object." }];
  if (Buffer.byteLength(JSON.stringify(payload)) > FLOW_PAYLOAD_MAX_BYTES) return [{ field: ["payload"], message: "Payload is too large (maximum is 50 KB)." }];
  const given = Object.keys(payload);
  const errors: { field: string[]; message: string }[] = [];
  for (const key of trigger.keys) if (!given.includes(key)) errors.push({ field: ["payload", key], message: `Missing field '${key}'.` });
  for (const key of given) if (!trigger.keys.includes(key)) errors.push({ field: ["payload", key], message: `Unknown field '${key}'.` });
  return errors;
}

/** The body and headers of one action run as Flow sends it. */
export function flowActionRequest(opts: { secret: string; shopId: number; shop: string; handle: string; properties: Record<string, unknown>; actionRunId?: string }) {
  const body = JSON.stringify({
    shop_id: opts.shopId,
    shopify_domain: opts.shop,
    action_run_id: opts.actionRunId ?? randomUUID(),
    action_definition_id: opts.handle,
    handle: opts.handle,
    properties: opts.properties,
  });
  const hmac = createHmac("sha256", opts.secret).update(body).digest("base64");
  return { body, headers: { "Content-Type": "application/json", "x-shopify-hmac-sha256": hmac } };
}
