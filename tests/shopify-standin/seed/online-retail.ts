// Turns the UCI "Online Retail" invoice log (a real UK gift shop, 2010-12 .. 2011-12) into a ShopSeed, so the
// stand-in can be filled with a year of genuine order history: repeat buyers, guests, refunds, odd lines.
//
// The source is messy in ways that matter for a loyalty app, so nothing is dropped silently: every row that does
// not end up in the seed is tallied in the report by kind.

import { createReadStream, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createGunzip } from "node:zlib";

import type { SeedCustomer, SeedLine, SeedOrder, SeedRefund, SeedRefundLine, ShopSeed } from "./types";

// ---------------------------------------------------------------------------------------------------------------
// CSV (RFC 4180)
// ---------------------------------------------------------------------------------------------------------------

export interface CsvRecordAt {
  fields: string[];
  /** Index just past the record's line break (or text.length at the end of the text). */
  next: number;
}

/**
 * Parses one record starting at `start`. Returns null when the record is not complete in `text` and more input may
 * follow (`final` false), so a streaming caller can keep the tail and retry once the next chunk arrives.
 *
 * Lenient where RFC 4180 is silent or strict: a quote inside an unquoted field is kept literally, characters after
 * a closing quote are appended, and a lone CR is data (only CRLF and LF end a record). An unterminated quote at the
 * very end of the input is an error, as that means a truncated file rather than a style difference.
 */
export function parseCsvRecordAt(text: string, start: number, final: boolean): CsvRecordAt | null {
  const fields: string[] = [];
  const n = text.length;
  let i = start;
  for (;;) {
    if (i < n && text.charCodeAt(i) === 34 /* " */) {
      let value = "";
      let from = i + 1;
      let j = from;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q === -1) {
          if (final) throw new Error(`CSV: unterminated quoted field starting at offset ${i}`);
          return null;
        }
        if (q + 1 >= n && !final) return null; // can't tell a closing quote from the first half of `""` yet
        if (text.charCodeAt(q + 1) === 34) {
          value += text.slice(from, q + 1);
          from = j = q + 2;
          continue;
        }
        value += text.slice(from, q);
        i = q + 1;
        break;
      }
      // Tolerate junk between the closing quote and the delimiter rather than rejecting the whole file.
      const end = scanUnquoted(text, i);
      if (end === -1) {
        if (!final) return null;
        fields.push(value + text.slice(i));
        return { fields, next: n };
      }
      value += text.slice(i, end);
      i = end;
      fields.push(value);
    } else {
      const end = scanUnquoted(text, i);
      if (end === -1) {
        if (!final) return null;
        fields.push(text.slice(i));
        return { fields, next: n };
      }
      fields.push(text.slice(i, end));
      i = end;
    }
    // i now sits on a delimiter or line break.
    const c = text.charCodeAt(i);
    if (c === 44 /* , */) {
      i++;
      if (i >= n && !final) return null;
      if (i >= n) {
        fields.push("");
        return { fields, next: n };
      }
      continue;
    }
    if (c === 13 /* \r */) {
      return { fields, next: i + 2 }; // scanUnquoted only stops on a CR that has its LF
    }
    return { fields, next: i + 1 };
  }
}

/** Index of the next `,`, CRLF or LF at or after `i`, or -1 if the text ends first (a final CR needs its LF). */
function scanUnquoted(text: string, i: number): number {
  const n = text.length;
  for (let j = i; j < n; j++) {
    const c = text.charCodeAt(j);
    if (c === 44 || c === 10) return j;
    if (c === 13) {
      if (j + 1 >= n) return -1;
      if (text.charCodeAt(j + 1) === 10) return j;
    }
  }
  return -1;
}

/** Parses a single complete record; a trailing line break is allowed. */
export function parseCsvLine(line: string): string[] {
  if (line === "") return [""];
  const rec = parseCsvRecordAt(line, 0, true);
  if (!rec) throw new Error("CSV: incomplete record");
  if (rec.next < line.length) throw new Error("CSV: more than one record in line");
  return rec.fields;
}

