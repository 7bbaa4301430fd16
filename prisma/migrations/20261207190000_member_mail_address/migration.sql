-- Bounces and complaints reported by the e-mail service name an address, not a shop: the shops that mailed it are
-- found by the address the mail went to (app/engagement/mail-events.server.ts).
CREATE INDEX "MemberMail_toAddress_idx" ON "MemberMail" ("toAddress") WHERE "toAddress" IS NOT NULL;
