// Store credit through the stand-in's Admin GraphQL, checked against Shopify's documented rules: an account per
// customer and currency, credits that may expire, debits that never go below zero.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startShopifyStandin, type ShopifyStandin } from "./index";
import { adminGraphql } from "./testing";

const SHOP = "credit-test.myshopify.com";
let standin: ShopifyStandin;
let customerGid: string;

beforeAll(async () => {
  standin = await startShopifyStandin({ shop: SHOP, apiKey: "k", apiSecret: "s", appUrl: "http://127.0.0.1:9" });
  const c = await standin.createCustomer({ email: "credit@example.com" }, { webhooks: "none" });
  customerGid = `gid://shopify/Customer/${c.id}`;
});
afterAll(async () => standin?.close());

const CREDIT = `mutation Credit($id: ID!, $input: StoreCreditAccountCreditInput!) {
  storeCreditAccountCredit(id: $id, creditInput: $input) {
    storeCreditAccountTransaction { id amount { amount currencyCode } balanceAfterTransaction { amount } expiresAt remainingAmount { amount } event account { id balance { amount currencyCode } } }
    userErrors { field code message }
  }
}`;
const DEBIT = `mutation Debit($id: ID!, $input: StoreCreditAccountDebitInput!) {
  storeCreditAccountDebit(id: $id, debitInput: $input) {
    storeCreditAccountTransaction { id amount { amount } balanceAfterTransaction { amount } }
    userErrors { field code message }
  }
}`;
const ACCOUNTS = `query Accounts($id: ID!, $query: String) {
  customer(id: $id) {
    storeCreditAccounts(first: 5, query: $query) {
      nodes {
        id
        balance { amount currencyCode }
        transactions(first: 10) {
          nodes { __typename amount { amount } createdAt ... on StoreCreditAccountCreditTransaction { id expiresAt remainingAmount { amount } } ... on StoreCreditAccountExpirationTransaction { creditTransaction { id } } }
        }
      }
    }
  }
}`;

const credit = (id: string, amount: string, currencyCode = "EUR", expiresAt?: string) =>
  adminGraphql(standin, CREDIT, { id, input: { creditAmount: { amount, currencyCode }, ...(expiresAt ? { expiresAt } : {}) } }, { shop: SHOP });
const debit = (id: string, amount: string, currencyCode = "EUR") => adminGraphql(standin, DEBIT, { id, input: { debitAmount: { amount, currencyCode } } }, { shop: SHOP });
const accounts = async (query?: string) => (await adminGraphql(standin, ACCOUNTS, { id: customerGid, query }, { shop: SHOP })).body.data.customer.storeCreditAccounts.nodes;

