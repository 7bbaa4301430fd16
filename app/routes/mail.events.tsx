// POST /mail/events: bounces and complaints from the e-mail service behind SMTP_URL (SendGrid's event webhook,
// Postmark's bounce and spam-complaint webhooks, or {"type","email"}), authenticated with MAIL_EVENTS_TOKEN as
// a bearer token or as the password of HTTP basic auth (both services put it in the webhook URL). Off (404) while
// the token is unset; a wrong token gets 401, a body of no known format 400.
import { timingSafeEqual } from "node:crypto";
import type { ActionFunctionArgs } from "@remix-run/node";
import { json } from "~/storefront/json";
import prisma from "~/db.server";
import { env } from "~/env.server";
import { readMailEvents } from "~/engagement/domain/mail-events";
import { recordMailEvents } from "~/engagement/mail-events.server";

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
  const events = readMailEvents(body);
  if (!events) return error(400, "BAD_REQUEST", 'Not a SendGrid or Postmark event body, nor {"type": "bounce" | "complaint", "email": "…"}.');
  const suppressed = await recordMailEvents(prisma, events);
  return json({ received: events.length, suppressed });
}

export async function loader() {
  return error(405, "METHOD_NOT_ALLOWED", "POST the events.", { Allow: "POST" });
}
