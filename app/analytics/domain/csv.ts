/**
 * CSV reading for merchant exports (orders for retention metrics, purchases for CLV models).
 * Pure: takes text, returns typed rows or throws a CsvError naming the line, so the CLIs and the
 * future in-app import report problems the same way.
 *
 * Money is parsed from its decimal text into integer minor units by string manipulation; going
 * through a float (`Math.round(Number("0.29") * 100)`) is exact most of the time, which is not good
 * enough for money.
 */
import type { OrderEvent } from "./order-history";
import type { Purchase } from "./rfm";
import { toEpochMs } from "./time";

export class CsvError extends Error {
  constructor(
    readonly line: number,
    readonly problem: string,
  ) {
    super(`line ${line}: ${problem}`);
    this.name = "CsvError";
  }
}

export interface CsvRecord {
  /** 1-based line number in the file where the record starts. */
  line: number;
  fields: string[];
}

/**
 * RFC 4180 records: comma separated, double-quoted fields may contain commas, quotes ("") and line
 * breaks; CRLF or LF line ends; a UTF-8 byte-order mark is ignored; blank lines are skipped.
 */
export function parseCsvRecords(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    let field = "";
    let atRecordEnd = false;
    while (!atRecordEnd) {
      if (i < n && text[i] === '"') {
        i++;
        for (;;) {
          if (i >= n) throw new CsvError(startLine, "a quoted field is not closed");
          const ch = text[i];
          if (ch === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (ch === "\n") line++;
          field += ch;
          i++;
        }
        if (i < n && text[i] !== "," && text[i] !== "\n" && text[i] !== "\r") {
          throw new CsvError(line, "unexpected text after a closing quote");
        }
      } else {
        const start = i;
        while (i < n && text[i] !== "," && text[i] !== "\n" && text[i] !== "\r") {
          if (text[i] === '"') throw new CsvError(line, "a quote inside an unquoted field (quote the whole field)");
          i++;
        }
        field = text.slice(start, i);
      }
      fields.push(field);
      field = "";
      if (i >= n) {
        atRecordEnd = true;
      } else if (text[i] === ",") {
        i++;
      } else {
        if (text[i] === "\r") i++;
        if (text[i] === "\n") i++;
        line++;
        atRecordEnd = true;
      }
    }
    if (!(fields.length === 1 && fields[0] === "")) records.push({ line: startLine, fields });
  }
  return records;
}

const DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?$/;

/**
 * "12.34" → 1234 with 2 currency decimals. Rejects more decimal places than the currency has
 * (unless they are zeros) rather than rounding, because a silently rounded amount is a wrong amount.
 * Returns an error message instead of throwing so callers can attach the line number.
 */
export function parseDecimalToMinorUnits(text: string, currencyDecimals = 2): number | { error: string } {
  const trimmed = text.trim();
  const m = DECIMAL.exec(trimmed);
  if (!m || (m[2] === "" && (m[3] === undefined || m[3] === ""))) {
    return { error: `amount "${text}" is not a decimal number (use digits with an optional "." and no thousands separators)` };
  }
  const sign = m[1] === "-" ? -1 : 1;
  const whole = m[2] === "" ? "0" : m[2];
  let fraction = m[3] ?? "";
  if (fraction.length > currencyDecimals) {
    const extra = fraction.slice(currencyDecimals);
    if (/[^0]/.test(extra)) {
      return { error: `amount "${text}" has more than ${currencyDecimals} decimal places` };
    }
    fraction = fraction.slice(0, currencyDecimals);
  }
  fraction = fraction.padEnd(currencyDecimals, "0");
  const digits = (whole + fraction).replace(/^0+(?=\d)/, "");
  const value = Number(digits);
  if (!Number.isSafeInteger(value)) return { error: `amount "${text}" is too large` };
  return value === 0 ? 0 : sign * value;
}

interface ColumnSpec {
  name: string;
  required: boolean;
}

function locateColumns(header: CsvRecord, columns: readonly ColumnSpec[]): Map<string, number> {
  const positions = new Map<string, number>();
  header.fields.forEach((f, i) => {
    const name = f.trim().toLowerCase();
    if (name !== "" && !positions.has(name)) positions.set(name, i);
  });
  const missing = columns.filter((c) => c.required && !positions.has(c.name)).map((c) => c.name);
  if (missing.length > 0) {
    throw new CsvError(
      header.line,
      `the header must name the columns ${columns.map((c) => c.name).join(",")}; missing: ${missing.join(", ")}`,
    );
  }
  return positions;
}