/**
 * Incremental CSV parser: feed text chunks of any size (records and quoted line breaks may straddle chunks) and get
 * each record through the callback, so the caller never holds more than one chunk plus one partial record.
 * A partial record is re-scanned when the next chunk arrives; that is quadratic only for records longer than a
 * chunk, which this data never has.
 */
export class CsvStreamParser {
  private tail = "";
  private started = false;

  constructor(private readonly onRecord: (fields: string[]) => void) {}

  push(chunk: string): void {
    let text = this.tail.length > 0 ? this.tail + chunk : chunk;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    this.tail = this.drain(text, false);
  }

  end(): void {
    if (this.tail.length > 0) this.drain(this.tail, true);
    this.tail = "";
  }

  private drain(text: string, final: boolean): string {
    let pos = 0;
    while (pos < text.length) {
      const rec = parseCsvRecordAt(text, pos, final);
      if (!rec) break;
      pos = rec.next;
      // A blank line is not a record with one empty field; skipping it keeps trailing newlines harmless.
      if (rec.fields.length === 1 && rec.fields[0] === "") continue;
      this.onRecord(rec.fields);
    }
    return pos === 0 ? text : text.slice(pos);
  }
}

/** Streams the records of a (gzipped if the name ends in .gz) CSV file into `onRecord`. */
export async function streamCsvFile(file: string, onRecord: (fields: string[]) => void): Promise<void> {
  const raw = createReadStream(file, { highWaterMark: 1 << 16 });
  const source = file.endsWith(".gz") ? raw.pipe(createGunzip()) : raw;
  raw.on("error", (err) => source.destroy(err));
  // setEncoding decodes with a StringDecoder, so a multi-byte character (the data has "£") split across two chunks
  // stays intact.
  source.setEncoding("utf8");
  const parser = new CsvStreamParser(onRecord);
  for await (const chunk of source) parser.push(chunk as string);
  parser.end();
}

// ---------------------------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------------------------

/** Source rows, summed quantity and Σ quantity × unit price of a group of rows, signed as in the file (pence). */
export interface RowTally {
  rows: number;
  quantity: number;
  amountMinor: number;
}

export type ExcludedRowKind =
  /** StockCode "B", "Adjust bad debt": accounting entries (both signs), never a sale. */
  | "bad-debt-adjustment"
  /** Negative quantity in a normal invoice: zero-priced guest stock write-offs ("damaged", "lost", ...). */
  | "negative-quantity"
  /** Negative unit price in a normal invoice that isn't a bad-debt entry (none in the real file). */
  | "negative-price";

