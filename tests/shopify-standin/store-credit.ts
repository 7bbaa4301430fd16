// Shopify store credit as the stand-in keeps it: one account per customer and currency, credits (optionally
// expiring), debits, and expirations, with Shopify's rules (storeCreditAccountCredit / storeCreditAccountDebit):
// a positive amount, the account's currency, no debit below zero, no expiry in the past. Credits are spent
// soonest-expiring first (never-expiring last); an expired credit's unspent rest leaves the balance as an
// expiration transaction dated at its expiry.
import { currencyExponent } from "./money";
import { findCustomer, nextId, touch, type ShopState } from "./state";
import { isoUtc } from "./time";

export type StoreCreditEvent = "ADJUSTMENT";

export interface StandinStoreCreditTransaction {
  id: number;
  kind: "credit" | "debit" | "expiration";
  /** Signed: credits add, debits and expirations take. */
  amountMinor: number;
  balanceAfterMinor: number;
  createdAt: string;
  /** Credits: when their unspent rest expires (null: never). */
  expiresAt: string | null;
  /** Credits: what is left of them. */
  remainingMinor: number;
  /** Expirations: the credit that expired. */
  creditId: number | null;
}

export interface StandinStoreCreditAccount {
  id: number;
  customerId: number;
  currency: string;
  /** Oldest first. */
  transactions: StandinStoreCreditTransaction[];
}

export interface StoreCreditUserError {
  field: string[] | null;
  message: string;
  code: string;
}

export type StoreCreditResult =
  | { ok: true; account: StandinStoreCreditAccount; transaction: StandinStoreCreditTransaction }
  | { ok: false; errors: StoreCreditUserError[] };

export function storeCreditAccounts(shop: ShopState): StandinStoreCreditAccount[] {
  return (shop.storeCreditAccounts ??= []);
}

export function balanceMinor(account: StandinStoreCreditAccount): number {
  return account.transactions.at(-1)?.balanceAfterMinor ?? 0;
}

/** Books the expirations due by `now`, in the order they fell due. */
export function settleExpiries(shop: ShopState, account: StandinStoreCreditAccount, now = Date.now()): void {
  const due = account.transactions
    .filter((t) => t.kind === "credit" && t.remainingMinor > 0 && t.expiresAt !== null && Date.parse(t.expiresAt) <= now)
    .sort((a, b) => Date.parse(a.expiresAt!) - Date.parse(b.expiresAt!) || a.id - b.id);
  for (const credit of due) {
    const lost = credit.remainingMinor;
    credit.remainingMinor = 0;
    account.transactions.push({
      id: nextId(shop),
      kind: "expiration",
      amountMinor: -lost,
      balanceAfterMinor: balanceMinor(account) - lost,
      createdAt: credit.expiresAt!,
      expiresAt: null,
      remainingMinor: 0,
      creditId: credit.id,
    });
  }
  if (due.length) touch(shop);
}

export function findStoreCreditAccount(shop: ShopState, id: number): StandinStoreCreditAccount | undefined {
  const account = storeCreditAccounts(shop).find((a) => a.id === id);
  if (account) settleExpiries(shop, account);
  return account;
}

export function accountsOfCustomer(shop: ShopState, customerId: number): StandinStoreCreditAccount[] {
  const accounts = storeCreditAccounts(shop).filter((a) => a.customerId === customerId);
  for (const a of accounts) settleExpiries(shop, a);
  return accounts;
}

const VALID_CURRENCY = /^[A-Z]{3}$/;

function amountProblems(field: string, amountMinor: number | null, currency: string): StoreCreditUserError[] {
  if (!VALID_CURRENCY.test(currency)) return [{ field: [field, "currencyCode"], message: "Currency is not supported.", code: "UNSUPPORTED_CURRENCY" }];
  if (amountMinor === null || amountMinor <= 0) return [{ field: [field, "amount"], message: "The amount must be greater than zero.", code: "NEGATIVE_OR_ZERO_AMOUNT" }];
  return [];
}