function field(record: CsvRecord, position: number | undefined): string {
  return position === undefined ? "" : (record.fields[position] ?? "").trim();
}

function parseDateField(record: CsvRecord, text: string, column: string): number {
  if (text === "") throw new CsvError(record.line, `${column} is empty`);
  const ms = toEpochMs(text);
  if (Number.isNaN(ms)) {
    throw new CsvError(
      record.line,
      `${column} "${text}" is not a date (use YYYY-MM-DD, or an ISO date-time with Z or an offset)`,
    );
  }
  return ms;
}

function parseAmountField(record: CsvRecord, text: string, currencyDecimals: number): number {
  if (text === "") throw new CsvError(record.line, "amount is empty");
  const amount = parseDecimalToMinorUnits(text, currencyDecimals);
  if (typeof amount !== "number") throw new CsvError(record.line, amount.error);
  return amount;
}

function checkFieldCount(record: CsvRecord, headerLength: number): void {
  if (record.fields.length !== headerLength) {
    throw new CsvError(record.line, `expected ${headerLength} fields like the header, found ${record.fields.length}`);
  }
}

export interface CsvReadOptions {
  /** Decimal places of the currency's minor unit: 2 for EUR/USD, 0 for JPY, 3 for KWD. */
  currencyDecimals?: number;
}

/**
 * `order_id,customer_id,date,amount`: one row per order and one per refund (negative amount, same
 * order_id). An empty customer_id is a guest order.
 */
export interface ParsedRows<T> {
  rows: T[];
  /** rows[i] came from line lines[i] of the file, for error messages raised later. */
  lines: number[];
}

export function parseOrderEventsCsv(text: string, options: CsvReadOptions = {}): ParsedRows<OrderEvent> {
  const decimals = options.currencyDecimals ?? 2;
  const records = parseCsvRecords(text);
  if (records.length === 0) throw new CsvError(1, "the file is empty (expected a header order_id,customer_id,date,amount)");
  const columns = [
    { name: "order_id", required: true },
    { name: "customer_id", required: true },
    { name: "date", required: true },
    { name: "amount", required: true },
  ];
  const header = records[0];
  const pos = locateColumns(header, columns);
  const events: OrderEvent[] = [];
  const lines: number[] = [];
  for (let r = 1; r < records.length; r++) {
    const record = records[r];
    checkFieldCount(record, header.fields.length);
    const orderId = field(record, pos.get("order_id"));
    if (orderId === "") throw new CsvError(record.line, "order_id is empty");
    const customerId = field(record, pos.get("customer_id"));
    const at = parseDateField(record, field(record, pos.get("date")), "date");
    const amountMinor = parseAmountField(record, field(record, pos.get("amount")), decimals);
    events.push({ orderId, customerId: customerId === "" ? null : customerId, at, amountMinor });
    lines.push(record.line);
  }
  return { rows: events, lines };
}

/**
 * `customer_id,date,amount`: one row per purchase. Refunds are not part of this format (the CLV
 * models describe purchasing), so a negative amount is an error rather than something to guess at.
 */
export function parsePurchasesCsv(text: string, options: CsvReadOptions = {}): ParsedRows<Purchase> {
  const decimals = options.currencyDecimals ?? 2;
  const records = parseCsvRecords(text);
  if (records.length === 0) throw new CsvError(1, "the file is empty (expected a header customer_id,date,amount)");
  const columns = [
    { name: "customer_id", required: true },
    { name: "date", required: true },
    { name: "amount", required: true },
  ];
  const header = records[0];
  const pos = locateColumns(header, columns);
  const purchases: Purchase[] = [];
  const lines: number[] = [];
  for (let r = 1; r < records.length; r++) {
    const record = records[r];
    checkFieldCount(record, header.fields.length);
    const customerId = field(record, pos.get("customer_id"));
    if (customerId === "") throw new CsvError(record.line, "customer_id is empty (guest purchases cannot be modelled)");
    const at = parseDateField(record, field(record, pos.get("date")), "date");
    const amountMinor = parseAmountField(record, field(record, pos.get("amount")), decimals);
    if (amountMinor < 0) {
      throw new CsvError(record.line, `amount ${field(record, pos.get("amount"))} is negative: list purchases only, without refunds`);
    }
    purchases.push({ customerId, at, amountMinor });
    lines.push(record.line);
  }
  return { rows: purchases, lines };
}
