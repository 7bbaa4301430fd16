// A bonus on a collection's products, end to end (issue 16: it could be set and was never applied): the merchant
// saves the bonus, Treue reads the collection's products from Shopify (the stand-in, through the app's jobs run
// here with the stand-in's Admin API), and paid orders earn the bonus for exactly the units of products in the
// collection. When the merchant changes the collection (collections/update) or a product moves into it
// (products/update), the next orders follow; orders already seen keep their terms.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readPendingCollections } from "~/points/product-collections.server";
import { browserFetch, startTreue, TEST_SHOP, type TreueHarness } from "../support/treue-harness";
import { standinAdminGraphql } from "../support/standin-admin";

let t: TreueHarness;
let collectionId = 0;
const BONUS = 25;

beforeAll(async () => {
  t = await startTreue({ appEnv: { WEBHOOK_WORKER: "1", PERIODIC_JOBS: "0" } });
  collectionId = (await t.standin.createCollection({ title: "Sommer", skus: ["HAT", "CAP"] })).id;
});
afterAll(async () => {
  await t?.close();
});

function post(path: string, form: Record<string, string>) {
  const url = new URL(t.adminUrl(path, { _data: "routes/app.program" }));
  return browserFetch(url.toString(), {
    method: "POST",
    headers: { Authorization: `Bearer ${url.searchParams.get("id_token")}`, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
  });
}
/** The app's job, run here: what the save and the webhooks marked is read from the stand-in's Admin API. */
const readMarked = () => readPendingCollections(t.db.prisma, async (shop) => standinAdminGraphql(t.standin, shop));
const kept = async () =>
  (await t.db.prisma.$queryRawUnsafe<{ productId: string }[]>(`SELECT "productId" FROM "ProductCollection" WHERE "shop" = $1 ORDER BY "productId"`, TEST_SHOP)).map((r) => r.productId);
const productId = (sku: string) => String(t.standin.state.shops[TEST_SHOP].products[sku][0]);

/** A paid order and the points its earn entry gave (waits for the webhook to be applied). */
async function earned(lines: { sku: string; quantity: number; unitPriceMinor: number }[]): Promise<number> {
  const order = await t.standin.createOrder({ customer: { email: "bonus@example.com" }, lines });
  let points: number | null = null;
  await expect
    .poll(
      async () => {
        const entry = await t.db.prisma.ledgerEntry.findFirst({ where: { shop: TEST_SHOP, orderId: String(order.id), kind: "earn" } });
        points = entry?.points ?? null;
        return points;
      },
      { timeout: 15_000 },
    )
    .not.toBeNull();
  return points!;
}

describe("a bonus on a collection", () => {
  it("is earned for the units of the collection's products once the merchant saved it", async () => {
    const saved = await post("/app/program", { program: JSON.stringify({ productBonuses: [{ target: "collection", targetId: String(collectionId), pointsPerUnit: BONUS }] }) });
    expect(saved.status).toBe(200);
    expect(await readMarked()).toBe(1);
    expect(await kept()).toEqual([productId("HAT"), productId("CAP")].sort());
    // 1 point per 1.00 spent (the default rate) on 2 × 10.00 + 1 × 7.00, and the bonus on the two hats only.
    expect(await earned([{ sku: "HAT", quantity: 2, unitPriceMinor: 1000 }, { sku: "SOCK", quantity: 1, unitPriceMinor: 700 }])).toBe(27 + 2 * BONUS);
  });

  it("follows the collection when the merchant changes it, and a product that moves into it", async () => {
    await t.standin.setCollectionProducts(collectionId, ["SOCK"]);
    await expect.poll(readMarked, { timeout: 15_000 }).toBe(1);
    expect(await kept()).toEqual([productId("SOCK")]);
    expect(await earned([{ sku: "HAT", quantity: 1, unitPriceMinor: 1000 }, { sku: "SOCK", quantity: 3, unitPriceMinor: 700 }])).toBe(31 + 3 * BONUS);

    // The hat joins the collection without a collection webhook; its products/update brings it in.
    t.standin.state.shops[TEST_SHOP].collections!.find((c) => c.id === collectionId)!.productIds.push(Number(productId("HAT")));
    await t.standin.updateProduct("HAT");
    await expect.poll(readMarked, { timeout: 15_000 }).toBe(1);
    expect(await kept()).toEqual([productId("HAT"), productId("SOCK")].sort());
    expect(await earned([{ sku: "HAT", quantity: 1, unitPriceMinor: 1000 }])).toBe(10 + BONUS);
  });

  it("marks nothing for products or collections no bonus targets", async () => {
    const other = await t.standin.createCollection({ title: "Winter", skus: ["SCARF"] });
    await t.standin.setCollectionProducts(other.id, ["SCARF", "GLOVE"]);
    await expect.poll(() => t.db.prisma.webhookEvent.count({ where: { shop: TEST_SHOP, topic: "COLLECTIONS_UPDATE", status: "processed" } }), { timeout: 15_000 }).toBe(2);
    expect(await t.db.prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM "ProductCollectionPending" WHERE "shop" = $1 AND "kind" = 'collection'`, TEST_SHOP)).toEqual([{ n: 0 }]);
  });
});
