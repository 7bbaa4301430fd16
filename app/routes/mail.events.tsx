// POST /mail/events: bounces and complaints from the e-mail service behind SMTP_URL (SendGrid's event webhook,
// Postmark's bounce and spam-complaint webhooks, Amazon SES's notifications through an Amazon SNS subscription, or
// {"type","email"}), authenticated with MAIL_EVENTS_TOKEN as a bearer token or as the password of HTTP basic auth
// (the services put it in the webhook URL). Off (404) while the token is unset; a wrong token gets 401, a body of
// no known format 400. SNS messages must also carry SNS's signature (403 without); the subscription's first
// message is confirmed by visiting its SubscribeURL.
import { timingSafeEqual } from "node:crypto";
import type { ActionFunctionArgs } from "@remix-run/node";
import { json } from "~/storefront/json";
import prisma from "~/db.server";
import { env } from "~/env.server";
import { readMailEvents, readSesNotification, readSnsMessage, type SnsMessage } from "~/engagement/domain/mail-events";
import { checkSnsSignature, confirmSnsSubscription, recordMailEvents } from "~/engagement/mail-events.server";

const error = (status: number, code: string, message: string, headers: Record<string, string> = {}) => json({ error: { code, message } }, { status, headers });

function givenToken(request: Request): string {
  const header = request.headers.get("Authorization") ?? "";
  const bearer = /^Bearer\s+(.+)$/i.exec(header);
  if (bearer) return bearer[1].trim();
  const basic = /^Basic\s+(.+)$/i.exec(header);
  if (basic) {
    const decoded = Buffer.from(basic[1].trim(), "base64").toString("utf8");
    return decoded.slice(decoded.indexOf(":") + 1);
  }
  return "";
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function action({ request }: ActionFunctionArgs) {
  const token = env().MAIL_EVENTS_TOKEN;
  if (!token) return error(404, "NOT_CONFIGURED", "Bounce and complaint events are off: set MAIL_EVENTS_TOKEN.");
  if (request.method !== "POST") return error(405, "METHOD_NOT_ALLOWED", "POST the events.", { Allow: "POST" });
  if (!sameToken(givenToken(request), token)) {
    return error(401, "UNAUTHORIZED", "Send MAIL_EVENTS_TOKEN as a bearer token or as the basic-auth password.", { "WWW-Authenticate": 'Basic realm="treue-mail-events"' });
  }
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return error(400, "BAD_REQUEST", "The body must be JSON.");
  }
  const sns = readSnsMessage(body);
  if (sns) return fromSns(sns);
  const events = readMailEvents(body);
  if (!events) return error(400, "BAD_REQUEST", 'Not a SendGrid, Postmark or Amazon SNS event body, nor {"type": "bounce" | "complaint", "email": "…"}.');
  const suppressed = await recordMailEvents(prisma, events);
  return json({ received: events.length, suppressed });
}

/** An Amazon SNS message: signed by SNS, then a subscription to confirm or an SES notification to record. */
async function fromSns(m: SnsMessage) {
  const trusted = env().MAIL_EVENTS_SNS_URL;
  const check = await checkSnsSignature(m, trusted);
  // SNS retries a message that fails with a 5xx: a certificate that could not be fetched may be there next time.
  if (check === "certificate-unavailable") return error(503, "CERTIFICATE_UNAVAILABLE", "The SNS signing certificate could not be fetched; try again later.");
  if (check !== "ok") return error(403, "BAD_SIGNATURE", "Not signed by Amazon SNS: the signature or its certificate's URL is wrong.");
  if (m.type === "SubscriptionConfirmation") {
    if (!(await confirmSnsSubscription(m, trusted))) return error(502, "CONFIRMATION_FAILED", "The subscription could not be confirmed at its SubscribeURL.");
    return json({ confirmed: true, topicArn: m.topicArn });
  }
  if (m.type === "UnsubscribeConfirmation") return json({ received: 0, suppressed: 0 });
  const events = readSesNotification(m.message);
  if (!events) return error(400, "BAD_REQUEST", "The SNS message is not an Amazon SES bounce, complaint or delivery notification.");
  return json({ received: events.length, suppressed: await recordMailEvents(prisma, events) });
}

export async function loader() {
  return error(405, "METHOD_NOT_ALLOWED", "POST the events.", { Allow: "POST" });
}