export interface OnlineRetailReport {
  file: string;
  rowsRead: number;
  invoices: number;
  /** Invoices whose number doesn't start with "C". */
  saleInvoices: number;
  cancellationInvoices: number;
  orders: number;
  /** Sale invoices that produced no order because every row was excluded (stock write-offs, bad-debt entries). */
  skippedInvoices: number;
  guestOrders: number;
  customers: number;
  /** Rows folded into an earlier row of the same invoice with the same StockCode and price. */
  duplicateRowsMerged: number;
  /** Invoices whose rows are interrupted by another invoice's rows in the file. */
  nonContiguousInvoices: number;
  /** Invoices whose rows carry more than one timestamp (a minute boundary); the earliest is used. */
  invoicesWithSeveralTimestamps: number;
  /** Prices finer than a penny (0.001) rounded half-up to whole pence. */
  subPennyPricesRounded: number;
  /** Zero-priced lines kept in orders (free items, samples, unpriced stock moves). */
  zeroPriceLines: number;
  /** Lines without a description; their title falls back to the StockCode. */
  untitledLines: number;
  excludedRows: Record<ExcludedRowKind, RowTally>;
  refunds: number;
  refundLines: number;
  refundedQuantity: number;
  refundedAmountMinor: number;
  /**
   * Product lines (duplicate rows merged) of customer cancellations for which no earlier order of that customer had
   * enough unrefunded quantity, typically because the purchase predates the data set; quantity and amount (at the
   * cancelled price) are the unmatched part, as positive numbers. No refund is invented for them.
   */
  unmatchedRefunds: { lines: number; quantity: number; amountMinor: number };
  /**
   * Cancellation rows for non-product codes (discount, manual, postage, fees, ...), guest or not, by StockCode:
   * credits with no goods behind them, reported and never turned into refunds.
   */
  cancellationServiceRows: Record<string, RowTally>;
  /** Cancellation invoices without a customer, and their product rows: there is no order they could be tied to. */
  guestCancellations: { invoices: number } & RowTally;
  /** Whole days added to every source timestamp. */
  dateShiftDays: number;
  sourceFirstInvoiceAt: string;
  sourceLastInvoiceAt: string;
  firstOrderAt: string;
  lastOrderAt: string;
  /** Σ quantity × unit price over all order lines, before refunds. */
  totalRevenueMinor: number;
  netRevenueMinor: number;
  /** Country names with no ISO code of their own, and how many customers got the fallback/approximation. */
  countryFallbacks: Record<string, { countryCode: string; customers: number }>;
  /** Customers whose invoices name more than one country; the country of their first invoice is used. */
  customersWithSeveralCountries: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Loader
// ---------------------------------------------------------------------------------------------------------------

/** The checkout this module runs from (the folder with package.json): from its source, or from the demo's bundle. */
function checkoutRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) return resolve(here, "../../..");
  }
}
const ROOT = checkoutRoot();
/** The sample in the repository (data/online-retail/README.md): 1,730 whole customers, 8,324 orders. */
export const DEFAULT_ONLINE_RETAIL_FILE = resolve(ROOT, "data/online-retail/online_retail_sample.csv.gz");
/** Where the full data set (4,372 customers) sits when the shared folder is beside the checkout; never required. */
export const FULL_ONLINE_RETAIL_FILE = resolve(ROOT, "../shared/data/online-retail/online_retail.csv.gz");

// Disjoint id ranges keep seed ids recognisable and far from anything the stand-in allocates itself.
const ORDER_ID_BASE = 5_000_000_000;
const CUSTOMER_ID_BASE = 7_000_000_000;
const REFUND_ID_BASE = 8_000_000_000;
const INVOICE_NUMBER_LIMIT = 10_000_000;
const REFUNDS_PER_CANCELLATION_LIMIT = 1_000;
const DAY_MS = 86_400_000;

// StockCodes that are charges, fees or bookkeeping rather than goods. In a sale they are part of what the customer
// paid and stay as lines; in a cancellation they are credits with no goods to take back, so matching them against
// earlier orders would invent refunds.
const SERVICE_CODES = new Set(["POST", "DOT", "C2", "M", "m", "D", "S", "B", "CRUK", "BANK CHARGES", "AMAZONFEE"]);

const COUNTRY_CODES: Record<string, string> = {
  "United Kingdom": "GB", Germany: "DE", France: "FR", EIRE: "IE", Spain: "ES", Netherlands: "NL", Belgium: "BE",
  Switzerland: "CH", Portugal: "PT", Australia: "AU", Norway: "NO", Italy: "IT", Finland: "FI", Cyprus: "CY",
  Sweden: "SE", Austria: "AT", Denmark: "DK", Japan: "JP", Poland: "PL", Israel: "IL", USA: "US", "Hong Kong": "HK",
  Singapore: "SG", Iceland: "IS", Canada: "CA", Greece: "GR", Malta: "MT", "United Arab Emirates": "AE", RSA: "ZA",
  Lebanon: "LB", Lithuania: "LT", Brazil: "BR", "Czech Republic": "CZ", Bahrain: "BH", "Saudi Arabia": "SA",
};
// Names that are not one ISO 3166-1 country. Channel Islands are two Crown Dependencies (JE, GG) and not part of GB;
// Jersey is the larger. "European Community" and "Unspecified" name no country, so they get the shop's own.
const COUNTRY_APPROXIMATIONS: Record<string, string> = { "Channel Islands": "JE" };
const FALLBACK_COUNTRY = "GB";

