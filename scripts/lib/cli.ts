/**
 * Shared plumbing for the analytics CLIs: argument parsing and the input-error contract
 * (message on stderr naming the problem, exit code 2, nothing on stdout).
 */
import { readFileSync } from "node:fs";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { CsvError } from "../../app/analytics/domain/csv";
import { calendarDateToEpochMs } from "../../app/analytics/domain/time";

/** Bad input from the user: reported with exit code 2. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

export const EXIT_BAD_INPUT = 2;
export const EXIT_FAILURE = 1;

export function parseOptions<T extends NonNullable<ParseArgsConfig["options"]>>(
  argv: string[],
  options: T,
  usage: string,
) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new InputError(`${(error as Error).message}\n${usage}`);
  }
}

export function requireOption(value: string | boolean | undefined, name: string, usage: string): string {
  if (typeof value !== "string" || value === "") throw new InputError(`--${name} is required\n${usage}`);
  return value;
}

export function requireDate(value: string, name: string): string {
  if (Number.isNaN(calendarDateToEpochMs(value))) throw new InputError(`--${name} "${value}" is not a date (YYYY-MM-DD)`);
  return value;
}

export function currencyDecimals(value: string | boolean | undefined): number {
  if (value === undefined) return 2;
  const n = Number(value);
  if (typeof value !== "string" || !/^\d$/.test(value) || n > 4) {
    throw new InputError(`--currency-decimals must be a whole number from 0 to 4, got "${String(value)}"`);
  }
  return n;
}

export function readInputFile(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new InputError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/**
 * Runs a CLI body that returns the JSON to print. Input problems exit with 2 and print nothing on
 * stdout, so a script piping the output never sees half a result.
 */
export function runCli(name: string, body: () => unknown): void {
  let output: unknown;
  try {
    output = body();
  } catch (error) {
    if (error instanceof CsvError) {
      process.stderr.write(`${name}: ${error.message}\n`);
      process.exitCode = EXIT_BAD_INPUT;
      return;
    }
    if (error instanceof InputError) {
      process.stderr.write(`${name}: ${error.message}\n`);
      process.exitCode = EXIT_BAD_INPUT;
      return;
    }
    process.stderr.write(`${name}: failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = EXIT_FAILURE;
    return;
  }
  process.stdout.write(`${JSON.stringify(output)}\n`);
}

/** Converts integer-ish minor-unit statistics back to currency units for display. */
export function toCurrencyUnits(minor: number | null, decimals: number): number | null {
  return minor === null ? null : minor / 10 ** decimals;
}
