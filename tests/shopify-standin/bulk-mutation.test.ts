// Staged uploads and bulk mutations as the stand-in plays them: the signed form POST, Shopify's
// refusals (foreign path, missing file, not JSONL, invalid mutation, concurrency by API version), one
// result line per input line with userErrors or variable errors, and the finish webhook.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startShopifyStandin, type ShopifyStandin } from "./index";
import { adminGraphql, startReceiver, waitFor } from "./testing";

const SHOP = "bulk-mutations.myshopify.com";
let standin: ShopifyStandin;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const customers: number[] = [];

const STAGE = `mutation($input: [StagedUploadInput!]!) { stagedUploadsCreate(input: $input) { stagedTargets { url resourceUrl parameters { name value } } userErrors { field message } } }`;
const RUN = `mutation($m: String!, $p: String!) { bulkOperationRunMutation(mutation: $m, stagedUploadPath: $p) { bulkOperation { id status type } userErrors { field message code } } }`;
const POLL = `query($id: ID!) { node(id: $id) { ... on BulkOperation { status objectCount rootObjectCount url type } } }`;
const TAGS_ADD = `mutation($id: ID!, $tags: [String!]!) { tagsAdd(id: $id, tags: $tags) { userErrors { field message } } }`;

async function stage(version = "2026-10") {
  const r = await adminGraphql(standin, STAGE, { input: [{ resource: "BULK_MUTATION_VARIABLES", filename: "vars.jsonl", mimeType: "text/jsonl", httpMethod: "POST" }] }, { shop: SHOP, version });
  expect(r.body.data.stagedUploadsCreate.userErrors).toEqual([]);
  return r.body.data.stagedUploadsCreate.stagedTargets[0] as { url: string; resourceUrl: null; parameters: { name: string; value: string }[] };
}

async function upload(target: Awaited<ReturnType<typeof stage>>, text: string, tamper: Record<string, string> = {}) {
  const form = new FormData();
  for (const p of target.parameters) form.append(p.name, tamper[p.name] ?? p.value);
  form.append("file", new Blob([text], { type: "text/jsonl" }), "vars.jsonl");
  return fetch(target.url, { method: "POST", body: form });
}

const keyOf = (target: Awaited<ReturnType<typeof stage>>) => target.parameters.find((p) => p.name === "key")!.value;
const run = (mutation: string, path: string, version = "2026-10") => adminGraphql(standin, RUN, { m: mutation, p: path }, { shop: SHOP, version });

async function staged(lines: unknown[]) {
  const target = await stage();
  expect((await upload(target, lines.map((l) => JSON.stringify(l)).join("\n") + "\n")).status).toBe(201);
  return keyOf(target);
}

async function finished(id: string) {
  await waitFor(() => {
    const b = standin.state.shops[SHOP].bulkOperations.find((x) => `gid://shopify/BulkOperation/${x.id}` === id);
    return b && !["CREATED", "RUNNING", "CANCELING"].includes(b.status);
  });
  return (await adminGraphql(standin, POLL, { id }, { shop: SHOP })).body.data.node;
}

beforeAll(async () => {
  receiver = await startReceiver();
  standin = await startShopifyStandin({ shop: SHOP, apiKey: "bulk-key", apiSecret: "bulk-secret", appUrl: receiver.url, bulkDelayMs: 5 });
  for (let i = 0; i < 3; i++) customers.push((await standin.createCustomer({ email: `b${i}@example.com`, tags: ["own"] }, { shop: SHOP, webhooks: "none" })).id);
});

afterAll(async () => {
  await standin?.close();
  await receiver?.close();
});

describe("staged uploads", () => {
  it("hands out a signed form target and stores what is posted to it", async () => {
    const target = await stage();
    expect(target.url).toBe(`${standin.url}/staged-uploads/`);
    expect(target.resourceUrl).toBeNull();
    expect(target.parameters.map((p) => p.name)).toEqual(["key", "Content-Type", "success_action_status", "acl", "policy", "x-goog-algorithm", "x-goog-signature"]);
    expect(keyOf(target)).toMatch(new RegExp(`^tmp/${standin.state.shops[SHOP].info.id}/bulk/[\\w-]+/vars\\.jsonl$`));
    const res = await upload(target, `{"a":1}\n`);
    expect(res.status).toBe(201);
    expect(await res.text()).toContain(`<Key>${keyOf(target)}</Key>`);
  });

  it("refuses a tampered key or signature", async () => {
    const target = await stage();
    expect((await upload(target, `{"a":1}\n`, { key: `${keyOf(target)}-other` })).status).toBe(403);
    const bad = await upload(target, `{"a":1}\n`, { "x-goog-signature": "0".repeat(64) });
    expect(bad.status).toBe(403);
    expect(await bad.text()).toContain("SignatureDoesNotMatch");
  });
});