const FIRST_NAMES = [
  "Anna", "Lukas", "Sophie", "Felix", "Marie", "Jonas", "Lena", "Maximilian", "Hannah", "Leon", "Greta", "Matthias",
  "Oliver", "Amelia", "George", "Isla", "Harry", "Emily", "Jack", "Charlotte", "Thomas", "Olivia", "James", "Grace",
];
const LAST_NAMES = [
  "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker", "Hoffmann", "Wagner", "Schulz", "Koch",
  "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "Walker", "Wright", "Hughes",
];

interface SaleLine extends SeedLine {
  remaining: number; // quantity not yet refunded
  rows: number; // source rows merged into this line
}

interface Invoice {
  no: string;
  cancellation: boolean;
  customer: string; // "" for guests
  country: string;
  time: number; // earliest row, source ms (UTC)
  lines: Map<string, SaleLine>; // key: sku + "\0" + pence
  severalTimestamps: boolean;
}

interface OrderIndex {
  order: SeedOrder;
  time: number;
  bySku: Map<string, SaleLine[]>;
}

/**
 * Reads the Online Retail CSV (gzip) into a ShopSeed plus a report of everything that was merged, excluded, left
 * unmatched or approximated. Deterministic for a given file and endDate's UTC day.
 *
 * Dates move by whole days so the latest invoice falls on endDate's UTC day at its original time of day; with the
 * default endDate (now) the last day's orders can therefore lie a few hours after "now".
 */
