// Bounces and complaints an e-mail service reports (POST /mail/events): each stops all mail to the address in every
// shop that mailed it (MailSuppression, category "all"), as a refusal at SMTP time does. The service does not know
// our shops, so the address is looked up among the mail we sent. Amazon SES's come through Amazon SNS, whose
// signature is checked against its certificate and whose subscription is confirmed here.
import { createPublicKey, verify, type KeyObject } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { sqlOf } from "~/db/connection.server";
import { isSnsUrl, snsSignatureAlgorithm, snsStringToSign, type MailEvent, type SnsMessage } from "./domain/mail-events";

/** Records the events; answers how many (shop, address) pairs are now suppressed that were not. */
export async function recordMailEvents(prisma: PrismaClient, events: readonly MailEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  // One reason per address: a complaint outweighs a bounce.
  const byEmail = new Map<string, MailEvent["kind"]>();
  for (const e of events) if (byEmail.get(e.email) !== "complaint") byEmail.set(e.email, e.kind);
  return sqlOf(prisma).execute(
    `INSERT INTO "MailSuppression" ("shop", "email", "category", "reason")
     SELECT DISTINCT m."shop", e.email, 'all', e.reason
       FROM unnest($1::text[], $2::text[]) AS e(email, reason)
       JOIN "MemberMail" m ON m."toAddress" = e.email
     ON CONFLICT ("shop", "email", "category") DO NOTHING`,
    [[...byEmail.keys()], [...byEmail.values()]],
  );
}

/** SNS signing certificates by URL: SNS changes them rarely, so a process fetches each once (a failed fetch is retried). */
const signingKeys = new Map<string, Promise<KeyObject>>();
const MAX_SIGNING_KEYS = 20;

function signingKey(url: string): Promise<KeyObject> {
  let key = signingKeys.get(url);
  if (!key) {
    if (signingKeys.size >= MAX_SIGNING_KEYS) signingKeys.clear();
    key = (async () => {
      const res = await fetch(url, { signal: AbortSignal.timeout(5_000), redirect: "error" });
      if (!res.ok) throw new Error(`${url} answered ${res.status}`);
      return createPublicKey(await res.text());
    })();
    signingKeys.set(url, key);
    key.catch(() => signingKeys.delete(url));
  }
  return key;
}

export type SnsSignatureCheck = "ok" | "untrusted-certificate" | "bad-signature" | "certificate-unavailable";

/**
 * Whether SNS signed the message: its certificate URL must be SNS's own (or under `trustedBase`), and the
 * signature over the canonical string must verify with that certificate's key.
 */
export async function checkSnsSignature(m: SnsMessage, trustedBase?: string): Promise<SnsSignatureCheck> {
  if (!isSnsUrl(m.signingCertUrl, "certificate", trustedBase)) return "untrusted-certificate";
  let key: KeyObject;
  try {
    key = await signingKey(m.signingCertUrl);
  } catch {
    return "certificate-unavailable";
  }
  try {
    return verify(snsSignatureAlgorithm(m), Buffer.from(snsStringToSign(m), "utf8"), key, Buffer.from(m.signature, "base64")) ? "ok" : "bad-signature";
  } catch {
    return "bad-signature";
  }
}

/** Confirms a subscription by visiting its SubscribeURL (only SNS's own, or under `trustedBase`); whether SNS took it. */
export async function confirmSnsSubscription(m: SnsMessage, trustedBase?: string): Promise<boolean> {
  if (!m.subscribeUrl || !isSnsUrl(m.subscribeUrl, "confirmation", trustedBase)) return false;
  const res = await fetch(m.subscribeUrl, { signal: AbortSignal.timeout(10_000), redirect: "error" }).catch(() => null);
  return res?.ok ?? false;
}
