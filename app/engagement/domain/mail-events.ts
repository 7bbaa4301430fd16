/**
 * Bounces and complaints an e-mail service reports after it accepted a mail (a relay's SMTP "250 OK" is not
 * delivery): the events that must stop mail to an address. Read from the webhook bodies of the services merchants
 * use with an SMTP relay — SendGrid's event webhook (an array of events), Postmark's bounce and spam-complaint
 * webhooks (one record) — or a plain `{"type": "bounce" | "complaint", "email": "…"}` for anything else. A soft
 * bounce (mailbox full, greylisting) stops nothing: the next mail may arrive. Pure.
 */

export interface MailEvent {
  kind: "bounce" | "complaint";
  /** Lower case. */
  email: string;
  /** The Message-ID the service reports, when it does (angle brackets removed). */
  messageId: string | null;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;
const address = (v: unknown) => (typeof v === "string" && EMAIL.test(v.trim()) ? v.trim().toLowerCase() : null);
const messageIdOf = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim().replace(/^<|>$/g, "") : null);

// Postmark's bounce types that mean the address does not take mail (its docs, "Bounce types").
const POSTMARK_HARD = new Set(["HardBounce", "BadEmailAddress", "ManuallyDeactivated", "SpamNotification", "Blocked", "DMARCPolicy"]);

function one(e: Record<string, unknown>): MailEvent | null {
  // SendGrid: {email, event: bounce | dropped | spamreport, type: bounce | blocked, smtp-id}
  if (typeof e.event === "string") {
    const email = address(e.email);
    if (!email) return null;
    const messageId = messageIdOf(e["smtp-id"]);
    if (e.event === "spamreport") return { kind: "complaint", email, messageId };
    if (e.event === "bounce" && e.type !== "blocked") return { kind: "bounce", email, messageId };
    if (e.event === "dropped" && typeof e.reason === "string" && /bounced|invalid/i.test(e.reason)) return { kind: "bounce", email, messageId };
    return null;
  }
  // Postmark: {RecordType: Bounce | SpamComplaint, Type, Email, MessageID}
  if (typeof e.RecordType === "string") {
    const email = address(e.Email);
    if (!email) return null;
    const messageId = messageIdOf(e.MessageID);
    if (e.RecordType === "SpamComplaint") return { kind: "complaint", email, messageId };
    if (e.RecordType === "Bounce" && typeof e.Type === "string" && POSTMARK_HARD.has(e.Type)) return { kind: "bounce", email, messageId };
    return null;
  }
  // Plain: {type: bounce | complaint, email, messageId?}
  if (e.type === "bounce" || e.type === "complaint") {
    const email = address(e.email);
    return email ? { kind: e.type, email, messageId: messageIdOf(e.messageId) } : null;
  }
  return null;
}

/** The events in a webhook body that stop mail; null when the body is none of the formats above. */
export function readMailEvents(body: unknown): MailEvent[] | null {
  const items = Array.isArray(body) ? body : body && typeof body === "object" ? [body] : null;
  if (!items || items.length === 0 || items.length > 10_000) return null;
  const known = items.filter((i): i is Record<string, unknown> => !!i && typeof i === "object" && ("event" in i || "RecordType" in i || "type" in i));
  if (known.length !== items.length) return null;
  return known.map(one).filter((e): e is MailEvent => e !== null);
}
