import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  CsvStreamParser,
  DEFAULT_ONLINE_RETAIL_FILE,
  loadOnlineRetailSeed,
  parseCsvLine,
  parsePence,
  type OnlineRetailReport,
} from "./online-retail";
import type { SeedOrder, ShopSeed } from "./types";

const HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country";
const END = new Date("2025-03-10T09:30:00Z");

describe("parseCsvLine", () => {
  it("splits plain fields", () => {
    expect(parseCsvLine("536365,85123A,WHITE HANGING HEART,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom")).toEqual([
      "536365", "85123A", "WHITE HANGING HEART", "6", "2010-12-01 08:26:00", "2.55", "17850.0", "United Kingdom",
    ]);
  });

  it("keeps commas and doubled quotes inside quoted fields", () => {
    expect(parseCsvLine('a,"TRAY, BREAKFAST IN BED",c')).toEqual(["a", "TRAY, BREAKFAST IN BED", "c"]);
    expect(parseCsvLine('"RECORD FRAME 7"" SINGLE SIZE ",x')).toEqual(['RECORD FRAME 7" SINGLE SIZE ', "x"]);
    expect(parseCsvLine('""')).toEqual([""]);
    expect(parseCsvLine('"a\nb",c')).toEqual(["a\nb", "c"]);
  });

  it("handles empty fields, trailing commas and line endings", () => {
    expect(parseCsvLine("a,,c")).toEqual(["a", "", "c"]);
    expect(parseCsvLine("a,b,")).toEqual(["a", "b", ""]);
    expect(parseCsvLine(",")).toEqual(["", ""]);
    expect(parseCsvLine("a,b\r\n")).toEqual(["a", "b"]);
    expect(parseCsvLine("a,b\n")).toEqual(["a", "b"]);
    expect(parseCsvLine("")).toEqual([""]);
  });

  it("is lenient about stray quotes but rejects an unterminated quoted field", () => {
    expect(parseCsvLine('ab"c,d')).toEqual(['ab"c', "d"]);
    expect(parseCsvLine('"ab"c,d')).toEqual(["abc", "d"]);
    expect(() => parseCsvLine('"abc,d')).toThrow(/unterminated/);
    expect(() => parseCsvLine("a\nb")).toThrow(/more than one record/);
  });
});

describe("CsvStreamParser", () => {
  const text =
    '\uFEFFh1,h2,h3\r\n1,"x, y",£10\n2,"multi\nline ""quoted""",z\r\n\n3,,"end"\n4,last,"no newline at end"';
  const expected = [
    ["h1", "h2", "h3"],
    ["1", "x, y", "£10"],
    ["2", 'multi\nline "quoted"', "z"],
    ["3", "", "end"],
    ["4", "last", "no newline at end"],
  ];

  const parseChunks = (chunks: string[]) => {
    const out: string[][] = [];
    const p = new CsvStreamParser((r) => out.push(r));
    for (const c of chunks) p.push(c);
    p.end();
    return out;
  };

  it("parses the whole text in one chunk", () => {
    expect(parseChunks([text])).toEqual(expected);
  });

  it("gives the same records whatever the chunk boundaries", () => {
    for (let cut = 0; cut <= text.length; cut++) {
      expect(parseChunks([text.slice(0, cut), text.slice(cut)]), `cut at ${cut}`).toEqual(expected);
    }
    expect(parseChunks([...text])).toEqual(expected);
  });
});

describe("parsePence", () => {
  it("converts decimal text to integer pence without floats", () => {
    expect(parsePence("2.55")).toEqual({ pence: 255, subPenny: false });
    expect(parsePence("2.1")).toEqual({ pence: 210, subPenny: false });
    expect(parsePence("15")).toEqual({ pence: 1500, subPenny: false });
    expect(parsePence("0.0")).toEqual({ pence: 0, subPenny: false });
    expect(parsePence("-11062.06")).toEqual({ pence: -1106206, subPenny: false });
    expect(parsePence("1.150")).toEqual({ pence: 115, subPenny: false });
  });

  it("rounds sub-penny prices half-up and says so", () => {
    expect(parsePence("0.001")).toEqual({ pence: 0, subPenny: true });
    expect(parsePence("0.005")).toEqual({ pence: 1, subPenny: true });
    expect(parsePence("-0.015")).toEqual({ pence: -2, subPenny: true });
  });

  it("rejects non-numbers", () => {
    expect(() => parsePence("1e3")).toThrow();
    expect(() => parsePence("")).toThrow();
    expect(() => parsePence("£1")).toThrow();
  });
});