/** The account `target` names (a StoreCreditAccount), or the owner's account in `currency` (a Customer, made if needed). */
function accountFor(
  shop: ShopState,
  target: { type: string; id: number },
  currency: string,
  create: boolean,
): StandinStoreCreditAccount | StoreCreditUserError[] {
  if (target.type === "StoreCreditAccount") {
    const account = findStoreCreditAccount(shop, target.id);
    if (!account) return [{ field: ["id"], message: "Store credit account does not exist.", code: "ACCOUNT_NOT_FOUND" }];
    if (account.currency !== currency) {
      return [{ field: ["id"], message: "The currency provided does not match the currency of the store credit account.", code: "MISMATCHING_CURRENCY" }];
    }
    return account;
  }
  if (target.type !== "Customer" || !findCustomer(shop, target.id)) {
    return [{ field: ["id"], message: "Owner does not exist.", code: create ? "OWNER_NOT_FOUND" : "ACCOUNT_NOT_FOUND" }];
  }
  const existing = accountsOfCustomer(shop, target.id).find((a) => a.currency === currency);
  if (existing) return existing;
  if (!create) return [{ field: ["id"], message: "Store credit account does not exist.", code: "ACCOUNT_NOT_FOUND" }];
  const account: StandinStoreCreditAccount = { id: nextId(shop), customerId: target.id, currency, transactions: [] };
  storeCreditAccounts(shop).push(account);
  return account;
}

export function creditStoreCredit(
  shop: ShopState,
  target: { type: string; id: number },
  input: { amountMinor: number | null; currency: string; expiresAt?: string | null },
  now = Date.now(),
): StoreCreditResult {
  const currency = input.currency.toUpperCase();
  const problems = amountProblems("creditInput", input.amountMinor, currency);
  if (input.expiresAt != null && !(Date.parse(input.expiresAt) > now)) {
    problems.push({ field: ["creditInput", "expiresAt"], message: "The expiry date must be in the future.", code: "EXPIRES_AT_IN_PAST" });
  }
  if (problems.length) return { ok: false, errors: problems };
  const account = accountFor(shop, target, currency, true);
  if (Array.isArray(account)) return { ok: false, errors: account };
  const transaction: StandinStoreCreditTransaction = {
    id: nextId(shop),
    kind: "credit",
    amountMinor: input.amountMinor!,
    balanceAfterMinor: balanceMinor(account) + input.amountMinor!,
    createdAt: isoUtc(now),
    expiresAt: input.expiresAt != null ? isoUtc(input.expiresAt) : null,
    remainingMinor: input.amountMinor!,
    creditId: null,
  };
  account.transactions.push(transaction);
  touch(shop);
  return { ok: true, account, transaction };
}

export function debitStoreCredit(
  shop: ShopState,
  target: { type: string; id: number },
  input: { amountMinor: number | null; currency: string },
  now = Date.now(),
): StoreCreditResult {
  const currency = input.currency.toUpperCase();
  const problems = amountProblems("debitInput", input.amountMinor, currency);
  if (problems.length) return { ok: false, errors: problems };
  const account = accountFor(shop, target, currency, false);
  if (Array.isArray(account)) return { ok: false, errors: account };
  const amount = input.amountMinor!;
  if (balanceMinor(account) < amount) {
    return { ok: false, errors: [{ field: ["debitInput", "debitAmount", "amount"], message: "The store credit account does not have sufficient funds.", code: "INSUFFICIENT_FUNDS" }] };
  }
  // Soonest-expiring credits first, never-expiring ones last.
  const credits = account.transactions
    .filter((t) => t.kind === "credit" && t.remainingMinor > 0)
    .sort((a, b) => (a.expiresAt === null ? Infinity : Date.parse(a.expiresAt)) - (b.expiresAt === null ? Infinity : Date.parse(b.expiresAt)) || a.id - b.id);
  let left = amount;
  for (const c of credits) {
    const take = Math.min(left, c.remainingMinor);
    c.remainingMinor -= take;
    left -= take;
    if (left === 0) break;
  }
  const transaction: StandinStoreCreditTransaction = {
    id: nextId(shop),
    kind: "debit",
    amountMinor: -amount,
    balanceAfterMinor: balanceMinor(account) - amount,
    createdAt: isoUtc(now),
    expiresAt: null,
    remainingMinor: 0,
    creditId: null,
  };
  account.transactions.push(transaction);
  touch(shop);
  return { ok: true, account, transaction };
}

/** Minor units of a MoneyInput's decimal amount in its currency; null when not a decimal with at most the currency's digits. */
export function minorOfMoneyInput(amount: unknown, currency: string): number | null {
  const text = typeof amount === "number" ? String(amount) : typeof amount === "string" ? amount.trim() : null;
  if (text === null || !/^-?\d+(\.\d+)?$/.test(text)) return null;
  const exp = currencyExponent(currency);
  const [whole, frac = ""] = text.replace("-", "").split(".");
  if (frac.replace(/0+$/, "").length > exp) return null;
  const minor = Number(whole) * 10 ** exp + Number((frac + "0".repeat(exp)).slice(0, exp) || 0);
  return text.startsWith("-") ? -minor : minor;
}
