import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startShopifyStandin, type ShopifyStandin } from "./index";
import { adminGraphql, startReceiver, waitFor } from "./testing";

const SHOP = "treue-demo.myshopify.com";
let standin: ShopifyStandin;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  receiver = await startReceiver();
  standin = await startShopifyStandin({ shop: SHOP, apiKey: "treue-demo-api-key", apiSecret: "test-secret", appUrl: receiver.url, bulkDelayMs: 5 });
  for (let i = 1; i <= 7; i++) {
    await standin.createCustomer({ email: `buyer${i}@example.com`, firstName: `Buyer${i}`, lastName: "Test", createdAt: `2024-01-0${i}T10:00:00Z`, tags: i % 2 ? ["vip"] : [] }, { webhooks: "none" });
  }
});

afterAll(async () => {
  await standin?.close();
  await receiver?.close();
});

describe("Admin GraphQL: requests and errors", () => {
  it("answers a valid query with data and Shopify's cost extension", async () => {
    const r = await adminGraphql(standin, `{ shop { name myshopifyDomain currencyCode ianaTimezone } }`);
    expect(r.status).toBe(200);
    expect(r.body.data.shop).toEqual({ name: "Treue Demo", myshopifyDomain: SHOP, currencyCode: "GBP", ianaTimezone: "Europe/London" });
    expect(r.body.extensions.cost).toMatchObject({ requestedQueryCost: 1, actualQueryCost: 1, throttleStatus: { maximumAvailable: 2000, restoreRate: 100 } });
  });

  it("reports a misspelled field the way Shopify does", async () => {
    const r = await adminGraphql(standin, `{ shop { nme } }`);
    expect(r.status).toBe(200);
    expect(r.body.data).toBeUndefined();
    expect(r.body.errors).toEqual([{
      message: "Field 'nme' doesn't exist on type 'Shop'",
      locations: [{ line: 1, column: 10 }],
      path: ["query", "shop", "nme"],
      extensions: { code: "undefinedField", typeName: "Shop", fieldName: "nme" },
    }]);
  });

  it("names the operation in the path and reports argument mistakes with Shopify's codes", async () => {
    const r = await adminGraphql(standin, `query Lookup { customer { id } customers(first: 1, quer: "x") { nodes { id } } }`);
    expect(r.body.errors).toEqual([
      expect.objectContaining({ message: "Field 'customer' is missing required arguments: id", path: ["query Lookup", "customer"], extensions: { code: "missingRequiredArguments", className: "Field", name: "customer", arguments: "id" } }),
      expect.objectContaining({ message: "Field 'customers' doesn't accept argument 'quer'", path: ["query Lookup", "customers", "quer"], extensions: { code: "argumentNotAccepted", name: "customers", typeName: "Field", argumentName: "quer" } }),
    ]);
  });

  it("rejects a bad variable with INVALID_VARIABLE and graphql-ruby's wording", async () => {
    const r = await adminGraphql(standin, `query ($id: ID!) { customer(id: $id) { id } }`, {});
    expect(r.body.errors[0]).toMatchObject({
      message: "Variable $id of type ID! was provided invalid value (Expected value to not be null)",
      extensions: { code: "INVALID_VARIABLE", value: null, problems: [{ path: [], explanation: "Expected value to not be null" }] },
    });
    const nested = await adminGraphql(standin, `mutation ($d: DiscountCodeBasicInput!) { discountCodeBasicCreate(basicCodeDiscount: $d) { userErrors { message } } }`, { d: { title: "x", startsAt: "not a date" } });
    expect(nested.body.errors[0].message).toBe('Variable $d of type DiscountCodeBasicInput! was provided invalid value for startsAt (Could not coerce value "not a date" to DateTime)');
  });

  it("answers a syntax error without data", async () => {
    const r = await adminGraphql(standin, `{ shop { name }`);
    expect(r.body.errors[0].message).toMatch(/^syntax error, unexpected end of file at \[1, 16\]/);
  });

  it("refuses a missing or wrong access token with 401", async () => {
    const missing = await adminGraphql(standin, `{ shop { name } }`, undefined, { token: null });
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
    const wrong = await adminGraphql(standin, `{ shop { name } }`, undefined, { token: "shpat_nope" });
    expect(wrong.status).toBe(401);
  });

  it("says clearly when a root field isn't modelled, instead of crashing", async () => {
    const r = await adminGraphql(standin, `{ location(id: "gid://shopify/Location/1") { id } shop { name } }`);
    expect(r.status).toBe(200);
    expect(r.body.errors[0]).toMatchObject({ path: ["location"], extensions: { code: "STANDIN_NOT_IMPLEMENTED" } });
    expect(r.body.data).toEqual({ location: null, shop: { name: "Treue Demo" } });
    // A non-null root field that isn't modelled nulls the whole answer, as GraphQL requires.
    const nonNull = await adminGraphql(standin, `{ products(first: 1) { nodes { id } } }`);
    expect(nonNull.body).toMatchObject({ data: null, errors: [{ path: ["products"], extensions: { code: "STANDIN_NOT_IMPLEMENTED" } }] });
  });

  it("refuses queries over the single-query cost limit", async () => {
    const r = await adminGraphql(standin, `{ orders(first: 250) { nodes { id lineItems(first: 250) { nodes { id } } } } }`);
    expect(r.body.errors[0].extensions).toMatchObject({ code: "MAX_COST_EXCEEDED", maxCost: 1000 });
    expect(r.body.errors[0].message).toMatch(/^Query cost is \d+, which exceeds the single query max cost limit \(1000\)/);
  });

  it("requires first or last on connections", async () => {
    const r = await adminGraphql(standin, `{ customers { nodes { id } } }`);
    expect(r.body.errors[0]).toMatchObject({ message: "you must provide one of first or last", path: ["customers"] });
  });

  it("tells shops apart by X-Forwarded-Host", async () => {
    const other = "second-shop.myshopify.com";
    const r = await adminGraphql(standin, `{ shop { myshopifyDomain } customersCount { count precision } }`, undefined, { shop: other });
    expect(r.body.data).toEqual({ shop: { myshopifyDomain: other }, customersCount: { count: 0, precision: "EXACT" } });
    const crossed = await adminGraphql(standin, `{ shop { name } }`, undefined, { shop: other, token: standin.accessTokenFor(SHOP) });
    expect(crossed.status).toBe(401);
  });
});