describe("loadOnlineRetailSeed on fixtures", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "online-retail-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  let n = 0;
  const load = async (rows: string[], endDate = END) => {
    const file = join(dir, `f${n++}.csv.gz`);
    writeFileSync(file, gzipSync([HEADER, ...rows].join("\n") + "\n"));
    return loadOnlineRetailSeed({ file, endDate, shopName: "Fixture Shop" });
  };
  const order = (seed: ShopSeed, no: string) => {
    const o = seed.orders.find((x) => x.name === `#${no}`);
    if (!o) throw new Error(`no order #${no}`);
    return o;
  };

  it("keeps commas inside quoted descriptions and builds the order, customer and shop", async () => {
    const { seed, report } = await load([
      '536520,22760,"TRAY, BREAKFAST IN BED",1,2010-12-01 12:43:00,12.75,14729.0,United Kingdom',
      '536520,21111,"SWISS ROLL TOWEL, CHOCOLATE  SPOTS",2,2010-12-01 12:43:00,2.95,14729.0,United Kingdom',
    ]);
    expect(seed.shop).toEqual({ name: "Fixture Shop", email: "shop@example.com", currency: "GBP", timezone: "Etc/UTC", countryCode: "GB" });
    expect(seed.orders).toEqual([
      {
        id: 5_000_536_520,
        name: "#536520",
        customerId: 7_000_014_729,
        createdAt: "2025-03-10T12:43:00.000Z",
        currency: "GBP",
        lines: [
          { sku: "22760", title: "TRAY, BREAKFAST IN BED", quantity: 1, unitPriceMinor: 1275 },
          { sku: "21111", title: "SWISS ROLL TOWEL, CHOCOLATE  SPOTS", quantity: 2, unitPriceMinor: 295 },
        ],
        refunds: [],
      },
    ]);
    expect(seed.customers).toHaveLength(1);
    expect(seed.customers[0]).toMatchObject({
      id: 7_000_014_729,
      legacyCustomerId: "14729",
      email: "customer-14729@example.com",
      countryCode: "GB",
      createdAt: "2025-03-10T12:43:00.000Z",
    });
    expect(seed.customers[0].firstName).toMatch(/\S/);
    expect(seed.customers[0].lastName).toMatch(/\S/);
    expect(report.totalRevenueMinor).toBe(1275 + 2 * 295);
  });

  it("merges duplicate rows with the same StockCode and price, but not different prices", async () => {
    const { seed, report } = await load([
      "536409,22866,HAND WARMER SCOTTY DOG DESIGN,1,2010-12-01 11:45:00,2.1,17908.0,United Kingdom",
      "536409,22866,HAND WARMER SCOTTY DOG DESIGN,1,2010-12-01 11:45:00,2.10,17908.0,United Kingdom",
      "536409,22900,SET 2 TEA TOWELS,1,2010-12-01 11:45:00,2.95,17908.0,United Kingdom",
      "536409,22866,HAND WARMER SCOTTY DOG DESIGN,3,2010-12-01 11:46:00,1.85,17908.0,United Kingdom",
      "536409,22866,HAND WARMER SCOTTY DOG DESIGN,2,2010-12-01 11:46:00,2.1,17908.0,United Kingdom",
    ]);
    expect(order(seed, "536409").lines).toEqual([
      { sku: "22866", title: "HAND WARMER SCOTTY DOG DESIGN", quantity: 4, unitPriceMinor: 210 },
      { sku: "22900", title: "SET 2 TEA TOWELS", quantity: 1, unitPriceMinor: 295 },
      { sku: "22866", title: "HAND WARMER SCOTTY DOG DESIGN", quantity: 3, unitPriceMinor: 185 },
    ]);
    // An invoice spanning a minute boundary takes its earliest time.
    expect(order(seed, "536409").createdAt).toBe("2025-03-10T11:45:00.000Z");
    expect(report.duplicateRowsMerged).toBe(2);
    expect(report.invoicesWithSeveralTimestamps).toBe(1);
  });

  it("refunds a cancellation from the latest earlier order that still has the item", async () => {
    const { seed, report } = await load([
      "100001,20725,LUNCH BAG RED,10,2011-01-01 10:00:00,1.65,12345.0,Germany",
      "100002,20725,LUNCH BAG RED,10,2011-01-05 10:00:00,1.55,12345.0,Germany",
      "100003,21212,CAKE CASES,5,2011-01-06 10:00:00,0.55,12345.0,Germany",
      "C100004,20725,LUNCH BAG RED,-4,2011-01-07 10:00:00,1.65,12345.0,Germany",
      // Placed after the cancellation: must not be refunded by it.
      "100005,20725,LUNCH BAG RED,10,2011-01-08 10:00:00,1.65,12345.0,Germany",
    ]);
    const refunds = order(seed, "100002").refunds;
    expect(refunds).toHaveLength(1);
    // Refunded at the price paid on that order (1.55), not the price on the cancellation line.
    expect(refunds[0]).toMatchObject({ createdAt: "2025-03-09T10:00:00.000Z", lines: [{ sku: "20725", quantity: 4, amountMinor: 620 }], amountMinor: 620 });
    expect(order(seed, "100001").refunds).toEqual([]);
    expect(order(seed, "100005").refunds).toEqual([]);
    expect(seed.customers[0]).toMatchObject({ countryCode: "DE", createdAt: "2025-03-03T10:00:00.000Z" });
    expect(report).toMatchObject({ refunds: 1, refundedQuantity: 4, refundedAmountMinor: 620, unmatchedRefunds: { lines: 0, quantity: 0, amountMinor: 0 } });
  });

  it("splits a cancellation across earlier orders, most recent first, never beyond what was bought", async () => {
    const { seed, report } = await load([
      "200001,22423,REGENCY CAKESTAND,2,2011-02-01 09:00:00,12.75,13000.0,France",
      "200001,84879,ASSORTED BIRD ORNAMENT,8,2011-02-01 09:00:00,1.69,13000.0,France",
      "200002,22423,REGENCY CAKESTAND,3,2011-02-02 09:00:00,10.95,13000.0,France",
      "C200003,22423,REGENCY CAKESTAND,-2,2011-02-03 09:00:00,12.75,13000.0,France",
      "C200004,22423,REGENCY CAKESTAND,-4,2011-02-04 09:00:00,12.75,13000.0,France",
      "C200004,84879,ASSORTED BIRD ORNAMENT,-8,2011-02-04 09:00:00,1.69,13000.0,France",
    ]);
    const newer = order(seed, "200002").refunds;
    const older = order(seed, "200001").refunds;
    // C200003 takes 2 of the 3 on the newer order; C200004 takes its last 1 and then 3 more from the older order,
    // which only has 2, so 1 stays unmatched.
    expect(newer.map((r) => r.lines)).toEqual([
      [{ sku: "22423", quantity: 2, amountMinor: 2190 }],
      [{ sku: "22423", quantity: 1, amountMinor: 1095 }],
    ]);
    expect(older).toHaveLength(1);
    expect(older[0].lines).toEqual([
      { sku: "22423", quantity: 2, amountMinor: 2550 },
      { sku: "84879", quantity: 8, amountMinor: 1352 },
    ]);
    expect(older[0].amountMinor).toBe(3902);
    // Both parts of C200004 share its time and get distinct ids.
    expect(older[0].createdAt).toBe(newer[1].createdAt);
    expect(older[0].id).not.toBe(newer[1].id);
    expect(report.refunds).toBe(3);
    expect(report.unmatchedRefunds).toEqual({ lines: 1, quantity: 1, amountMinor: 1275 });
  });

  it("reports cancellations it cannot match instead of inventing refunds", async () => {
    const { seed, report } = await load([
      // Bought before the data set starts.
      "C300001,22086,PAPER CHAIN KIT,-6,2011-03-01 10:00:00,2.95,14000.0,United Kingdom",
      "300002,22086,PAPER CHAIN KIT,6,2011-03-02 10:00:00,2.95,14000.0,United Kingdom",
      // A different product than the customer ever bought, plus service codes that are credits, not goods.
      "C300003,23084,RABBIT NIGHT LIGHT,-2,2011-03-03 10:00:00,2.08,14000.0,United Kingdom",
      "C300003,D,Discount,-1,2011-03-03 10:00:00,5.5,14000.0,United Kingdom",
      "C300003,POST,POSTAGE,-1,2011-03-03 10:00:00,18,14000.0,United Kingdom",
      // A guest cancellation has no order to refund.
      "C300004,22086,PAPER CHAIN KIT,-1,2011-03-04 10:00:00,2.95,,United Kingdom",
      "C300004,AMAZONFEE,AMAZON FEE,-1,2011-03-04 10:00:00,100.5,,United Kingdom",
    ]);
    expect(seed.orders.flatMap((o) => o.refunds)).toEqual([]);
    expect(report.unmatchedRefunds).toEqual({ lines: 2, quantity: 8, amountMinor: 6 * 295 + 2 * 208 });
    expect(report.cancellationServiceRows).toEqual({
      AMAZONFEE: { rows: 1, quantity: -1, amountMinor: -10050 },
      D: { rows: 1, quantity: -1, amountMinor: -550 },
      POST: { rows: 1, quantity: -1, amountMinor: -1800 },
    });
    expect(report.guestCancellations).toEqual({ invoices: 1, rows: 1, quantity: -1, amountMinor: -295 });
    expect(report.cancellationInvoices).toBe(3);
    // The customer exists from their first invoice, even though it was a cancellation.
    expect(seed.customers[0].createdAt).toBe("2025-03-07T10:00:00.000Z");
  });

  it("turns guest invoices into orders without a customer", async () => {
    const { seed, report } = await load([
      "400001,85123A,WHITE HANGING HEART T-LIGHT HOLDER,2,2011-04-01 10:00:00,2.55,,United Kingdom",
      "400002,85123A,WHITE HANGING HEART T-LIGHT HOLDER,1,2011-04-01 11:00:00,2.55,15000.0,Channel Islands",
      "400003,84997D,,5,2011-04-01 12:00:00,0,,United Kingdom",
    ]);
    expect(order(seed, "400001").customerId).toBeNull();
    // A zero-priced line without a description is kept as a free line titled by its StockCode.
    expect(order(seed, "400003").lines).toEqual([{ sku: "84997D", title: "84997D", quantity: 5, unitPriceMinor: 0 }]);
    expect(seed.customers.map((c) => c.legacyCustomerId)).toEqual(["15000"]);
    expect(seed.customers[0].countryCode).toBe("JE");
    expect(report).toMatchObject({
      guestOrders: 2,
      orders: 3,
      customers: 1,
      zeroPriceLines: 1,
      untitledLines: 1,
      countryFallbacks: { "Channel Islands": { countryCode: "JE", customers: 1 } },
    });
  });

  it("excludes negative-price and negative-quantity rows from orders and reports them", async () => {
    const { seed, report } = await load([
      "500001,22633,HAND WARMER UNION JACK,6,2011-05-01 10:00:00,2.1,16000.0,United Kingdom",
      "A563185,B,Adjust bad debt,1,2011-08-12 14:50:00,11062.06,,United Kingdom",
      "A563186,B,Adjust bad debt,1,2011-08-12 14:51:00,-11062.06,,United Kingdom",
      "500002,21275,?,-12,2011-08-13 10:00:00,0,,United Kingdom",
      "500003,22633,HAND WARMER UNION JACK,1,2011-08-14 10:00:00,2.1,16000.0,United Kingdom",
      "500003,99999,Adjustment,1,2011-08-14 10:00:00,-5.00,16000.0,United Kingdom",
      "500004,PADS,PADS TO MATCH ALL CUSHIONS,1,2011-08-15 10:00:00,0.001,16000.0,United Kingdom",
    ]);
    expect(seed.orders.map((o) => o.name)).toEqual(["#500001", "#500003", "#500004"]);
    expect(order(seed, "500003").lines).toEqual([{ sku: "22633", title: "HAND WARMER UNION JACK", quantity: 1, unitPriceMinor: 210 }]);
    expect(order(seed, "500004").lines[0].unitPriceMinor).toBe(0);
    expect(report.excludedRows).toEqual({
      "bad-debt-adjustment": { rows: 2, quantity: 2, amountMinor: 0 },
      "negative-quantity": { rows: 1, quantity: -12, amountMinor: 0 },
      "negative-price": { rows: 1, quantity: 1, amountMinor: -500 },
    });
    expect(report).toMatchObject({ invoices: 6, saleInvoices: 6, orders: 3, skippedInvoices: 3, subPennyPricesRounded: 1 });
  });

  it("shifts by whole days so the latest invoice lands on endDate's day, keeping the time of day", async () => {
    const rows = [
      "600001,22633,HAND WARMER UNION JACK,6,2010-12-01 08:26:00,2.1,16000.0,United Kingdom",
      "600002,22633,HAND WARMER UNION JACK,6,2011-12-09 23:59:00,2.1,16000.0,United Kingdom",
    ];
    const { seed, report } = await load(rows, new Date("2024-02-29T00:00:01Z"));
    expect(seed.orders.map((o) => o.createdAt)).toEqual(["2023-02-21T08:26:00.000Z", "2024-02-29T23:59:00.000Z"]);
    expect(report).toMatchObject({
      dateShiftDays: 4465,
      sourceFirstInvoiceAt: "2010-12-01T08:26:00.000Z",
      sourceLastInvoiceAt: "2011-12-09T23:59:00.000Z",
      firstOrderAt: "2023-02-21T08:26:00.000Z",
      lastOrderAt: "2024-02-29T23:59:00.000Z",
    });
  });

  it("groups an invoice whose rows are interrupted by another invoice", async () => {
    const { seed, report } = await load([
      "542806,48194,DOORMAT HEARTS,1,2011-02-01 11:19:00,7.95,12836.0,United Kingdom",
      "C542805,22156,HEART DECORATION WITH PEARLS ,-1,2011-02-01 11:19:00,0.85,14606.0,United Kingdom",
      "542806,22692,DOORMAT WELCOME TO OUR HOME,2,2011-02-01 11:20:00,7.95,12836.0,United Kingdom",
    ]);
    expect(seed.orders).toHaveLength(1);
    expect(seed.orders[0].lines.map((l) => l.sku)).toEqual(["48194", "22692"]);
    expect(report.nonContiguousInvoices).toBe(1);
  });

  it("fails loudly on a malformed file", async () => {
    await expect(load(["1,2,3,notanumber,2011-01-01 10:00:00,1.0,,United Kingdom"])).rejects.toThrow(/Quantity/);
    await expect(load(["1,2,3,1,2011-02-30 10:00:00,1.0,,United Kingdom"])).rejects.toThrow(/InvoiceDate/);
    const file = join(dir, "noheader.csv.gz");
    writeFileSync(file, gzipSync("a,b\n1,2\n"));
    await expect(loadOnlineRetailSeed({ file })).rejects.toThrow(/missing column/);
  });
});

