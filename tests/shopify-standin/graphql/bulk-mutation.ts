// Bulk mutation operations: validate the mutation and the staged variables file like Shopify, then
// run the mutation once per JSONL line against the state in the background (each line's variables
// checked against the schema like a request's), writing one result line per input line
// (`{"data":…,"__lineNumber":n}`, or `"errors"` for a line whose variables are invalid), and send
// `bulk_operations/finish` as for bulk queries.
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import readline from "node:readline";
import { Kind, parse, type DocumentNode, type OperationDefinitionNode } from "graphql";
import { bulkFinishJson } from "../rest";
import { nextId, type ShopState, type StandinBulkOperation } from "../state";
import { isoUtc } from "../time";
import type { GqlContext, StandinCore } from "./context";
import { checkVariables, validateDocument } from "./errors";
import { run } from "./exec";
import { stagedFilePath, stagedPrefix } from "./staged-uploads";
import { BulkOperationView } from "./views";

/** From 2026-01 Shopify runs up to five bulk mutations per shop at once; before, one. */
export function bulkMutationLimit(version: string): number {
  return version === "unstable" || version >= "2026-01" ? 5 : 1;
}

const LINES_PER_TICK = 200;
const running = (b: StandinBulkOperation) => b.status === "CREATED" || b.status === "RUNNING" || b.status === "CANCELING";

type BulkMutationErrorCode = "INVALID_MUTATION" | "INVALID_STAGED_UPLOAD_FILE" | "NO_SUCH_FILE" | "OPERATION_IN_PROGRESS" | "LIMIT_REACHED";
const refuse = (code: BulkMutationErrorCode, message: string, field: string[] | null = null) => ({ bulkOperation: null, userErrors: [{ field, message, code }] });

/** `mutationRoot`: the resolvers each line runs against (passed in by mutations.ts, which holds them). */
export async function runBulkMutation(ctx: GqlContext, args: Record<string, any>, mutationRoot: unknown) {
  const version = ctx.version ?? ctx.core.apiVersion;
  const busy = ctx.shop.bulkOperations.filter((b) => b.type === "MUTATION" && running(b));
  const limit = bulkMutationLimit(version);
  if (busy.length >= limit) {
    return limit === 1
      ? refuse("OPERATION_IN_PROGRESS", `A bulk mutation operation for this app and shop is already in progress: gid://shopify/BulkOperation/${busy[0].id}.`)
      : refuse("LIMIT_REACHED", `Bulk operations limit reached: ${limit} bulk mutation operations are already running for this app and shop.`);
  }
  const mutation = String(args.mutation);
  let doc: DocumentNode;
  try {
    doc = parse(mutation);
  } catch (e) {
    return refuse("INVALID_MUTATION", `Failed to parse the mutation - ${(e as Error).message.replace(/^Syntax Error:\s*/, "")}`, ["mutation"]);
  }
  const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (ops.length !== 1 || ops[0].operation !== "mutation") return refuse("INVALID_MUTATION", "Bulk mutations must contain exactly one mutation operation.", ["mutation"]);
  const invalid = validateDocument(ctx.schema, doc);
  if (invalid.length) return refuse("INVALID_MUTATION", `Failed to parse the mutation - ${invalid[0].message}`, ["mutation"]);
  // The stand-in is strict where the guide is vague: one root field, and never a bulk operation itself.
  const roots = ops[0].selectionSet.selections;
  if (roots.length !== 1 || roots[0].kind !== Kind.FIELD) return refuse("INVALID_MUTATION", "Bulk mutations must contain exactly one mutation field.", ["mutation"]);
  const rootName = roots[0].name.value;
  if (/^bulkOperation/.test(rootName) || rootName === "stagedUploadsCreate") {
    return refuse("INVALID_MUTATION", `${rootName} can't be run as a bulk mutation.`, ["mutation"]);
  }

  const key = String(args.stagedUploadPath);
  if (!key.startsWith(stagedPrefix(ctx))) {
    return refuse("NO_SUCH_FILE", `Unexpected error - ${key} not valid for shop ${ctx.shop.info.id}, bucket bulk/`, ["stagedUploadPath"]);
  }
  const path = stagedFilePath(ctx.core, key);
  if (!(await stat(path).catch(() => null))) return refuse("NO_SUCH_FILE", `The JSONL file could not be found: ${key}`, ["stagedUploadPath"]);
  let lines = 0;
  for await (const line of readline.createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    if (!line.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      value = undefined;
    }
    if (!value || typeof value !== "object" || Array.isArray(value)) return refuse("INVALID_STAGED_UPLOAD_FILE", "Unexpected file structure - expected JSONL", ["stagedUploadPath"]);
    lines++;
  }
  if (lines === 0) return refuse("INVALID_STAGED_UPLOAD_FILE", "Unexpected file structure - expected JSONL", ["stagedUploadPath"]);

  const b: StandinBulkOperation = {
    id: nextId(ctx.shop), type: "MUTATION", status: "CREATED", errorCode: null, query: mutation, createdAt: isoUtc(), completedAt: null,
    objectCount: 0, rootObjectCount: 0, fileSize: null, file: null,
  };
  ctx.shop.bulkOperations.push(b);
  void ctx.core.track(execute(ctx, ctx.shop, b, doc, ops[0], path, mutationRoot));
  return { bulkOperation: new BulkOperationView(b), userErrors: [] };
}

