-- Member e-mails (app/engagement/member-mails.server.ts): one row per event and member (eventKey), so nothing is
-- sent twice; addresses that opted out of a category, bounced or complained.
CREATE TABLE "MemberMail" (
    "id" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "eventKey" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "reason" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "toAddress" TEXT,
    "subject" TEXT,
    "messageId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),
    CONSTRAINT "MemberMail_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "MemberMail_shop_eventKey_key" ON "MemberMail"("shop", "eventKey");
CREATE INDEX "MemberMail_shop_status_idx" ON "MemberMail"("shop", "status");
CREATE INDEX "MemberMail_shop_customerId_id_idx" ON "MemberMail"("shop", "customerId", "id");

CREATE TABLE "MailSuppression" (
    "shop" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "MailSuppression_pkey" PRIMARY KEY ("shop", "email", "category")
);

-- The mail job looks for recent points earned without a mail yet.
CREATE INDEX "LedgerEntry_earn_at_idx" ON "LedgerEntry"("at") WHERE "kind" = 'earn';
