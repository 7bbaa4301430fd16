-- VIP tiers add up a member's spend in a rolling window after each order: the window is a range of this index
-- (snapshots write instants as toISOString does, so their text in "C" order sorts as time does), and a
-- member's orders outside the window are never read, however many there are.
CREATE INDEX "OrderPoints_spend_window_idx" ON "OrderPoints" ("shop", "customerId", (("newest"->>'createdAt') COLLATE "C")) WHERE "newest" IS NOT NULL;