export async function loadOnlineRetailSeed(
  opts: { file?: string; endDate?: Date; shopName?: string } = {},
): Promise<{ seed: ShopSeed; report: OnlineRetailReport }> {
  const file = opts.file ?? DEFAULT_ONLINE_RETAIL_FILE;
  const endDate = opts.endDate ?? new Date();
  if (Number.isNaN(endDate.getTime())) throw new Error("loadOnlineRetailSeed: endDate is not a valid date");

  const excludedRows: Record<ExcludedRowKind, RowTally> = {
    "bad-debt-adjustment": tally(),
    "negative-quantity": tally(),
    "negative-price": tally(),
  };
  let rowsRead = 0;
  let duplicateRowsMerged = 0;
  let nonContiguousInvoices = 0;
  let subPennyPricesRounded = 0;

  const invoices = new Map<string, Invoice>();
  const customerCountries = new Map<string, Set<string>>();
  let col: Record<"inv" | "sku" | "desc" | "qty" | "date" | "price" | "cust" | "country", number> | null = null;
  let current: Invoice | null = null;
  // Rows of one invoice usually share a timestamp string; parsing it once per run of rows keeps the hot loop lean.
  let lastDateText = "";
  let lastDateMs = 0;

  const touchInvoice = (no: string, cancellation: boolean, customer: string, country: string, where: () => string): Invoice => {
    let inv = current && current.no === no ? current : invoices.get(no);
    if (!inv) {
      inv = { no, cancellation, customer, country, time: lastDateMs, lines: new Map(), severalTimestamps: false };
      invoices.set(no, inv);
    } else {
      if (inv !== current) nonContiguousInvoices++;
      if (inv.customer !== customer) throw new Error(`${where()}: invoice ${no} names two customers`);
      if (lastDateMs !== inv.time) {
        inv.severalTimestamps = true;
        if (lastDateMs < inv.time) inv.time = lastDateMs;
      }
    }
    current = inv;
    if (customer) {
      let set = customerCountries.get(customer);
      if (!set) customerCountries.set(customer, (set = new Set()));
      set.add(country);
    }
    return inv;
  };

  await streamCsvFile(file, (f) => {
    if (!col) {
      col = headerIndex(f);
      return;
    }
    rowsRead++;
    const row = rowsRead;
    const where = () => `${file}: data row ${row}`;
    const no = f[col.inv].trim();
    const sku = f[col.sku].trim();
    const quantity = parseQuantity(f[col.qty], where);
    const price = parsePence(f[col.price], where);
    if (price.subPenny) subPennyPricesRounded++;
    const dateText = f[col.date];
    if (dateText !== lastDateText) {
      lastDateMs = parseSourceTime(dateText, where);
      lastDateText = dateText;
    }
    const customer = parseCustomerId(f[col.cust], where);
    const cancellation = no.startsWith("C");
    // The invoice is registered even when its row is excluded, so an invoice left empty is still counted (skipped).
    const inv = touchInvoice(no, cancellation, customer, f[col.country].trim(), where);

    if (!cancellation) {
      const kind: ExcludedRowKind | null =
        sku === "B" ? "bad-debt-adjustment" : quantity < 0 ? "negative-quantity" : price.pence < 0 ? "negative-price" : null;
      if (kind) {
        addTally(excludedRows[kind], quantity, price.pence);
        return;
      }
    }
    const key = sku + "\0" + price.pence;
    const line = inv.lines.get(key);
    if (line) {
      line.quantity += quantity;
      line.remaining += quantity;
      line.rows++;
      duplicateRowsMerged++;
    } else {
      // Cancellation lines never become SeedLines, so their description isn't kept.
      const title = cancellation ? "" : f[col.desc].trim();
      inv.lines.set(key, { sku, title, quantity, unitPriceMinor: price.pence, remaining: quantity, rows: 1 });
    }
  });

  if (!col) throw new Error(`${file}: empty file, no header`);
  if (invoices.size === 0) throw new Error(`${file}: no data rows`);

  // Whole days only, so times of day (the shop's daily rhythm) survive the move.
  let sourceFirst = Infinity;
  let sourceLast = -Infinity;
  for (const inv of invoices.values()) {
    if (inv.time < sourceFirst) sourceFirst = inv.time;
    if (inv.time > sourceLast) sourceLast = inv.time;
  }
  const dateShiftDays = Math.floor(endDate.getTime() / DAY_MS) - Math.floor(sourceLast / DAY_MS);
  const shiftMs = dateShiftDays * DAY_MS;
  const iso = (sourceMs: number) => new Date(sourceMs + shiftMs).toISOString();

  // Customers: first invoice of any kind decides createdAt and country.
  const firstInvoiceOf = new Map<string, Invoice>();
  for (const inv of invoices.values()) {
    if (!inv.customer) continue;
    const prev = firstInvoiceOf.get(inv.customer);
    if (!prev || inv.time < prev.time || (inv.time === prev.time && compareInvoiceNo(inv.no, prev.no) < 0)) {
      firstInvoiceOf.set(inv.customer, inv);
    }
  }
  const countryFallbacks: OnlineRetailReport["countryFallbacks"] = {};
  const customers: SeedCustomer[] = [];
  const customerIdOf = new Map<string, number>();
  for (const [legacy, first] of firstInvoiceOf) {
    const n = Number(legacy);
    if (!Number.isSafeInteger(n) || n >= 1_000_000_000) throw new Error(`CustomerID ${legacy} out of range`);
    const id = CUSTOMER_ID_BASE + n;
    customerIdOf.set(legacy, id);
    const { firstName, lastName } = fakeName(n);
    customers.push({
      id,
      legacyCustomerId: legacy,
      firstName,
      lastName,
      email: `customer-${legacy}@example.com`,
      countryCode: countryCode(first.country, countryFallbacks),
      createdAt: iso(first.time),
    });
  }
  customers.sort((a, b) => a.id - b.id);
  let customersWithSeveralCountries = 0;
  for (const set of customerCountries.values()) if (set.size > 1) customersWithSeveralCountries++;

  // Orders.
  const orders: SeedOrder[] = [];
  const ordersByCustomer = new Map<string, OrderIndex[]>();
  const usedOrderIds = new Set<number>();
  let skippedInvoices = 0;
  let guestOrders = 0;
  let zeroPriceLines = 0;
  let untitledLines = 0;
  let totalRevenueMinor = 0;
  let invoicesWithSeveralTimestamps = 0;
  const cancellations: Invoice[] = [];
  for (const inv of invoices.values()) {
    if (inv.severalTimestamps) invoicesWithSeveralTimestamps++;
    if (inv.cancellation) {
      cancellations.push(inv);
      continue;
    }
    if (inv.lines.size === 0) {
      skippedInvoices++;
      continue;
    }
    const id = ORDER_ID_BASE + invoiceNumber(inv.no);
    if (usedOrderIds.has(id)) throw new Error(`order id collision for invoice ${inv.no}`);
    usedOrderIds.add(id);
    const bySku = new Map<string, SaleLine[]>();
    const lines: SeedLine[] = [];
    for (const line of inv.lines.values()) {
      if (line.unitPriceMinor === 0) zeroPriceLines++;
      // An empty title would break anything that displays or validates line items.
      if (!line.title) {
        line.title = line.sku;
        untitledLines++;
      }
      totalRevenueMinor += line.quantity * line.unitPriceMinor;
      lines.push({ sku: line.sku, title: line.title, quantity: line.quantity, unitPriceMinor: line.unitPriceMinor });
      const same = bySku.get(line.sku);
      if (same) same.push(line);
      else bySku.set(line.sku, [line]);
    }
    const order: SeedOrder = {
      id,
      name: `#${inv.no}`,
      customerId: inv.customer ? customerIdOf.get(inv.customer)! : null,
      createdAt: iso(inv.time),
      currency: "GBP",
      lines,
      refunds: [],
    };
    orders.push(order);
    if (!inv.customer) {
      guestOrders++;
      continue;
    }
    let list = ordersByCustomer.get(inv.customer);
    if (!list) ordersByCustomer.set(inv.customer, (list = []));
    list.push({ order, time: inv.time, bySku });
  }
  for (const list of ordersByCustomer.values()) list.sort((a, b) => a.time - b.time || a.order.id - b.order.id);

  // Refunds: cancellations in time order, so an earlier cancellation has first claim on the quantity it refers to.
  cancellations.sort((a, b) => a.time - b.time || compareInvoiceNo(a.no, b.no));
  const cancellationServiceRows: Record<string, RowTally> = {};
  const guestCancellations = { invoices: 0, ...tally() };
  const unmatchedRefunds = { lines: 0, quantity: 0, amountMinor: 0 };
  let refundCount = 0;
  let refundLineCount = 0;
  let refundedQuantity = 0;
  let refundedAmountMinor = 0;
  for (const inv of cancellations) {
    if (!inv.customer) guestCancellations.invoices++;
    const history = ordersByCustomer.get(inv.customer) ?? [];
    // Latest order not after the cancellation; ties on time go to the higher invoice number.
    let newest = history.length - 1;
    while (newest >= 0 && history[newest].time > inv.time) newest--;

    // Insertion order of the map = most recent target order first, which fixes refund ids deterministically.
    const perOrder = new Map<OrderIndex, Map<SaleLine, SeedRefundLine>>();
    for (const cline of inv.lines.values()) {
      if (SERVICE_CODES.has(cline.sku)) {
        addTally((cancellationServiceRows[cline.sku] ??= tally()), cline.quantity, cline.unitPriceMinor, cline.rows);
        continue;
      }
      if (!inv.customer) {
        addTally(guestCancellations, cline.quantity, cline.unitPriceMinor, cline.rows);
        continue;
      }
      let wanted = -cline.quantity;
      if (wanted <= 0) {
        // A positive quantity on a cancellation is not a refund; nothing in the real file, but don't lose it.
        addTally((cancellationServiceRows["positive-quantity"] ??= tally()), cline.quantity, cline.unitPriceMinor, cline.rows);
        continue;
      }
      for (let k = newest; k >= 0 && wanted > 0; k--) {
        const target = history[k];
        const candidates = target.bySku.get(cline.sku);
        if (!candidates) continue;
        // Prefer the order line sold at the cancelled price; other prices of the same product come after.
        const ordered = candidates.length === 1 ? candidates : [...candidates].sort((a, b) => Number(b.unitPriceMinor === cline.unitPriceMinor) - Number(a.unitPriceMinor === cline.unitPriceMinor));
        for (const sale of ordered) {
          if (wanted === 0) break;
          const take = Math.min(wanted, sale.remaining);
          if (take <= 0) continue;
          sale.remaining -= take;
          wanted -= take;
          let lines = perOrder.get(target);
          if (!lines) perOrder.set(target, (lines = new Map()));
          const rl = lines.get(sale);
          if (rl) {
            rl.quantity += take;
            rl.amountMinor += take * sale.unitPriceMinor;
          } else {
            lines.set(sale, { sku: sale.sku, quantity: take, amountMinor: take * sale.unitPriceMinor });
          }
        }
      }
      if (wanted > 0) {
        unmatchedRefunds.lines++;
        unmatchedRefunds.quantity += wanted;
        unmatchedRefunds.amountMinor += wanted * cline.unitPriceMinor;
      }
    }
    if (perOrder.size >= REFUNDS_PER_CANCELLATION_LIMIT) throw new Error(`cancellation ${inv.no} spans too many orders for its refund ids`);
    let k = 0;
    for (const [target, lineMap] of perOrder) {
      const lines = [...lineMap.values()];
      const amountMinor = lines.reduce((s, l) => s + l.amountMinor, 0);
      const refund: SeedRefund = {
        id: REFUND_ID_BASE + invoiceNumber(inv.no) * REFUNDS_PER_CANCELLATION_LIMIT + k++,
        createdAt: iso(inv.time),
        lines,
        amountMinor,
      };
      target.order.refunds.push(refund);
      refundCount++;
      refundLineCount += lines.length;
      refundedAmountMinor += amountMinor;
      for (const l of lines) refundedQuantity += l.quantity;
    }
  }
  for (const order of orders) {
    if (order.refunds.length > 1) order.refunds.sort((a, b) => cmpStr(a.createdAt, b.createdAt) || a.id - b.id);
  }
  orders.sort((a, b) => cmpStr(a.createdAt, b.createdAt) || a.id - b.id);

  const report: OnlineRetailReport = {
    file,
    rowsRead,
    invoices: invoices.size,
    saleInvoices: invoices.size - cancellations.length,
    cancellationInvoices: cancellations.length,
    orders: orders.length,
    skippedInvoices,
    guestOrders,
    customers: customers.length,
    duplicateRowsMerged,
    nonContiguousInvoices,
    invoicesWithSeveralTimestamps,
    subPennyPricesRounded,
    zeroPriceLines,
    untitledLines,
    excludedRows,
    refunds: refundCount,
    refundLines: refundLineCount,
    refundedQuantity,
    refundedAmountMinor,
    unmatchedRefunds,
    cancellationServiceRows: sortKeys(cancellationServiceRows),
    guestCancellations,
    dateShiftDays,
    sourceFirstInvoiceAt: new Date(sourceFirst).toISOString(),
    sourceLastInvoiceAt: new Date(sourceLast).toISOString(),
    firstOrderAt: orders[0]?.createdAt ?? "",
    lastOrderAt: orders[orders.length - 1]?.createdAt ?? "",
    totalRevenueMinor,
    netRevenueMinor: totalRevenueMinor - refundedAmountMinor,
    countryFallbacks: sortKeys(countryFallbacks),
    customersWithSeveralCountries,
  };

  const seed: ShopSeed = {
    shop: {
      name: opts.shopName ?? "Online Retail Gifts",
      email: "shop@example.com",
      currency: "GBP",
      // Source times are treated as UTC (see README), so a UTC shop keeps "day" boundaries where the data has them.
      timezone: "Etc/UTC",
      countryCode: "GB",
    },
    customers,
    orders,
  };
  return { seed, report };
}

