// The referral webhook step must cost nothing on the orders that carry no referral code: it decides from
// the payload before touching the database (the worker applies order batches set-based for throughput).
import type { Prisma } from "@prisma/client";
import { describe, expect, it } from "vitest";
import { attributeReferral } from "./referrals.server";
import type { Db } from "~/points/points-ledger.server";

const noDatabase = new Proxy({}, { get: (_t, name) => { throw new Error(`database touched: ${String(name)}`); } }) as Db;
const order = (discount_codes: Prisma.JsonValue | undefined): Prisma.JsonValue => ({ id: 1, created_at: "2026-11-01T10:00:00Z", updated_at: "2026-11-01T10:00:00Z", discount_codes });

describe("attributeReferral", () => {
  it("returns without a query for orders without referral-looking codes", async () => {
    for (const codes of [[], null, undefined, [{ code: "WELCOME10" }], [{ code: "TREUE-7KQ2-M9PX" }], [{ code: "SALE" }]]) {
      await expect(attributeReferral(noDatabase, { shop: "s.myshopify.com", payload: order(codes) })).resolves.toBeUndefined();
    }
  });

  it("does query once a code looks like a referral code", async () => {
    await expect(attributeReferral(noDatabase, { shop: "s.myshopify.com", payload: order([{ code: "anna-7k3q" }]) })).rejects.toThrow(/database touched/);
  });
});
