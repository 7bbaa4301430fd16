// Web and worker instances (TREUE_ROLE): the instance the load balancer sends requests to records webhooks and
// answers, and runs no background work; a worker instance on the same database applies what it recorded. So a
// heavy job (an import, a CLV fit) never runs on the event loop that answers requests.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppProcess } from "../../scripts/demo/app-process";
import { startTreue, TEST_SHOP, type TreueHarness } from "../support/treue-harness";

let t: TreueHarness;
let worker: AppProcess | null = null;

beforeAll(async () => {
  t = await startTreue({ appEnv: { WEBHOOK_WORKER: "1", TREUE_ROLE: "web", JOB_POLL_SECONDS: "0.5" } });
});
afterAll(async () => {
  await worker?.stop();
  await t?.close();
});

const pointsOf = async (customerId: number) =>
  (await t.db.prisma.member.findUnique({ where: { shop_customerId: { shop: TEST_SHOP, customerId: String(customerId) } } }))?.points ?? null;

describe("instance roles", () => {
  it("a web instance records webhooks and leaves applying them to a worker instance", { timeout: 60_000 }, async () => {
    const customer = await t.standin.createCustomer({ email: "roles@example.com" });
    await t.standin.createOrder({ customerId: customer.id, lines: [{ sku: "TEA", quantity: 1, unitPriceMinor: 4_200 }] });
    // Recorded and answered by the web instance, and not applied: nothing works the jobs.
    await expect.poll(() => t.db.prisma.webhookEvent.count({ where: { shop: TEST_SHOP } }), { timeout: 10_000 }).toBe(2);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await t.db.prisma.webhookEvent.count({ where: { shop: TEST_SHOP, status: "received" } })).toBe(2);
    expect(await pointsOf(customer.id)).toBeNull();

    // A worker instance starts on the same database: it applies them.
    worker = await t.startInstance({ TREUE_ROLE: "worker" });
    await expect.poll(() => pointsOf(customer.id), { timeout: 20_000 }).toBe(42);

    // From now on the web instance's deliveries reach the worker through the job it sends.
    await t.standin.createOrder({ customerId: customer.id, lines: [{ sku: "TEA", quantity: 1, unitPriceMinor: 1_000 }] });
    await expect.poll(() => pointsOf(customer.id), { timeout: 20_000 }).toBe(52);
  });
});