// ---------------------------------------------------------------------------------------------------------------
// Field parsing
// ---------------------------------------------------------------------------------------------------------------

function headerIndex(fields: string[]) {
  const names = fields.map((f) => f.trim());
  const idx = (name: string) => {
    const i = names.indexOf(name);
    if (i === -1) throw new Error(`Online Retail CSV: missing column ${name} in header ${names.join(",")}`);
    return i;
  };
  return {
    inv: idx("InvoiceNo"), sku: idx("StockCode"), desc: idx("Description"), qty: idx("Quantity"),
    date: idx("InvoiceDate"), price: idx("UnitPrice"), cust: idx("CustomerID"), country: idx("Country"),
  };
}

function parseQuantity(text: string, where: () => string): number {
  const t = text.trim();
  if (!/^-?\d{1,9}$/.test(t)) throw new Error(`${where()}: bad Quantity ${JSON.stringify(text)}`);
  return Number(t);
}

const PRICE_RE = /^(-?)(\d{1,9})(?:\.(\d*))?$/;

/**
 * Decimal GBP text to integer pence without going through a float. Sub-penny prices (the file has four rows at
 * 0.001) round half-up on the magnitude, so 0.001 becomes a free line rather than an invented penny.
 */
export function parsePence(text: string, where: () => string = () => "UnitPrice"): { pence: number; subPenny: boolean } {
  const m = PRICE_RE.exec(text.trim());
  if (!m) throw new Error(`${where()}: bad UnitPrice ${JSON.stringify(text)}`);
  const frac = m[3] ?? "";
  let pence = Number(m[2]) * 100 + Number((frac + "00").slice(0, 2));
  const rest = frac.slice(2);
  const subPenny = /[1-9]/.test(rest);
  if (rest.length > 0 && rest.charCodeAt(0) >= 53 /* '5' */) pence += 1;
  if (m[1] === "-" && pence !== 0) pence = -pence;
  return { pence, subPenny };
}