/**
 * Problems with an order's refunds: each refunded quantity must fit the order line it came from, at that line's
 * price. Collects strings rather than calling expect per line, which would cost seconds over the real data.
 */
function refundProblems(order: SeedOrder): string[] {
  const problems: string[] = [];
  const left = new Map(order.lines.map((l) => [`${l.sku}\0${l.unitPriceMinor}`, l.quantity]));
  let previous = order.createdAt;
  for (const refund of order.refunds) {
    const at = `${order.name} refund ${refund.id}`;
    if (refund.createdAt < previous) problems.push(`${at}: out of time order`);
    previous = refund.createdAt;
    if (refund.lines.length === 0) problems.push(`${at}: no lines`);
    if (refund.amountMinor !== refund.lines.reduce((s, l) => s + l.amountMinor, 0)) problems.push(`${at}: amount ≠ Σ lines`);
    for (const rl of refund.lines) {
      if (!(rl.quantity > 0) || !Number.isSafeInteger(rl.quantity) || !Number.isSafeInteger(rl.amountMinor)) {
        problems.push(`${at}: bad line ${JSON.stringify(rl)}`);
        continue;
      }
      const key = `${rl.sku}\0${rl.amountMinor / rl.quantity}`;
      const remaining = left.get(key);
      if (remaining === undefined) problems.push(`${at}: ${rl.sku} at that price not on the order`);
      else if (rl.quantity > remaining) problems.push(`${at}: ${rl.sku} refunds ${rl.quantity} of ${remaining} left`);
      else left.set(key, remaining - rl.quantity);
    }
  }
  return problems;
}

