-- One Shopify event can trigger webhooks of several topics with the same X-Shopify-Event-Id (an order paid
-- sends orders/paid and orders/updated): the inbox key is the event per topic, so neither is taken for a
-- duplicate of the other.
DROP INDEX "WebhookEvent_shop_eventId_key";
CREATE UNIQUE INDEX "WebhookEvent_shop_topic_eventId_key" ON "WebhookEvent"("shop", "topic", "eventId");