describe("bulkOperationRunMutation", () => {
  it("runs the mutation once per line, with each line's userErrors or variable errors in the result", async () => {
    const path = await staged([
      { id: `gid://shopify/Customer/${customers[0]}`, tags: ["bulk-a"] },
      { id: "gid://shopify/Customer/1", tags: ["bulk-a"] },
      { id: `gid://shopify/Customer/${customers[1]}` },
      { id: `gid://shopify/Customer/${customers[2]}`, tags: ["bulk-a", "bulk-b"] },
    ]);
    const r = await run(TAGS_ADD, path);
    expect(r.body.data.bulkOperationRunMutation.userErrors).toEqual([]);
    expect(r.body.data.bulkOperationRunMutation.bulkOperation).toMatchObject({ status: "CREATED", type: "MUTATION" });
    const op = await finished(r.body.data.bulkOperationRunMutation.bulkOperation.id);
    expect(op).toMatchObject({ status: "COMPLETED", objectCount: "4", rootObjectCount: "4", type: "MUTATION" });
    const lines = (await (await fetch(op.url)).text()).trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => l.__lineNumber)).toEqual([0, 1, 2, 3]);
    expect(lines[0]).toEqual({ data: { tagsAdd: { userErrors: [] } }, __lineNumber: 0 });
    expect(lines[1].data.tagsAdd.userErrors).toEqual([{ field: ["id"], message: "Resource not found" }]);
    expect(lines[2].errors[0]).toMatchObject({ message: expect.stringMatching(/^Variable \$tags of type \[String!\]! was provided invalid value/), extensions: { code: "INVALID_VARIABLE" } });
    const tags = (id: number) => standin.state.shops[SHOP].customers.find((c) => c.id === id)!.tags;
    expect(tags(customers[0])).toEqual(["bulk-a", "own"]);
    expect(tags(customers[1])).toEqual(["own"]);
    expect(tags(customers[2])).toEqual(["bulk-a", "bulk-b", "own"]);
    await waitFor(() => receiver.received.some((w) => w.path.endsWith("/bulk_operations/finish") && JSON.parse(w.rawBody).type === "mutation"));
  });

  it("answers an injected USER_ERROR fault in a line without applying it", async () => {
    standin.injectFault({ operation: "tagsAdd", kind: "USER_ERROR", message: "Try again later" });
    const path = await staged([{ id: `gid://shopify/Customer/${customers[1]}`, tags: ["late"] }, { id: `gid://shopify/Customer/${customers[1]}`, tags: ["later"] }]);
    const op = await finished((await run(TAGS_ADD, path)).body.data.bulkOperationRunMutation.bulkOperation.id);
    const lines = (await (await fetch(op.url)).text()).trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => l.data.tagsAdd.userErrors.map((e: { message: string }) => e.message))).toEqual([["Try again later"], []]);
    expect(standin.state.shops[SHOP].customers.find((c) => c.id === customers[1])!.tags).toEqual(["later", "own"]);
  });

  it("refuses what Shopify refuses", async () => {
    const path = await staged([{ id: `gid://shopify/Customer/${customers[0]}`, tags: ["x"] }]);
    const code = async (mutation: string, p: string) => (await run(mutation, p)).body.data.bulkOperationRunMutation.userErrors.map((e: { code: string }) => e.code);
    expect(await code(TAGS_ADD, "tmp/1/bulk/nope/vars.jsonl")).toEqual(["NO_SUCH_FILE"]);
    expect(await code(TAGS_ADD, `${path}-missing`)).toEqual(["NO_SUCH_FILE"]);
    expect(await code(`mutation { tagsAdd(id: "x", tags: []) { nme } }`, path)).toEqual(["INVALID_MUTATION"]);
    expect(await code(`query { shop { name } }`, path)).toEqual(["INVALID_MUTATION"]);
    expect(await code(`mutation($q: String!) { bulkOperationRunQuery(query: $q) { userErrors { message } } }`, path)).toEqual(["INVALID_MUTATION"]);
    const notJsonl = await stage();
    await upload(notJsonl, "id,tags\n1,x\n");
    expect(await code(TAGS_ADD, keyOf(notJsonl))).toEqual(["INVALID_STAGED_UPLOAD_FILE"]);
  });

  it("runs one bulk mutation at a time before 2026-01 and five from 2026-01", async () => {
    // A stand-in whose operations wait 2 s before running, so they are all in progress at once.
    const slow = await startShopifyStandin({ shop: SHOP, apiKey: "bulk-key", apiSecret: "bulk-secret", bulkDelayMs: 2000 });
    try {
      const c = await slow.createCustomer({ email: "slow@example.com" }, { shop: SHOP, webhooks: "none" });
      const stageRes = await adminGraphql(slow, STAGE, { input: [{ resource: "BULK_MUTATION_VARIABLES", filename: "v.jsonl", mimeType: "text/jsonl", httpMethod: "POST" }] }, { shop: SHOP });
      const target = stageRes.body.data.stagedUploadsCreate.stagedTargets[0];
      expect((await upload(target, JSON.stringify({ id: `gid://shopify/Customer/${c.id}`, tags: ["again"] }) + "\n")).status).toBe(201);
      const start = (version: string) => adminGraphql(slow, RUN, { m: TAGS_ADD, p: keyOf(target) }, { shop: SHOP, version }).then((r) => r.body.data.bulkOperationRunMutation);
      const first = await start("2025-10");
      expect(first.userErrors).toEqual([]);
      const second = await start("2025-10");
      expect(second.userErrors[0]).toMatchObject({ code: "OPERATION_IN_PROGRESS", message: expect.stringContaining(first.bulkOperation.id) });
      const newer = [];
      for (let i = 0; i < 4; i++) newer.push(await start("2026-10"));
      expect(newer.map((r) => r.userErrors)).toEqual([[], [], [], []]);
      expect((await start("2026-10")).userErrors[0].code).toBe("LIMIT_REACHED");
    } finally {
      await slow.close();
    }
  });
});
