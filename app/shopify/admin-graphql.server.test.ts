// THROTTLED handling shared by every Admin API caller: the wait comes from Shopify's cost extension, whichever
// way the library hands the error over, and no wait runs past the caller's deadline.
import { describe, expect, it } from "vitest";
import { AdminApiError, retryWhenThrottled, runAdminOperation, ThrottleGate, throttleWaitMs, type AdminGraphql } from "./admin-graphql.server";

const throttledBody = (requested: number, available: number, restoreRate = 100) => ({
  errors: [{ message: "Throttled", extensions: { code: "THROTTLED" } }],
  extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: available, restoreRate } } },
});

const throttled = (requested: number, available: number, restoreRate = 100) =>
  new AdminApiError("RedemptionDiscountCreate", throttledBody(requested, available).errors, true, { requestedQueryCost: requested, currentlyAvailable: available, restoreRate });

describe("throttleWaitMs", () => {
  it("is the time the bucket needs to hold the request's cost, plus a small margin", () => {
    expect(throttleWaitMs(throttled(10, 0))).toBe(120);
    expect(throttleWaitMs(throttled(10, 4))).toBe(80);
    expect(throttleWaitMs(throttled(250, 50, 50))).toBe(4020);
  });

  it("is null for other errors and for throttles without a cost extension", () => {
    expect(throttleWaitMs(new AdminApiError("Q", "boom"))).toBeNull();
    expect(throttleWaitMs(new AdminApiError("Q", "Throttled", true))).toBeNull();
    expect(throttleWaitMs(new Error("THROTTLED"))).toBeNull();
  });
});

describe("runAdminOperation reads the cost extension", () => {
  it("from an answer with errors in the JSON body", async () => {
    const graphql = (async () => new Response(JSON.stringify(throttledBody(10, 3)))) as unknown as AdminGraphql;
    const error = await runAdminOperation(graphql, "mutation RedemptionDiscountCreate { x }").catch((e) => e);
    expect(error).toBeInstanceOf(AdminApiError);
    expect(error).toMatchObject({ throttled: true, throttleStatus: { requestedQueryCost: 10, currentlyAvailable: 3, restoreRate: 100 } });
    expect(throttleWaitMs(error)).toBe(90);
  });

  it("from the library's GraphqlQueryError (errors under body.errors.graphQLErrors, cost under body.extensions)", async () => {
    const raw = throttledBody(10, 0);
    const graphql = (async () => {
      throw Object.assign(new Error("Throttled"), { body: { errors: { networkStatusCode: 200, message: "GraphQL Client: An error occurred", graphQLErrors: raw.errors }, extensions: raw.extensions } });
    }) as unknown as AdminGraphql;
    const error = await runAdminOperation(graphql, "query Q { shop { id } }").catch((e) => e);
    expect(error).toMatchObject({ operation: "Q", throttled: true });
    expect(throttleWaitMs(error)).toBe(120);
  });
});

describe("retryWhenThrottled", () => {
  it("waits what the cost extension asks, then answers", async () => {
    const waits: number[] = [];
    let calls = 0;
    const answer = await retryWhenThrottled(
      async () => {
        if (++calls < 3) throw throttled(10, calls === 1 ? 0 : 5);
        return "code";
      },
      { maxAttempts: 5, sleep: async (ms) => void waits.push(ms) },
    );
    expect(answer).toBe("code");
    expect(waits).toEqual([120, 70]);
  });

  it("throws at once instead of waiting past the deadline", async () => {
    const waits: number[] = [];
    let clock = 1_000;
    const run = async () => {
      throw throttled(500, 0); // needs 5 s
    };
    await expect(retryWhenThrottled(run, { maxAttempts: 5, deadline: 4_000, now: () => clock, sleep: async (ms) => void waits.push(ms) })).rejects.toMatchObject({ throttled: true });
    expect(waits).toEqual([]);
    clock = 0;
    // A wait that ends inside the deadline is taken; the second one would not be.
    let calls = 0;
    const second = async () => {
      calls++;
      throw throttled(10, 0);
    };
    await expect(
      retryWhenThrottled(second, { maxAttempts: 5, deadline: 200, now: () => clock, sleep: async (ms) => void (waits.push(ms), (clock += ms)) }),
    ).rejects.toMatchObject({ throttled: true });
    expect(waits).toEqual([120]);
    expect(calls).toBe(2);
  });

  it("rethrows other errors without waiting, and stops after maxAttempts", async () => {
    const waits: number[] = [];
    const sleep = async (ms: number) => void waits.push(ms);
    await expect(retryWhenThrottled(async () => { throw new AdminApiError("Q", "Internal error"); }, { maxAttempts: 5, sleep })).rejects.toThrow(/Internal error/);
    expect(waits).toEqual([]);
    let calls = 0;
    await expect(retryWhenThrottled(async () => { calls++; throw throttled(10, 0); }, { maxAttempts: 3, sleep })).rejects.toMatchObject({ throttled: true });
    expect(calls).toBe(3);
    expect(waits).toEqual([120, 120]);
  });

  it("keeps a caller's floor (a background job backing off) when the bucket asks for less", async () => {
    const waits: number[] = [];
    let calls = 0;
    await retryWhenThrottled(
      async () => {
        if (++calls < 3) throw throttled(10, 9);
        return null;
      },
      { maxAttempts: 5, minWaitMs: (n) => 1000 * 2 ** (n - 1), sleep: async (ms) => void waits.push(ms) },
    );
    expect(waits).toEqual([1000, 2000]);
  });

  it("waits one second when a throttle says nothing about the bucket", async () => {
    const waits: number[] = [];
    let calls = 0;
    await retryWhenThrottled(
      async () => {
        if (++calls < 2) throw new AdminApiError("Q", "Throttled", true);
        return null;
      },
      { maxAttempts: 5, sleep: async (ms) => void waits.push(ms) },
    );
    expect(waits).toEqual([1000]);
  });
});

describe("ThrottleGate", () => {
  const status = { requestedQueryCost: 10, currentlyAvailable: 0, restoreRate: 100 };
  it("hands callers throttled together consecutive slots, one request's refill apart", () => {
    const gate = new ThrottleGate();
    // Four callers told "wait 120 ms" at the same instant: one refill of 10 points (100 ms) each.
    expect([0, 0, 0, 0].map(() => gate.reserve(120, status, 1_000))).toEqual([120, 220, 320, 420]);
    // Later, with the queue drained, a caller waits only what it is told.
    expect(gate.reserve(120, status, 5_000)).toBe(120);
  });

  it("reserves nothing for a caller whose slot would start after its deadline", () => {
    const gate = new ThrottleGate();
    expect(gate.reserve(120, status, 0, 1_000)).toBe(120);
    expect(gate.reserve(900, status, 0, 1_000)).toBe(900); // the queue is now free from 1 000
    expect(gate.reserve(120, status, 0, 999)).toBeNull();
    // Nothing was reserved by the caller who gave up: the next one still starts at 1 000.
    expect(gate.reserve(120, status, 0)).toBe(1_000);
  });

  it("spaces the retries of concurrent callers in retryWhenThrottled", async () => {
    const gate = new ThrottleGate();
    const waits: number[] = [];
    let clock = 0;
    const calls = [0, 0, 0];
    await Promise.all(
      calls.map((_, i) =>
        retryWhenThrottled(
          async () => {
            if (calls[i]++ === 0) throw throttled(10, 0);
            return i;
          },
          { maxAttempts: 3, gate, now: () => clock, sleep: async (ms) => void waits.push(ms) },
        ),
      ),
    );
    expect(waits).toEqual([120, 220, 320]);
  });
});
