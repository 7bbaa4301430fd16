// Bounces and complaints an e-mail service reports (POST /mail/events): each stops all mail to the address in every
// shop that mailed it (MailSuppression, category "all"), as a refusal at SMTP time does. The service does not know
// our shops, so the address is looked up among the mail we sent.
import type { PrismaClient } from "@prisma/client";
import { sqlOf } from "~/db/connection.server";
import type { MailEvent } from "./domain/mail-events";

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