const TIME_RE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;

function parseSourceTime(text: string, where: () => string): number {
  const m = TIME_RE.exec(text.trim());
  if (!m) throw new Error(`${where()}: bad InvoiceDate ${JSON.stringify(text)}`);
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? "0"].map(Number);
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  // Date.UTC rolls 2011-02-30 over to March; a rolled date means the text was not a real date.
  const back = new Date(ms);
  if (back.getUTCDate() !== d || back.getUTCMonth() !== mo - 1 || h > 23 || mi > 59 || s > 59) {
    throw new Error(`${where()}: bad InvoiceDate ${JSON.stringify(text)}`);
  }
  return ms;
}

function parseCustomerId(text: string, where: () => string): string {
  const t = text.trim();
  if (t === "") return "";
  const m = /^(\d{1,9})(?:\.0*)?$/.exec(t);
  if (!m) throw new Error(`${where()}: bad CustomerID ${JSON.stringify(text)}`);
  return String(Number(m[1]));
}

/** "536365" → 536365, "A563185" → 1·10^7 + 563185, "C536379" → 3·10^7 + 536379: distinct for distinct numbers. */
function invoiceNumber(no: string): number {
  const m = /^([A-Z]?)(\d{1,7})$/.exec(no);
  if (!m) throw new Error(`unsupported invoice number ${JSON.stringify(no)}`);
  const n = Number(m[2]);
  const letter = m[1] ? m[1].charCodeAt(0) - 64 : 0;
  return letter * INVOICE_NUMBER_LIMIT + n;
}

