import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type OpenTestDatabase } from "../../tests/support/postgres";
import { purgeAppliedPayloads } from "./payload-retention.server";

describe("webhook payload retention", () => {
  let testDb: OpenTestDatabase;
  beforeAll(async () => {
    testDb = await openTestDatabase();
  });
  afterAll(async () => testDb?.close());

  it("empties the payloads of events applied more than a week ago, and keeps the rows and every other payload", async () => {
    const now = new Date("2026-12-06T12:00:00Z");
    const days = (n: number) => new Date(now.getTime() - n * 86_400_000);
    const payload = { id: 1, email: "ada@example.com", customer: { first_name: "Ada" } };
    const rows = [
      { eventId: "old-applied", status: "processed", processedAt: days(8) },
      { eventId: "new-applied", status: "processed", processedAt: days(6) },
      { eventId: "old-parked", status: "parked", processedAt: null },
      { eventId: "waiting", status: "received", processedAt: null },
    ];
    for (const r of rows) {
      await testDb.db.prisma.webhookEvent.create({
        data: { shop: "a.myshopify.com", topic: "ORDERS_CREATE", eventId: r.eventId, webhookId: r.eventId, apiVersion: "2026-10", payload, status: r.status, processedAt: r.processedAt, receivedAt: days(9) },
      });
    }
    expect(await purgeAppliedPayloads(testDb.db.prisma, now)).toBe(1);
    expect(await purgeAppliedPayloads(testDb.db.prisma, now)).toBe(0);
    const after = await testDb.db.prisma.webhookEvent.findMany({ orderBy: { id: "asc" } });
    expect(after.map((e) => [e.eventId, e.payload])).toEqual([
      ["old-applied", { purged: true }],
      ["new-applied", payload],
      ["old-parked", payload],
      ["waiting", payload],
    ]);
  });
});
