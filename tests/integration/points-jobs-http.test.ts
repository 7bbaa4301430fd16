// Over real HTTP against the built app: the birthday endpoint for extensions, and a VIP tier that an order
// webhook reaches applies at once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserFetch, startTreue, TEST_SHOP, type TreueHarness } from "../support/treue-harness";

let t: TreueHarness;

beforeAll(async () => {
  t = await startTreue({ appEnv: { WEBHOOK_WORKER: "1", PERIODIC_JOBS: "0" } });
});
afterAll(async () => {
  if (process.env.SHOW_APP_OUTPUT) console.log(t?.app.output());
  await t?.close();
});

const ORIGIN = "https://extensions.shopifycdn.com";
function postBirthday(token: string | null, body: string) {
  return browserFetch(`${t.app.url}/api/loyalty/birthday`, {
    method: "POST",
    headers: { Origin: ORIGIN, "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body,
  });
}
const member = (customerId: number | string) => t.db.prisma.member.findUnique({ where: { shop_customerId: { shop: TEST_SHOP, customerId: String(customerId) } } });

describe("POST /api/loyalty/birthday", () => {
  it("refuses a missing or badly signed token with 401", async () => {
    expect((await postBirthday(null, JSON.stringify({ birthday: "03-21" }))).status).toBe(401);
    const good = t.standin.mintCheckoutToken({ customerGid: "gid://shopify/Customer/501" });
    const forged = good.slice(0, -4) + (good.endsWith("AAAA") ? "BBBB" : "AAAA");
    expect((await postBirthday(forged, JSON.stringify({ birthday: "03-21" }))).status).toBe(401);
    expect((await postBirthday(t.standin.mintCheckoutToken({ customerGid: null }), JSON.stringify({ birthday: "03-21" }))).status).toBe(401);
    expect(await member(501)).toBeNull();
  });

  it("refuses bad input with 400 and a message, writing nothing", async () => {
    const token = t.standin.mintCheckoutToken({ customerGid: "gid://shopify/Customer/502" });
    for (const body of ["not json", "{}", JSON.stringify({ birthday: 321 }), JSON.stringify({ birthday: "02-30" }), JSON.stringify({ birthday: "1999-02-29" }), JSON.stringify({ birthday: "21.03." })]) {
      const res = await postBirthday(token, body);
      expect(res.status, body).toBe(400);
      expect((await res.json()).error.code).toBe("BAD_REQUEST");
      expect(res.headers.get("access-control-allow-origin")).toBeTruthy();
    }
    expect(await member(502)).toBeNull();
  });

  it("stores a good birthday as MM-DD, a full date without its year, 29 February included", async () => {
    const token = t.standin.mintCheckoutToken({ customerGid: "gid://shopify/Customer/503" });
    const res = await postBirthday(token, JSON.stringify({ birthday: "1992-02-29" }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ birthday: "02-29" });
    expect(await member(503)).toMatchObject({ birthday: "02-29", points: 0 });
    expect((await postBirthday(token, JSON.stringify({ birthday: "12-24" }))).status).toBe(200);
    expect(await member(503)).toMatchObject({ birthday: "12-24" });
  });

  it("GET /api/loyalty tells the extension whether to ask: null until given, then the stored MM-DD", async () => {
    const token = t.standin.mintCheckoutToken({ customerGid: "gid://shopify/Customer/504" });
    const loyalty = async () => (await browserFetch(`${t.app.url}/api/loyalty`, { headers: { Origin: ORIGIN, Authorization: `Bearer ${token}` } })).json();
    expect(await loyalty()).toMatchObject({ customerId: "gid://shopify/Customer/504", birthday: null });
    expect((await postBirthday(token, JSON.stringify({ birthday: "1988-07-04" }))).status).toBe(200);
    expect(await loyalty()).toMatchObject({ birthday: "07-04" });
    expect(await (await browserFetch(`${t.app.url}/api/loyalty`, { headers: { Origin: ORIGIN, Authorization: `Bearer ${t.standin.mintCheckoutToken({ customerGid: null })}` } })).json()).toMatchObject({ customerId: null, birthday: null });
  });

  it("answers the CORS preflight", async () => {
    const res = await browserFetch(`${t.app.url}/api/loyalty/birthday`, {
      method: "OPTIONS",
      headers: { Origin: ORIGIN, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type" },
    });
    expect(res.status).toBeLessThan(300);
    expect(res.headers.get("access-control-allow-origin")).toBeTruthy();
  });
});

describe("VIP tier from an order webhook", () => {
  it("GIVEN tiers at 500.00 and 2,000.00 WHEN an order of 600.00 arrives THEN the member is silver at once and earns ×1.25 afterwards", async () => {
    await t.db.prisma.loyaltyProgram.upsert({
      where: { shop: TEST_SHOP },
      create: { shop: TEST_SHOP, settings: tiersProgram() },
      update: { settings: tiersProgram() },
    });
    const customer = await t.standin.createCustomer({ email: "vip@example.com" });
    await t.standin.createOrder({ customerId: customer.id, lines: [{ sku: "BAG", quantity: 1, unitPriceMinor: 60_000 }] });
    await expect.poll(async () => (await member(customer.id))?.tierId ?? null, { timeout: 15_000 }).toBe("silver");
    const m = (await member(customer.id))!;
    expect(m.points).toBe(600);
    expect(m.tierPeriodEnd!.getTime() - Date.now()).toBeGreaterThan(364 * 86_400_000);

    // The next order is priced with the silver multiplier: 100.00 × 1.25 = 125 points.
    await t.standin.createOrder({ customerId: customer.id, lines: [{ sku: "CAP", quantity: 1, unitPriceMinor: 10_000 }] });
    await expect.poll(async () => (await member(customer.id))?.points, { timeout: 15_000 }).toBe(725);
  });
});

describe("birthday on the member page", () => {
  function post(path: string, form: Record<string, string>) {
    const url = new URL(t.adminUrl(path));
    return browserFetch(url.toString(), {
      method: "POST",
      headers: { Authorization: `Bearer ${url.searchParams.get("id_token")}`, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form).toString(),
    });
  }

  it("staff set, refuse a bad one, show it in German and English, and clear it", async () => {
    const token = t.standin.mintCheckoutToken({ customerGid: "gid://shopify/Customer/504" });
    expect((await postBirthday(token, JSON.stringify({ birthday: "05-05" }))).status).toBe(200);
    const { id } = (await member(504))!;
    expect((await post(`/app/members/${id}`, { intent: "birthday", birthday: "04-31" })).status).toBe(400);
    expect(await member(504)).toMatchObject({ birthday: "05-05" });
    expect((await post(`/app/members/${id}`, { intent: "birthday", birthday: "1980-03-09" })).status).toBe(200);
    expect(await member(504)).toMatchObject({ birthday: "03-09" });
    // Shown as a month and a day to choose, the month named in the admin's language.
    const de = await (await browserFetch(t.adminUrl(`/app/members/${id}`, { locale: "de" }))).text();
    expect(de).toContain("Geburtstag");
    expect(de).toMatch(/<option value="03" selected="">März<\/option>/);
    expect(de).toMatch(/<option value="9" selected="">9<\/option>/);
    const en = await (await browserFetch(t.adminUrl(`/app/members/${id}`))).text();
    expect(en).toContain("Save birthday");
    expect(en).toMatch(/<option value="03" selected="">March<\/option>/);
    expect((await post(`/app/members/${id}`, { intent: "birthday", birthday: "" })).status).toBe(200);
    expect(await member(504)).toMatchObject({ birthday: null });
  });
});

function tiersProgram() {
  return {
    vip: {
      windowDays: 365,
      tiers: [
        { id: "silver", name: "Silber", thresholdMinor: 50_000, multiplierPercent: 125 },
        { id: "gold", name: "Gold", thresholdMinor: 200_000, multiplierPercent: 150 },
      ],
    },
  };
}