function compareInvoiceNo(a: string, b: string): number {
  return invoiceNumber(a) - invoiceNumber(b);
}

function countryCode(name: string, fallbacks: OnlineRetailReport["countryFallbacks"]): string {
  const exact = COUNTRY_CODES[name];
  if (exact) return exact;
  const code = COUNTRY_APPROXIMATIONS[name] ?? FALLBACK_COUNTRY;
  const entry = (fallbacks[name] ??= { countryCode: code, customers: 0 });
  entry.customers++;
  return code;
}

/** Same CustomerID, same name on every load; the mixing spreads neighbouring ids across the lists. */
function fakeName(n: number): { firstName: string; lastName: string } {
  let h = Math.imul(n ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h = (h ^ (h >>> 16)) >>> 0;
  return {
    firstName: FIRST_NAMES[h % FIRST_NAMES.length],
    lastName: LAST_NAMES[Math.floor(h / FIRST_NAMES.length) % LAST_NAMES.length],
  };
}

function tally(): RowTally {
  return { rows: 0, quantity: 0, amountMinor: 0 };
}

function addTally(t: RowTally, quantity: number, pence: number, rows = 1): void {
  t.rows += rows;
  t.quantity += quantity;
  t.amountMinor += quantity * pence;
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => cmpStr(a, b)));
}