describe("Admin GraphQL: customers", () => {
  it("paginates with Shopify cursors, both directions", async () => {
    const q = `query ($after: String, $before: String, $first: Int, $last: Int) {
      customers(first: $first, after: $after, last: $last, before: $before, sortKey: CREATED_AT) {
        edges { cursor node { email } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const r: any = await adminGraphql(standin, q, { first: 3, after });
      const conn = r.body.data.customers;
      seen.push(...conn.edges.map((e: any) => e.node.email));
      pages++;
      expect(conn.pageInfo.hasPreviousPage).toBe(after !== null);
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 7 }, (_, i) => `buyer${i + 1}@example.com`));
    const cursor = JSON.parse(Buffer.from(after!, "base64").toString());
    expect(Object.keys(cursor)).toEqual(["last_id", "last_value"]);
    const back = await adminGraphql(standin, q, { last: 2, before: after });
    expect(back.body.data.customers.edges.map((e: any) => e.node.email)).toEqual(["buyer4@example.com", "buyer5@example.com"]);
  });

  it("filters with Shopify's search syntax and counts", async () => {
    const r = await adminGraphql(standin, `{
      recent: customers(first: 10, query: "created_at:>=2024-01-05") { nodes { email } }
      vip: customers(first: 10, query: "tag:vip -email:buyer1@example.com") { nodes { email tags } }
      one: customers(first: 10, query: "email:buyer2@example.com") { nodes { email } }
      customersCount(query: "tag:vip") { count precision } }`);
    expect(r.body.data.recent.nodes.map((n: any) => n.email)).toEqual(["buyer5@example.com", "buyer6@example.com", "buyer7@example.com"]);
    expect(r.body.data.vip.nodes.map((n: any) => n.email)).toEqual(["buyer3@example.com", "buyer5@example.com", "buyer7@example.com"]);
    expect(r.body.data.one.nodes).toEqual([{ email: "buyer2@example.com" }]);
    expect(r.body.data.customersCount).toEqual({ count: 4, precision: "EXACT" });
  });

  it("reports order statistics in money and UnsignedInt64 strings", async () => {
    const shop = standin.state.shops[SHOP];
    const c = shop.customers[0];
    await standin.createOrder({ customerId: c.id, lines: [{ sku: "MUG", title: "Mug", quantity: 2, unitPriceMinor: 1250 }] }, { webhooks: "none" });
    const r = await adminGraphql(standin, `query ($id: ID!) { customer(id: $id) { id legacyResourceId numberOfOrders amountSpent { amount currencyCode } defaultEmailAddress { emailAddress } } }`, { id: `gid://shopify/Customer/${c.id}` });
    expect(r.body.data.customer).toEqual({ id: `gid://shopify/Customer/${c.id}`, legacyResourceId: String(c.id), numberOfOrders: "1", amountSpent: { amount: "25.0", currencyCode: "GBP" }, defaultEmailAddress: { emailAddress: c.email } });
    const bad = await adminGraphql(standin, `{ customer(id: "123") { id } }`);
    expect(bad.body.errors[0]).toMatchObject({ message: "Invalid global id '123'", extensions: { code: "argumentLiteralsIncompatible" } });
  });
});

