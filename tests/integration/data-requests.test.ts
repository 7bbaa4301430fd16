// customers/data_request end to end: Shopify forwards the request (signed webhook), Treue logs it once however
// often it is delivered, and the merchant downloads the customer's data (profile, points history, redemptions,
// referrals, orders) from the admin; each download is counted. Another shop's request is not reachable.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserFetch, startTreue, TEST_SHOP, type TreueHarness } from "../support/treue-harness";

let t: TreueHarness;

beforeAll(async () => {
  t = await startTreue({ appEnv: { WEBHOOK_WORKER: "1" } });
});
afterAll(async () => {
  await t?.close();
});

describe("customers/data_request", () => {
  it("is logged once and gives the merchant the customer's data as a file", async () => {
    const member = await t.memberWithPoints(640, "hanna.auskunft@example.com");
    const token = t.standin.mintCheckoutToken({ customerGid: `gid://shopify/Customer/${member.id}` });
    const redeemed = await browserFetch(`${t.app.url}/api/loyalty/redemptions`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, Origin: "https://extensions.shopifycdn.com", "Content-Type": "application/json" },
      body: JSON.stringify({ rewardId: "default-5-off", idempotencyKey: "auskunft-1" }),
    });
    expect(redeemed.status).toBe(201);

    // Shopify's payload; sent twice as two deliveries (two event ids): still one request.
    const orderId = t.standin.state.shops[TEST_SHOP].orders.find((o) => String(o.customerId) === String(member.id))!.id;
    const payload = { shop_domain: TEST_SHOP, orders_requested: [orderId], customer: { id: member.id, email: "hanna.auskunft@example.com", phone: null }, data_request: { id: 9001 } };
    for (let i = 0; i < 2; i++) expect((await t.standin.deliverWebhook("customers/data_request", payload)).map((d) => d.status)).toEqual([200]);
    await expect.poll(() => t.db.prisma.dataRequest.count({ where: { shop: TEST_SHOP } }), { timeout: 10_000 }).toBe(1);
    const request = await t.db.prisma.dataRequest.findFirstOrThrow({ where: { shop: TEST_SHOP } });
    expect(request).toMatchObject({ customerId: String(member.id), downloads: 0, lastDownloadAt: null });

    const res = await browserFetch(t.adminUrl(`/app/data-requests/${request.id}`));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="treue-customer-${member.id}-data-request-${request.id}.json"`);
    const file = await res.json();
    expect(file.customer).toMatchObject({ id: String(member.id), member: true, erased: false, email: "hanna.auskunft@example.com", points: 140, lifetimeEarned: 640, lifetimeRedeemed: 500 });
    expect(file.pointsHistory.map((e: { kind: string; points: number }) => [e.kind, e.points])).toEqual([
      ["earn", 640],
      ["redeem", -500],
    ]);
    expect(file.redemptions).toEqual([expect.objectContaining({ pointsCost: 500, status: expect.any(String), code: expect.stringMatching(/^TREUE-/) })]);
    expect(file.referrals.code).toEqual(expect.any(String));
    expect(file.orders).toHaveLength(1);
    expect(file.orders[0]).toMatchObject({ amountMinor: 64_000, currency: expect.stringMatching(/^[A-Z]{3}$/) });

    // The download is logged.
    expect(await t.db.prisma.dataRequest.findUniqueOrThrow({ where: { id: request.id } })).toMatchObject({ downloads: 1, lastDownloadAt: expect.any(Date) });
    expect(t.app.output()).toMatch(new RegExp(`data request \\d+ of customer ${member.id} \\(${TEST_SHOP}\\) downloaded`));
  });

  it("answers 404 for another shop's request and for an id that is not one", async () => {
    const other = await t.db.prisma.dataRequest.create({ data: { shop: "someone-else.myshopify.com", customerId: "1", requestId: "77", requestedAt: new Date() } });
    expect((await browserFetch(t.adminUrl(`/app/data-requests/${other.id}`))).status).toBe(404);
    expect((await browserFetch(t.adminUrl(`/app/data-requests/not-a-number`))).status).toBe(404);
    expect(await t.db.prisma.dataRequest.findUniqueOrThrow({ where: { id: other.id } })).toMatchObject({ downloads: 0 });
  });
});
