-- Shopify Flow triggers the app fires (app/engagement/flow-triggers.server.ts): one row per event, so a trigger is
-- fired once however often the job runs.
CREATE TABLE "FlowTriggerEvent" (
    "id" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "eventKey" TEXT NOT NULL,
    "handle" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "reason" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),
    CONSTRAINT "FlowTriggerEvent_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "FlowTriggerEvent_shop_eventKey_key" ON "FlowTriggerEvent"("shop", "eventKey");
CREATE INDEX "FlowTriggerEvent_shop_status_idx" ON "FlowTriggerEvent"("shop", "status");