describe("Admin GraphQL: faults", () => {
  it("answers an injected THROTTLED like Shopify, once", async () => {
    standin.injectFault({ operation: "shop", kind: "THROTTLED" });
    const r = await adminGraphql(standin, `{ shop { name } }`);
    expect(r.status).toBe(200);
    expect(r.body.errors).toEqual([{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }]);
    expect(r.body.extensions.cost).toMatchObject({ requestedQueryCost: 1, actualQueryCost: null, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 0, restoreRate: 100 } });
    const again = await adminGraphql(standin, `{ shop { name } }`);
    expect(again.body.data.shop.name).toBe("Treue Demo");
  });

  it("answers HTTP 503 and INTERNAL_SERVER_ERROR and logs them", async () => {
    standin.injectFault({ operation: "*", kind: "HTTP_503" });
    standin.injectFault({ operation: "*", kind: "INTERNAL_SERVER_ERROR" });
    const first = await adminGraphql(standin, `query ShopName { shop { name } }`);
    expect(first.status).toBe(503);
    const second = await adminGraphql(standin, `{ shop { name } }`);
    expect(second.status).toBe(200);
    expect(second.body.errors[0].extensions.code).toBe("INTERNAL_SERVER_ERROR");
    expect(standin.requests.find((x) => x.operationName === "ShopName")).toMatchObject({ rootFields: ["shop"], status: 503, fault: "HTTP_503" });
  });

  it("does not apply a mutation that got an injected error, but does apply one that timed out", async () => {
    const create = `mutation ($d: DiscountCodeBasicInput!) { discountCodeBasicCreate(basicCodeDiscount: $d) { codeDiscountNode { id } userErrors { code } } }`;
    const input = (code: string) => ({ d: { title: code, code, startsAt: "2024-01-01T00:00:00Z", customerGets: { value: { percentage: 0.1 }, items: { all: true } } } });
    standin.injectFault({ operation: "discountCodeBasicCreate", kind: "HTTP_500" });
    expect((await adminGraphql(standin, create, input("FAULTED-500"))).status).toBe(500);
    expect(standin.state.shops[SHOP].discounts.some((d) => d.code === "FAULTED-500")).toBe(false);

    standin.injectFault({ operation: "discountCodeBasicCreate", kind: "TIMEOUT", delayMs: 300 });
    const controller = AbortSignal.timeout(100);
    await expect(fetch(`${standin.url}/admin/api/2026-10/graphql.json`, {
      method: "POST", signal: controller,
      headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": standin.accessTokenFor() },
      body: JSON.stringify({ query: create, variables: input("LATE-1") }),
    })).rejects.toThrow();
    await waitFor(() => standin.state.shops[SHOP].discounts.some((d) => d.code === "LATE-1"));
  });
});