describe("store credit", () => {
  it("credits a customer (their account in that currency is made on the first credit) and debits it, never below zero", async () => {
    const first = await credit(customerGid, "5.00");
    expect(first.body.errors).toBeUndefined();
    const t1 = first.body.data.storeCreditAccountCredit;
    expect(t1.userErrors).toEqual([]);
    expect(t1.storeCreditAccountTransaction).toMatchObject({
      id: expect.stringMatching(/^gid:\/\/shopify\/StoreCreditAccountCreditTransaction\/\d+$/),
      amount: { amount: "5.0", currencyCode: "EUR" },
      balanceAfterTransaction: { amount: "5.0" },
      expiresAt: null,
      remainingAmount: { amount: "5.0" },
      event: "ADJUSTMENT",
      account: { id: expect.stringMatching(/^gid:\/\/shopify\/StoreCreditAccount\/\d+$/), balance: { amount: "5.0", currencyCode: "EUR" } },
    });
    const accountGid = t1.storeCreditAccountTransaction.account.id;

    // The account's GID works too, in its own currency only.
    const expiring = await credit(accountGid, "3.50", "EUR", "2099-01-01T00:00:00Z");
    expect(expiring.body.data.storeCreditAccountCredit.storeCreditAccountTransaction).toMatchObject({ balanceAfterTransaction: { amount: "8.5" }, expiresAt: "2099-01-01T00:00:00Z" });
    expect((await credit(accountGid, "1.00", "USD")).body.data.storeCreditAccountCredit).toEqual({
      storeCreditAccountTransaction: null,
      userErrors: [{ field: ["id"], code: "MISMATCHING_CURRENCY", message: "The currency provided does not match the currency of the store credit account." }],
    });

    // Spending takes the soonest-expiring credit first.
    const spent = await debit(accountGid, "4.00");
    expect(spent.body.data.storeCreditAccountDebit).toMatchObject({ storeCreditAccountTransaction: { amount: { amount: "-4.0" }, balanceAfterTransaction: { amount: "4.5" } }, userErrors: [] });
    expect((await debit(customerGid, "4.51")).body.data.storeCreditAccountDebit).toMatchObject({ storeCreditAccountTransaction: null, userErrors: [{ code: "INSUFFICIENT_FUNDS" }] });

    const [account] = await accounts();
    expect(account.balance).toEqual({ amount: "4.5", currencyCode: "EUR" });
    expect(account.transactions.nodes.map((t: { __typename: string; amount: { amount: string }; remainingAmount?: { amount: string } }) => [t.__typename, t.amount.amount, t.remainingAmount?.amount])).toEqual([
      ["StoreCreditAccountCreditTransaction", "5.0", "4.5"],
      ["StoreCreditAccountCreditTransaction", "3.5", "0.0"],
      ["StoreCreditAccountDebitTransaction", "-4.0", undefined],
    ]);
  });

  it("keeps one account per currency, found by currency_code", async () => {
    await credit(customerGid, "2", "CHF");
    expect((await accounts()).map((a: { balance: { currencyCode: string } }) => a.balance.currencyCode)).toEqual(["EUR", "CHF"]);
    expect((await accounts("currency_code:CHF")).map((a: { balance: { amount: string } }) => a.balance.amount)).toEqual(["2.0"]);
  });

  it("refuses what Shopify refuses, changing nothing", async () => {
    const before = JSON.stringify(await accounts());
    const refused = async (id: string, amount: string, currencyCode?: string, expiresAt?: string) =>
      (await credit(id, amount, currencyCode, expiresAt)).body.data.storeCreditAccountCredit.userErrors.map((e: { code: string }) => e.code);
    expect(await refused(customerGid, "0")).toEqual(["NEGATIVE_OR_ZERO_AMOUNT"]);
    expect(await refused(customerGid, "-1.00")).toEqual(["NEGATIVE_OR_ZERO_AMOUNT"]);
    expect(await refused(customerGid, "1.005")).toEqual(["NEGATIVE_OR_ZERO_AMOUNT"]);
    expect(await refused(customerGid, "1.00", "EUR", "2001-01-01T00:00:00Z")).toEqual(["EXPIRES_AT_IN_PAST"]);
    expect(await refused("gid://shopify/Customer/1", "1.00")).toEqual(["OWNER_NOT_FOUND"]);
    expect(await refused("gid://shopify/StoreCreditAccount/1", "1.00")).toEqual(["ACCOUNT_NOT_FOUND"]);
    expect(JSON.stringify(await accounts())).toBe(before);
  });

  it("books the unspent rest of an expired credit as an expiration", async () => {
    const c = await standin.createCustomer({ email: "expiring@example.com" }, { webhooks: "none" });
    const gid = `gid://shopify/Customer/${c.id}`;
    // The stand-in keeps whole seconds (as Shopify's DateTime does): an expiry "in one second" could be cut to the
    // current second and lapse before the debit. A whole second at least two seconds ahead, and a wait past it.
    const expiresMs = Math.ceil((Date.now() + 2_000) / 1_000) * 1_000;
    await credit(gid, "6.00", "EUR", new Date(expiresMs).toISOString());
    await debit(gid, "1.00");
    await new Promise((r) => setTimeout(r, expiresMs + 100 - Date.now()));
    const [account] = (await adminGraphql(standin, ACCOUNTS, { id: gid }, { shop: SHOP })).body.data.customer.storeCreditAccounts.nodes;
    expect(account.balance.amount).toBe("0.0");
    const last = account.transactions.nodes.at(-1);
    expect(last).toMatchObject({ __typename: "StoreCreditAccountExpirationTransaction", amount: { amount: "-5.0" }, creditTransaction: { id: account.transactions.nodes[0].id } });
    expect((await debit(gid, "0.01")).body.data.storeCreditAccountDebit.userErrors[0].code).toBe("INSUFFICIENT_FUNDS");
  });
});
