// customers/redact, the part no feature owns: the raw webhook payloads in the inbox. Each feature erases what it
// stored (members, history, referral contacts); this step, last, empties every recorded payload that is about
// the customer (their customers/* events, the orders they placed, anything carrying their e-mail), including
// the redact request's own, which names them. The rows stay as the audit trail of what was received and done.
import { sqlOf } from "~/db/connection.server";
import { restIdOf } from "~/shopify/domain/rest-id";
import type { Db } from "~/points/points-ledger.server";
import { topicHandler, UnusablePayloadError, type WebhookStep } from "~/webhooks/webhook-worker.server";

export const REDACTED_PAYLOAD = { redacted: true } as const;

export async function scrubCustomerPayloads(tx: Db, event: { shop: string; payload: unknown }): Promise<number> {
  const customer = (event.payload as { customer?: { id?: unknown; email?: unknown } }).customer;
  const id = customer?.id;
  if (typeof id !== "number" && typeof id !== "string") throw new UnusablePayloadError("customers/redact without customer.id");
  const email = typeof customer?.email === "string" ? customer.email.trim().toLowerCase() : "";
  return sqlOf(tx).execute(
    `UPDATE "WebhookEvent" SET "payload" = $4::jsonb
      WHERE "shop" = $1 AND "payload" <> $4::jsonb AND (
        ("topic" LIKE 'CUSTOMERS\\_%' AND ("payload"->>'id' = $2 OR "payload"->'customer'->>'id' = $2))
        OR ("topic" LIKE 'ORDERS\\_%' AND "payload"->'customer'->>'id' = $2)
        OR ($3 <> '' AND (lower("payload"->>'email') = $3 OR lower("payload"->>'contact_email') = $3 OR lower("payload"->'customer'->>'email') = $3))
      )`,
    [event.shop, String(id), email, JSON.stringify(REDACTED_PAYLOAD)],
  );
}

export const privacySteps: Record<string, WebhookStep[]> = {
  CUSTOMERS_REDACT: [(tx, event) => scrubCustomerPayloads(tx, event).then(() => undefined)],
};

/**
 * customers/delete: the merchant deleted the customer in Shopify. Nothing of ours needs their personal data any
 * more, so it goes exactly as on customers/redact (member, history, referral contacts, recorded payloads; the
 * ledger, which holds none, stays for the totals). The delete payload names the id only; the redaction steps
 * also look for payloads carrying the customer's e-mail, which is the member's, read before it is erased.
 */
export function customerDeletionAs(redactionSteps: readonly WebhookStep[]): WebhookStep {
  const redact = topicHandler(redactionSteps);
  return async (tx, event) => {
    const raw = (event.payload as { id?: unknown }).id;
    const id = restIdOf(raw);
    if (!id) throw new UnusablePayloadError("customers/delete without a customer id");
    const [member] = await sqlOf(tx).query<{ email: string | null }>(`SELECT "email" FROM "Member" WHERE "shop" = $1 AND "customerId" = $2`, [event.shop, id]);
    await redact(tx, { ...event, payload: { customer: { id: Number(id), email: member?.email ?? null }, orders_to_redact: [] } });
  };
}
