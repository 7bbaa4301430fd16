// A local Amazon SNS for the bounce tests: it serves its signing certificate and the subscription confirmation link
// as sns.<region>.amazonaws.com does, and signs messages as SNS signs them (AWS docs, "Verifying the signatures of
// Amazon SNS messages"). Its key and self-signed certificate (tests/support/sns/) are for tests only.
import { sign } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

const here = path.join(import.meta.dirname, "sns");
const KEY = fs.readFileSync(path.join(here, "signing-key.pem"), "utf8");
const CERT = fs.readFileSync(path.join(here, "signing-cert.pem"), "utf8");
export const TOPIC_ARN = "arn:aws:sns:eu-central-1:123456789012:treue-ses-events";

export interface SnsStandin {
  /** The base the app is told to trust (MAIL_EVENTS_SNS_URL). */
  base: string;
  certUrl: string;
  /** Subscription tokens confirmed through the SubscribeURL. */
  confirmed: string[];
  certificateFetches: number;
  /** A signed message of `type` (version "1": SHA1withRSA, "2": SHA256withRSA); `fields` override after signing. */
  message(type: "Notification" | "SubscriptionConfirmation", body: { message: string; subject?: string; token?: string }, version?: "1" | "2"): Record<string, string>;
  close(): Promise<void>;
}

export async function startSnsStandin(): Promise<SnsStandin> {
  const confirmed: string[] = [];
  let certificateFetches = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://sns.local");
    if (url.pathname === "/sns/SimpleNotificationService-test.pem") {
      certificateFetches++;
      res.writeHead(200, { "Content-Type": "application/x-pem-file" }).end(CERT);
    } else if (url.pathname === "/sns/" && url.searchParams.get("Action") === "ConfirmSubscription") {
      confirmed.push(url.searchParams.get("Token") ?? "");
      res.writeHead(200, { "Content-Type": "text/xml" }).end("<ConfirmSubscriptionResponse><ConfirmSubscriptionResult><SubscriptionArn>arn</SubscriptionArn></ConfirmSubscriptionResult></ConfirmSubscriptionResponse>");
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sns`;
  const certUrl = `${base}/SimpleNotificationService-test.pem`;
  let n = 0;
  return {
    base,
    certUrl,
    confirmed,
    get certificateFetches() {
      return certificateFetches;
    },
    message(type, body, version = "1") {
      n++;
      const m: Record<string, string> = {
        Type: type,
        MessageId: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
        TopicArn: TOPIC_ARN,
        Message: body.message,
        Timestamp: new Date().toISOString(),
        SignatureVersion: version,
        SigningCertURL: certUrl,
      };
      if (body.subject !== undefined) m.Subject = body.subject;
      if (type === "SubscriptionConfirmation") {
        m.Token = body.token ?? `token-${n}`;
        m.SubscribeURL = `${base}/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(TOPIC_ARN)}&Token=${m.Token}`;
      }
      // The canonical string: these names, in this order, each present one as "Name\nvalue\n".
      const names = type === "Notification" ? ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"] : ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"];
      const canonical = names.filter((k) => m[k] !== undefined).map((k) => `${k}\n${m[k]}\n`).join("");
      m.Signature = sign(version === "1" ? "RSA-SHA1" : "RSA-SHA256", Buffer.from(canonical), KEY).toString("base64");
      return m;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
