// A payload the order history cannot read must not hold back the topic's other steps (points).
import { describe, expect, it, vi } from "vitest";
import type { WebhookEvent } from "@prisma/client";
import { orderHistoryStep } from "./history-webhooks.server";

const event = (payload: unknown): WebhookEvent =>
  ({ id: 1n, shop: "s.myshopify.com", topic: "ORDERS_CREATE", eventId: "e1", payload }) as unknown as WebhookEvent;

// The order step applies one event or a run of them; both forms must behave alike here.
const forms = {
  one: (tx: never, e: WebhookEvent) => orderHistoryStep.one(tx, e),
  many: (tx: never, e: WebhookEvent) => orderHistoryStep.many(tx, [e]),
};

describe.each(Object.entries(forms))("history webhook steps (%s)", (_, apply) => {
  it("skip an unreadable order payload without writing or throwing", async () => {
    const executed = vi.fn();
    const tx = { $executeRawUnsafe: executed, $queryRawUnsafe: executed } as never;
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    await expect(apply(tx, event({ id: 1, currency: "EUR" }))).resolves.toBeUndefined();
    expect(executed).not.toHaveBeenCalled();
    expect(warn.mock.calls[0][0]).toMatch(/skipped ORDERS_CREATE e1 .*created_at/);
    warn.mockRestore();
  });

  it("let database errors through, so the worker retries", async () => {
    const tx = { $executeRawUnsafe: vi.fn().mockRejectedValue(new Error("connection lost")) } as never;
    const payload = { id: 1, currency: "EUR", created_at: "2025-01-01T00:00:00Z", subtotal_price: "1.00" };
    await expect(apply(tx, event(payload))).rejects.toThrow("connection lost");
  });
});