async function execute(base: GqlContext, shop: ShopState, b: StandinBulkOperation, doc: DocumentNode, op: OperationDefinitionNode, input: string, mutationRoot: unknown): Promise<void> {
  const core: StandinCore = base.core;
  const finish = async () => {
    b.completedAt = isoUtc();
    await core.emitWebhook(shop, "bulk_operations/finish", bulkFinishJson(b, shop)).catch(() => undefined);
  };
  const file = `${b.id}.jsonl`;
  const out = join(core.bulkDir, file);
  try {
    await core.sleep(core.bulkDelayMs);
    if ((b.status as string) === "CANCELING") {
      b.status = "CANCELED";
      return finish();
    }
    b.status = "RUNNING";
    await core.sleep(core.bulkDelayMs);
    await mkdir(core.bulkDir, { recursive: true });
    const stream = createWriteStream(out);
    let bytes = 0;
    const write = (text: string) => new Promise<void>((resolve, reject) => {
      bytes += Buffer.byteLength(text);
      stream.write(text, (err) => (err ? reject(err) : resolve()));
    });
    let lineNumber = 0;
    let pending: string[] = [];
    for await (const line of readline.createInterface({ input: createReadStream(input), crlfDelay: Infinity })) {
      if (!line.trim()) continue;
      if ((b.status as string) === "CANCELING") break;
      const variables = JSON.parse(line) as Record<string, unknown>;
      const ctx: GqlContext = { core, schema: base.schema, shop, version: base.version, searchWarnings: [] };
      const problems = checkVariables(base.schema, op, variables);
      let result: Record<string, unknown>;
      if (problems.length) result = { errors: problems };
      else {
        const r = await run(ctx, doc, mutationRoot, variables);
        result = r.errors?.length ? { errors: r.errors.map((e) => e.toJSON()), data: r.data ?? null } : { data: r.data };
      }
      pending.push(JSON.stringify({ ...result, __lineNumber: lineNumber }));
      lineNumber++;
      b.objectCount++;
      b.rootObjectCount++;
      if (pending.length >= LINES_PER_TICK) {
        await write(pending.join("\n") + "\n");
        pending = [];
        // Let the stand-in answer polls and other requests while a big import runs.
        await new Promise((r) => setImmediate(r));
      }
    }
    if (pending.length) await write(pending.join("\n") + "\n");
    await new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
    if ((b.status as string) === "CANCELING") {
      b.status = "CANCELED";
      b.partialFile = file;
    } else {
      b.status = "COMPLETED";
      b.file = file;
      b.fileSize = bytes;
    }
    return finish();
  } catch {
    b.status = "FAILED";
    b.errorCode = "INTERNAL_SERVER_ERROR";
    await unlink(out).catch(() => undefined);
    return finish();
  }
}
