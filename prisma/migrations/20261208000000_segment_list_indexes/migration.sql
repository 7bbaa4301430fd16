-- The customers page's segment lists (app/analytics/segment-lists.server.ts) at a big shop's size. Every segment
-- is a range of the customer's last order day: the first index counts a segment from a range, read from the index
-- alone once the table is vacuumed. The second, by spend from the top, gives a segment's page without sorting the
-- segment (walked until the page is full) and the VIP spend (the spend of the customer ranked at the top share)
-- without sorting every customer. Both hold only customers with counting orders, the only ones the lists show.
CREATE INDEX "HistoryCustomerRollup_segment_lastDay_idx" ON "HistoryCustomerRollup" ("shop", "lastDay")
  INCLUDE ("firstDay", "countingOrders", "monetaryMinor") WHERE "countingOrders" > 0;
CREATE INDEX "HistoryCustomerRollup_segment_spend_idx" ON "HistoryCustomerRollup" ("shop", "monetaryMinor" DESC, "customerId")
  INCLUDE ("lastDay", "firstDay", "countingOrders") WHERE "countingOrders" > 0;
