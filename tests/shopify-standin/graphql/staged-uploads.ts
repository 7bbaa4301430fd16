// Staged uploads for bulk mutation variables: `stagedUploadsCreate` hands out a signed form POST
// target (as Shopify's points at Google Cloud Storage, this one points at the stand-in's
// `POST /staged-uploads`), the upload stores the file, and `bulkOperationRunMutation` reads it
// back by its `key` (the staged upload path).
import { createHash, createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { GraphQLError } from "graphql";
import type { GqlContext, StandinCore } from "./context";

/** Shopify's limit on a bulk mutation's variables file. */
export const MAX_STAGED_BYTES = 100 * 1024 * 1024;
const TARGET_TTL_MS = 60 * 60 * 1000;

type Args = Record<string, any>;

const sign = (core: StandinCore, policy: string) => createHmac("sha256", core.apiSecret).update(`staged:${policy}`).digest("hex");

/** Where an uploaded file lives on disk, by its key. */
export function stagedFilePath(core: StandinCore, key: string): string {
  return join(core.bulkDir, "staged", `${createHash("sha256").update(key).digest("hex").slice(0, 40)}.jsonl`);
}

/** The prefix of every key this shop was given; a path outside it is "not valid for shop". */
export const stagedPrefix = (ctx: { shop: GqlContext["shop"] }) => `tmp/${ctx.shop.info.id}/bulk/`;

export function stagedUploadsCreate(args: Args, ctx: GqlContext) {
  const inputs = args.input as Args[];
  const targets: unknown[] = [];
  const userErrors: { field: string[]; message: string }[] = [];
  inputs.forEach((input, i) => {
    if (input.resource !== "BULK_MUTATION_VARIABLES") {
      throw new GraphQLError(`stagedUploadsCreate for resource ${input.resource} is not implemented by the Shopify stand-in`, {
        extensions: { code: "STANDIN_NOT_IMPLEMENTED" },
      });
    }
    if (input.httpMethod && input.httpMethod !== "POST") {
      throw new GraphQLError("stagedUploadsCreate with httpMethod PUT is not implemented by the Shopify stand-in", { extensions: { code: "STANDIN_NOT_IMPLEMENTED" } });
    }
    const filename = String(input.filename ?? "").trim();
    if (!filename) {
      userErrors.push({ field: ["input", String(i), "filename"], message: "Filename can't be blank" });
      return;
    }
    const key = `${stagedPrefix(ctx)}${randomUUID()}/${filename.replace(/[^\w.-]/g, "_")}`;
    const policy = Buffer.from(JSON.stringify({
      expiration: new Date(Date.now() + TARGET_TTL_MS).toISOString(),
      conditions: [{ key }, { "Content-Type": input.mimeType }, ["content-length-range", 1, MAX_STAGED_BYTES]],
    })).toString("base64");
    targets.push({
      url: `${ctx.core.url()}/staged-uploads/`,
      resourceUrl: null,
      parameters: [
        { name: "key", value: key },
        { name: "Content-Type", value: String(input.mimeType) },
        { name: "success_action_status", value: "201" },
        { name: "acl", value: "private" },
        { name: "policy", value: policy },
        { name: "x-goog-algorithm", value: "GOOG4-HMAC-SHA256" },
        { name: "x-goog-signature", value: sign(ctx.core, policy) },
      ].map((p) => ({ __typename: "StagedUploadParameter", ...p })),
      __typename: "StagedMediaUploadTarget",
    });
  });
  return { stagedTargets: userErrors.length ? [] : targets, userErrors };
}

export interface UploadReply { status: number; body: string; contentType: string }

const xmlError = (status: number, code: string, message: string): UploadReply => ({
  status,
  contentType: "application/xml",
  body: `<?xml version='1.0' encoding='UTF-8'?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
});

/** The storage side of a staged upload: a multipart form POST with the target's parameters and `file` last. */
export async function acceptStagedUpload(core: StandinCore, body: Buffer, contentType: string, origin: string): Promise<UploadReply> {
  if (!contentType.startsWith("multipart/form-data")) return xmlError(400, "InvalidArgument", "POST requires a multipart/form-data body.");
  if (body.length > MAX_STAGED_BYTES + 64 * 1024) return xmlError(400, "EntityTooLarge", "Your proposed upload is larger than the maximum object size specified in your Policy Document.");
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(body), { headers: { "content-type": contentType } }).formData();
  } catch {
    return xmlError(400, "InvalidArgument", "The multipart body could not be parsed.");
  }
  const field = (name: string) => {
    const v = form.get(name);
    return typeof v === "string" ? v : null;
  };
  const policy = field("policy");
  const signature = field("x-goog-signature");
  const key = field("key");
  if (!policy || !signature || !key) return xmlError(400, "InvalidArgument", "key, policy and x-goog-signature are required.");
  const expected = Buffer.from(sign(core, policy));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return xmlError(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.");
  }
  let parsed: { expiration: string; conditions: unknown[] };
  try {
    parsed = JSON.parse(Buffer.from(policy, "base64").toString("utf8"));
  } catch {
    return xmlError(400, "InvalidPolicyDocument", "The content of the form does not meet the conditions specified in the policy document.");
  }
  if (Date.parse(parsed.expiration) < Date.now()) return xmlError(400, "InvalidPolicyDocument", "The policy document has expired.");
  const policyKey = (parsed.conditions.find((c) => c && typeof c === "object" && "key" in (c as object)) as { key?: string } | undefined)?.key;
  if (policyKey !== key) return xmlError(403, "AccessDenied", "Invalid according to Policy: Policy Condition failed: [\"eq\", \"$key\"]");
  const file = form.get("file");
  if (!file || typeof file === "string") return xmlError(400, "InvalidArgument", "The form has no file field.");
  const bytes = Buffer.from(await file.arrayBuffer());
  if (bytes.length < 1 || bytes.length > MAX_STAGED_BYTES) return xmlError(400, "EntityTooLarge", "Your proposed upload is larger than the maximum object size specified in your Policy Document.");
  const path = stagedFilePath(core, key);
  await mkdir(join(core.bulkDir, "staged"), { recursive: true });
  await writeFile(path, bytes);
  if (field("success_action_status") === "201") {
    return {
      status: 201,
      contentType: "application/xml",
      body: `<?xml version="1.0" encoding="UTF-8"?><PostResponse><Location>${origin}/staged-uploads/${key}</Location><Bucket>shopify-staged-uploads</Bucket><Key>${key}</Key><ETag>"${createHash("md5").update(bytes).digest("hex")}"</ETag></PostResponse>`,
    };
  }
  return { status: 204, body: "", contentType: "text/plain" };
}
