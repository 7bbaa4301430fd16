// CSV import of past orders and CSV exports, over real HTTP with a real session token.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTreue, browserFetch, TEST_SHOP, type TreueHarness } from "../support/treue-harness";
import { historyTotals } from "../../app/history/history-store.server";

let t: TreueHarness;

beforeAll(async () => {
  t = await startTreue();
});
afterAll(async () => {
  await t?.close();
});

const upload = (csv: string) =>
  browserFetch(t.adminUrl("/app/history/import"), { method: "POST", headers: { "Content-Type": "text/csv" }, body: csv });

const empty = { customers: 0, orders: 0, refunds: 0, orderAmountMinor: 0, refundAmountMinor: 0, cancelledOrders: 0 };

describe("CSV import", () => {
  it("rejects a file with a bad row with its line number and writes nothing", async () => {
    const csv = "order_id,customer_id,date,amount\nA1,c1,2024-01-05,12.50\nA2,c2,2024-13-01,3.00\n";
    const res = await upload(csv);
    expect(res.status).toBe(422);
    expect((await res.json()).error).toMatch(/^line 3: .*date/);
    expect(await historyTotals(t.db.prisma, TEST_SHOP)).toEqual(empty);
  });

  it("rejects a request without a file with 400", async () => {
    const res = await browserFetch(t.adminUrl("/app/history/import"), { method: "POST", headers: { "Content-Type": "text/csv" }, body: "" });
    expect(res.status).toBe(400);
    expect(await historyTotals(t.db.prisma, TEST_SHOP)).toEqual(empty);
  });

  it("imports orders, line-item rows of one order and refunds, and a second upload changes nothing", async () => {
    const csv = [
      "order_id,customer_id,date,amount",
      "A1,c1,2024-01-05,12.50",
      "A1,c1,2024-01-05,7.50", // second line item of A1
      "A2,c1,2024-03-01,30.00",
      "A2,,2024-03-09,-10.00", // refund of A2
      "A3,,2024-04-01,5.00", // guest
      "A4,4242,2024-05-01T10:00:00Z,9.99",
    ].join("\n");
    const res = await upload(csv);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, orders: 4, refunds: 1 });
    const expected = { customers: 2, orders: 4, refunds: 1, orderAmountMinor: 2000 + 3000 + 500 + 999, refundAmountMinor: 1000, cancelledOrders: 0 };
    expect(await historyTotals(t.db.prisma, TEST_SHOP)).toEqual(expected);
    expect((await upload(csv)).status).toBe(200);
    expect(await historyTotals(t.db.prisma, TEST_SHOP)).toEqual(expected);
    const shopifyCustomer = await t.db.prisma.historyCustomer.findUnique({ where: { shop_id: { shop: TEST_SHOP, id: 4242n } } });
    expect(shopifyCustomer?.source).toBe("csv");
  });
});

describe("CSV export", () => {
  it("exports customers with their figures", async () => {
    const res = await browserFetch(t.adminUrl("/app/history/export/customers"));
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toContain("text/csv");
    const lines = (await res.text()).trim().split("\r\n");
    // A "member" column follows when the loyalty programme's members table exists.
    expect(lines[0]).toMatch(/^customer_id,email,segment,orders,spend,currency,days_since_last_order,days_since_first_order(,member)?$/);
    expect(lines).toHaveLength(3);
    expect(lines.find((l) => l.startsWith("4242,"))).toMatch(/^4242,,lost,1,9\.99,/);
  });

  it("exports one segment's customers from the segment page, and refuses a segment it does not know", async () => {
    const all = (await (await browserFetch(t.adminUrl("/app/history/export/customers"))).text()).trim().split("\r\n").slice(1);
    const res = await browserFetch(t.adminUrl("/app/history/export/customers", { segment: "lost" }));
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Disposition")).toContain("treue-customers-lost.csv");
    const lost = (await res.text()).trim().split("\r\n").slice(1);
    expect(lost).toEqual(all.filter((l) => l.split(",")[2] === "lost"));
    expect(lost.length).toBeGreaterThan(0);
    expect((await browserFetch(t.adminUrl("/app/history/export/customers", { segment: "whales" }))).status).toBe(400);
  });

  it("exports the period figures", async () => {
    const res = await browserFetch(t.adminUrl("/app/history/export/metrics", { days: "90" }));
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.split("\r\n")[0]).toBe("figure,group,period_from,period_to,value,previous_value,currency,note");
    expect(text).toContain("retentionRate,all,");
    expect(text).toContain("referralRate,all,");
    // Money in major units under names without the code's "Minor": "averageOrderValue,all,…,12.34,…,GBP".
    expect(text).toMatch(/\naverageOrderValue,all,[^,]*,[^,]*,(\d+\.\d{2})?,/);
    expect(text).not.toContain("Minor,");
  });

  it("shows the dashboard, where the upload is, to a GET of the upload's address, keeping the admin's language", async () => {
    const res = await browserFetch(t.adminUrl("/app/history/import", { locale: "de" }));
    expect(res.status).toBe(302);
    const to = new URL(res.headers.get("Location")!, t.app.url);
    expect(to.pathname).toBe("/app");
    expect(to.searchParams.get("locale")).toBe("de");
  });
});
