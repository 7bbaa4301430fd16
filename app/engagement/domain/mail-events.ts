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

// Amazon SES reports bounces and complaints through Amazon SNS: a topic the merchant subscribes this endpoint to.
// SNS posts a JSON envelope (as text/plain): first a SubscriptionConfirmation whose SubscribeURL must be visited,
// then Notifications whose Message is SES's JSON. Every envelope is signed with a certificate SNS serves from
// https://sns.<region>.amazonaws.com/…pem (SignatureVersion 1: SHA1withRSA, 2: SHA256withRSA) over a canonical
// string of some of its fields (AWS docs, "Verifying the signatures of Amazon SNS messages").

export type SnsMessageType = "Notification" | "SubscriptionConfirmation" | "UnsubscribeConfirmation";

export interface SnsMessage {
  type: SnsMessageType;
  messageId: string;
  topicArn: string;
  message: string;
  timestamp: string;
  subject: string | null;
  /** Confirmation messages only. */
  token: string | null;
  subscribeUrl: string | null;
  signatureVersion: "1" | "2";
  /** Base64. */
  signature: string;
  signingCertUrl: string;
}

const SNS_TYPES: readonly string[] = ["Notification", "SubscriptionConfirmation", "UnsubscribeConfirmation"];
const text = (v: unknown) => (typeof v === "string" ? v : null);

/** The SNS envelope in a body, or null when the body is not one (then it may be another service's format). */
export function readSnsMessage(body: unknown): SnsMessage | null {
  if (!body || typeof body !== "object" || Array.isArray(body)) return null;
  const b = body as Record<string, unknown>;
  const type = text(b.Type);
  const fields = [b.MessageId, b.TopicArn, b.Message, b.Timestamp, b.Signature, b.SigningCertURL].map(text);
  if (!type || !SNS_TYPES.includes(type) || fields.some((f) => f === null)) return null;
  if (b.SignatureVersion !== "1" && b.SignatureVersion !== "2") return null;
  const [messageId, topicArn, message, timestamp, signature, signingCertUrl] = fields as string[];
  const confirmation = type !== "Notification";
  if (confirmation && (text(b.Token) === null || text(b.SubscribeURL) === null)) return null;
  return {
    type: type as SnsMessageType,
    messageId,
    topicArn,
    message,
    timestamp,
    subject: text(b.Subject),
    token: confirmation ? text(b.Token) : null,
    subscribeUrl: confirmation ? text(b.SubscribeURL) : null,
    signatureVersion: b.SignatureVersion,
    signature,
    signingCertUrl,
  };
}

/** What SNS signed: "Name\nvalue\n" for each signed field present, in this order. */
export function snsStringToSign(m: SnsMessage): string {
  const pairs: [string, string | null][] =
    m.type === "Notification"
      ? [["Message", m.message], ["MessageId", m.messageId], ["Subject", m.subject], ["Timestamp", m.timestamp], ["TopicArn", m.topicArn], ["Type", m.type]]
      : [["Message", m.message], ["MessageId", m.messageId], ["SubscribeURL", m.subscribeUrl], ["Timestamp", m.timestamp], ["Token", m.token], ["TopicArn", m.topicArn], ["Type", m.type]];
  return pairs.filter(([, v]) => v !== null).map(([k, v]) => `${k}\n${v}\n`).join("");
}

export const snsSignatureAlgorithm = (m: SnsMessage): "RSA-SHA1" | "RSA-SHA256" => (m.signatureVersion === "1" ? "RSA-SHA1" : "RSA-SHA256");

const SNS_HOST = /^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;

/**
 * Whether a signing certificate's or a confirmation's URL is Amazon SNS's own: https on sns.<region>.amazonaws.com
 * (a certificate ends in .pem); or under `trustedBase`, the one other base the app is told to trust (a local SNS
 * stand-in in tests). Anything else could make the app fetch a URL of the sender's choosing.
 */
export function isSnsUrl(url: string, kind: "certificate" | "confirmation", trustedBase?: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (kind === "certificate" && !u.pathname.endsWith(".pem")) return false;
  if (trustedBase && url.startsWith(trustedBase.endsWith("/") ? trustedBase : `${trustedBase}/`)) return true;
  return u.protocol === "https:" && SNS_HOST.test(u.hostname) && !u.username && !u.password && u.port === "";
}

/**
 * The mail-stopping events in an SES notification (an SNS Notification's Message): hard bounces ("Permanent") and
 * complaints, from SES's notifications ("notificationType") and its event publishing ("eventType"). Deliveries,
 * sends and soft bounces are known and stop nothing ([]); null when the message is not SES's.
 */
export function readSesNotification(message: string): MailEvent[] | null {
  let n: unknown;
  try {
    n = JSON.parse(message);
  } catch {
    return null;
  }
  if (!n || typeof n !== "object") return null;
  const o = n as Record<string, unknown>;
  const kind = text(o.notificationType) ?? text(o.eventType);
  if (!kind || !o.mail || typeof o.mail !== "object") return null;
  const mail = o.mail as Record<string, unknown>;
  const headers = (mail.commonHeaders ?? {}) as Record<string, unknown>;
  const messageId = messageIdOf(headers.messageId);
  const recipients = (list: unknown) =>
    (Array.isArray(list) ? list : []).map((r) => address((r as Record<string, unknown> | null)?.emailAddress)).filter((e): e is string => e !== null);
  if (kind === "Complaint") {
    const complaint = (o.complaint ?? {}) as Record<string, unknown>;
    // A complaint whose feedback says "not-spam" withdraws nothing and stops nothing.
    if (complaint.complaintFeedbackType === "not-spam") return [];
    return recipients(complaint.complainedRecipients).map((email) => ({ kind: "complaint", email, messageId }));
  }
  if (kind === "Bounce") {
    const bounce = (o.bounce ?? {}) as Record<string, unknown>;
    if (bounce.bounceType !== "Permanent") return [];
    return recipients(bounce.bouncedRecipients).map((email) => ({ kind: "bounce", email, messageId }));
  }
  return [];
}