// The sample in the repository (data/online-retail/README.md); its counts were taken from the file with another tool.
describe("loadOnlineRetailSeed on the real data (the repository's sample)", () => {
  const endDate = new Date("2025-06-15T08:00:00Z");
  let seed: ShopSeed;
  let report: OnlineRetailReport;
  let digest: string;
  const hash = (x: unknown) => createHash("sha256").update(JSON.stringify(x)).digest("hex");

  beforeAll(async () => {
    const t0 = performance.now();
    ({ seed, report } = await loadOnlineRetailSeed({ endDate }));
    // Generous against a ~2 s load so a busy machine doesn't flake; a regression to quadratic would still show.
    expect(performance.now() - t0).toBeLessThan(15_000);
    digest = hash({ seed, report });
  }, 60_000);

  it("accounts for every invoice and customer", () => {
    expect(report.file).toBe(DEFAULT_ONLINE_RETAIL_FILE);
    expect(report.rowsRead).toBe(211_873);
    expect(report.invoices).toBe(10_418);
    expect(seed.customers).toHaveLength(1_730);
    expect(report.customers).toBe(1_730);
    expect(report.cancellationInvoices).toBe(1_560);
    expect(seed.orders).toHaveLength(report.orders);
    // Enough for cohorts, churn and a CLV fit to mean something.
    expect(report.orders).toBeGreaterThanOrEqual(6_000);
    // Sale invoices with nothing left after exclusions (stock write-offs, bad-debt entries) are not orders.
    expect(report.orders + report.cancellationInvoices + report.skippedInvoices).toBe(10_418);
    expect(report.skippedInvoices).toBe(report.saleInvoices - report.orders);
    expect(seed.orders.filter((o) => o.customerId === null)).toHaveLength(report.guestOrders);
  });

  it("puts the newest order on endDate's day", () => {
    const newest = seed.orders[seed.orders.length - 1];
    expect(newest.createdAt.slice(0, 10)).toBe(endDate.toISOString().slice(0, 10));
    expect(report.lastOrderAt).toBe(newest.createdAt);
    expect(Number.isInteger(report.dateShiftDays)).toBe(true);
  });

  it("sorts orders by time then id, customers by id, with unique ids", () => {
    const unsorted = seed.orders.filter((b, i) => {
      const a = seed.orders[i - 1];
      return a && !(a.createdAt < b.createdAt || (a.createdAt === b.createdAt && a.id < b.id));
    });
    expect(unsorted).toEqual([]);
    expect(seed.customers.filter((c, i) => i > 0 && seed.customers[i - 1].id >= c.id)).toEqual([]);
    expect(new Set(seed.orders.map((o) => o.id)).size).toBe(seed.orders.length);
    const refundIds = seed.orders.flatMap((o) => o.refunds.map((r) => r.id));
    expect(new Set(refundIds).size).toBe(refundIds.length);
    expect(refundIds).toHaveLength(report.refunds);
  });

  it("never refunds more than an order line holds, and links customers", () => {
    const customerIds = new Set(seed.customers.map((c) => c.id));
    const problems = seed.orders.flatMap(refundProblems);
    for (const order of seed.orders) {
      if (order.customerId !== null && !customerIds.has(order.customerId)) problems.push(`${order.name}: unknown customer`);
      if (order.customerId === null && order.refunds.length > 0) problems.push(`${order.name}: guest order refunded`);
    }
    expect(problems).toEqual([]);
    expect(seed.orders.reduce((n, o) => n + o.refunds.length, 0)).toBeGreaterThan(1_200);
    const badCustomers = seed.customers.filter(
      (c) => c.email !== `customer-${c.legacyCustomerId}@example.com` || !/^[A-Z]{2}$/.test(c.countryCode) || !c.firstName || !c.lastName,
    );
    expect(badCustomers).toEqual([]);
  });

  it("keeps money in integers and the totals consistent", () => {
    let revenue = 0;
    let refunded = 0;
    let badLines = 0;
    for (const order of seed.orders) {
      if (order.lines.length === 0) badLines++;
      for (const l of order.lines) {
        if (!Number.isSafeInteger(l.unitPriceMinor) || l.unitPriceMinor < 0 || !Number.isSafeInteger(l.quantity) || l.quantity <= 0) badLines++;
        revenue += l.quantity * l.unitPriceMinor;
      }
      for (const r of order.refunds) refunded += r.amountMinor;
    }
    expect(badLines).toBe(0);
    expect(Number.isSafeInteger(revenue)).toBe(true);
    expect(report.totalRevenueMinor).toBe(revenue);
    expect(report.refundedAmountMinor).toBe(refunded);
    expect(report.netRevenueMinor).toBe(revenue - refunded);
    for (const t of [...Object.values(report.excludedRows), ...Object.values(report.cancellationServiceRows)]) {
      expect(Number.isSafeInteger(t.amountMinor)).toBe(true);
    }
    expect(Number.isSafeInteger(report.unmatchedRefunds.amountMinor)).toBe(true);
  });

  it("is deterministic", async () => {
    const again = await loadOnlineRetailSeed({ endDate });
    expect(hash(again)).toBe(digest);
  }, 60_000);
});
