-- The job engine applies each shop's inbox on its own (one apply job per shop at a time, docs/decisions/020):
-- the events still to apply of one shop, in the order Shopify triggered them. Partial, so applied events
-- (nearly all rows) cost nothing here.
CREATE INDEX "WebhookEvent_received_by_shop_idx" ON "WebhookEvent" ("shop", "triggeredAt", "id") WHERE "status" = 'received';