describe("Admin GraphQL: mutations", () => {
  const create = `mutation Create($d: DiscountCodeBasicInput!) {
    discountCodeBasicCreate(basicCodeDiscount: $d) {
      codeDiscountNode { id codeDiscount { ... on DiscountCodeBasic { title status startsAt endsAt codes(first: 1) { nodes { code } }
        customerGets { value { ... on DiscountAmount { amount { amount currencyCode } appliesOnEachItem } } }
        context { ... on DiscountCustomers { customers { id } } } } } }
      userErrors { field message code } } }`;

  it("creates a code discount, then refuses the same code", async () => {
    const customer = standin.state.shops[SHOP].customers[1];
    const input = {
      title: "£5 reward", code: "TREUE-5OFF", startsAt: "2024-01-01T00:00:00Z", endsAt: "2999-01-01T00:00:00Z",
      context: { customers: { add: [`gid://shopify/Customer/${customer.id}`] } },
      customerGets: { value: { discountAmount: { amount: "5.00", appliesOnEachItem: false } }, items: { all: true } },
      usageLimit: 1, appliesOncePerCustomer: true, combinesWith: { shippingDiscounts: true },
    };
    const first = await adminGraphql(standin, create, { d: input });
    expect(first.body.data.discountCodeBasicCreate.userErrors).toEqual([]);
    const node = first.body.data.discountCodeBasicCreate.codeDiscountNode;
    expect(node.id).toMatch(/^gid:\/\/shopify\/DiscountCodeNode\/\d+$/);
    expect(node.codeDiscount).toEqual({
      title: "£5 reward", status: "ACTIVE", startsAt: "2024-01-01T00:00:00Z", endsAt: "2999-01-01T00:00:00Z",
      codes: { nodes: [{ code: "TREUE-5OFF" }] },
      customerGets: { value: { amount: { amount: "5.0", currencyCode: "GBP" }, appliesOnEachItem: false } },
      context: { customers: [{ id: `gid://shopify/Customer/${customer.id}` }] },
    });
    const dup = await adminGraphql(standin, create, { d: { ...input, code: "treue-5off" } });
    expect(dup.body.data.discountCodeBasicCreate).toEqual({
      codeDiscountNode: null,
      userErrors: [{ field: ["basicCodeDiscount", "code"], message: "Code must be unique. Please try a different code.", code: "TAKEN" }],
    });
    const found = await adminGraphql(standin, `{ codeDiscountNodeByCode(code: "TREUE-5off") { id } }`);
    expect(found.body.data.codeDiscountNodeByCode.id).toBe(node.id);
    const off = await adminGraphql(standin, `mutation ($id: ID!) { discountCodeDeactivate(id: $id) { codeDiscountNode { codeDiscount { ... on DiscountCodeBasic { status } } } userErrors { message } } }`, { id: node.id });
    expect(off.body.data.discountCodeDeactivate.codeDiscountNode.codeDiscount.status).toBe("EXPIRED");
  });

  it("validates dates and values as userErrors", async () => {
    const r = await adminGraphql(standin, create, { d: { title: "Bad", code: "BAD-1", startsAt: "2024-02-01T00:00:00Z", endsAt: "2024-01-01T00:00:00Z", customerGets: { value: { percentage: 1.5 }, items: { all: true } } } });
    expect(r.body.data.discountCodeBasicCreate.userErrors).toEqual([
      { field: ["basicCodeDiscount", "endsAt"], message: "Ends at needs to be after starts_at", code: "INVALID" },
      { field: ["basicCodeDiscount", "customerGets", "value", "percentage"], message: "Value must be between 0.0 and 1.0", code: "VALUE_OUTSIDE_RANGE" },
    ]);
  });

  it("sets app-owned metafields, reads them back, and rejects bad values atomically", async () => {
    const owner = `gid://shopify/Customer/${standin.state.shops[SHOP].customers[2].id}`;
    const set = `mutation ($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { metafields { namespace key type value jsonValue } userErrors { field message code } } }`;
    const ok = await adminGraphql(standin, set, { m: [{ ownerId: owner, namespace: "$app:loyalty", key: "points", type: "number_integer", value: "120" }] });
    expect(ok.body.data.metafieldsSet.userErrors).toEqual([]);
    expect(ok.body.data.metafieldsSet.metafields[0]).toMatchObject({ namespace: expect.stringMatching(/^app--\d+--loyalty$/), key: "points", value: "120", jsonValue: 120 });
    const read = await adminGraphql(standin, `query ($id: ID!) { customer(id: $id) { metafield(namespace: "$app:loyalty", key: "points") { value } } }`, { id: owner });
    expect(read.body.data.customer.metafield).toEqual({ value: "120" });
    const bad = await adminGraphql(standin, set, { m: [
      { ownerId: owner, namespace: "$app:loyalty", key: "tier", type: "single_line_text_field", value: "gold" },
      { ownerId: owner, namespace: "$app:loyalty", key: "points", type: "number_integer", value: "12.5" },
    ] });
    expect(bad.body.data.metafieldsSet).toEqual({ metafields: [], userErrors: [{ field: ["metafields", "1", "value"], message: "Value must be an integer.", code: "INVALID_VALUE" }] });
    expect(standin.state.shops[SHOP].metafields.some((m) => m.key === "tier")).toBe(false);
  });

  it("adds and removes tags", async () => {
    const id = `gid://shopify/Customer/${standin.state.shops[SHOP].customers[3].id}`;
    const add = await adminGraphql(standin, `mutation ($id: ID!) { tagsAdd(id: $id, tags: ["treue-gold", "Loyal"]) { node { ... on Customer { tags } } userErrors { message } } }`, { id });
    expect(add.body.data.tagsAdd.node.tags).toEqual(["Loyal", "treue-gold"]);
    const rm = await adminGraphql(standin, `mutation ($id: ID!) { tagsRemove(id: $id, tags: ["loyal"]) { node { ... on Customer { tags } } userErrors { message } } }`, { id });
    expect(rm.body.data.tagsRemove.node.tags).toEqual(["treue-gold"]);
  });

  it("runs a bulk query into JSONL with __parentId lines and sends bulk_operations/finish", async () => {
    const c = standin.state.shops[SHOP].customers[4];
    const order = await standin.createOrder({ customerId: c.id, lines: [{ sku: "A", title: "Apple", quantity: 1, unitPriceMinor: 100 }, { sku: "B", title: "Pear", quantity: 3, unitPriceMinor: 250 }] }, { webhooks: "none" });
    const run = await adminGraphql(standin, `mutation { bulkOperationRunQuery(query: """
      { orders(query: "customer_id:${c.id}") { edges { node { id name lineItems { edges { node { id sku quantity } } } } } } }
    """) { bulkOperation { id status } userErrors { field message code } } }`);
    const op = run.body.data.bulkOperationRunQuery;
    expect(op.userErrors).toEqual([]);
    expect(op.bulkOperation.status).toBe("CREATED");
    const busy = await adminGraphql(standin, `mutation { bulkOperationRunQuery(query: "{ customers { edges { node { id } } } }") { userErrors { code message } } }`);
    expect(busy.body.data.bulkOperationRunQuery.userErrors[0].code).toBe("OPERATION_IN_PROGRESS");

    const finish = await waitFor(() => receiver.received.find((w) => w.headers["x-shopify-topic"] === "bulk_operations/finish"));
    expect(finish.path).toBe("/webhooks/bulk_operations/finish");
    expect(JSON.parse(finish.rawBody)).toMatchObject({ admin_graphql_api_id: op.bulkOperation.id, status: "completed", type: "query", error_code: null });

    const status = await adminGraphql(standin, `query ($id: ID!) { bulkOperation(id: $id) { status objectCount rootObjectCount fileSize url } }`, { id: op.bulkOperation.id });
    const b = status.body.data.bulkOperation;
    expect(b).toMatchObject({ status: "COMPLETED", objectCount: "3", rootObjectCount: "1" });
    const text = await (await fetch(b.url)).text();
    expect(Buffer.byteLength(text)).toBe(Number(b.fileSize));
    const lines = text.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ id: `gid://shopify/Order/${order.id}`, name: order.name });
    expect(lines.slice(1)).toEqual(order.lines.map((l) => ({ id: `gid://shopify/LineItem/${l[0]}`, sku: l[1], quantity: l[3], __parentId: `gid://shopify/Order/${order.id}` })));

    const invalid = await adminGraphql(standin, `mutation { bulkOperationRunQuery(query: "{ orders { edges { node { name lineItems { edges { node { id } } } } } } }") { userErrors { field code message } } }`);
    expect(invalid.body.data.bulkOperationRunQuery.userErrors[0]).toMatchObject({ field: ["query"], code: "INVALID" });
  });
});
