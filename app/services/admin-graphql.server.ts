// One way to call the Admin API: the library's authenticated client (admin.graphql), with
// GraphQL errors turned into one exception type that says which operation failed and why.
import type { AdminApiContext } from "@shopify/shopify-app-remix/server";

export type AdminGraphql = AdminApiContext["graphql"];

export class AdminApiError extends Error {
  constructor(
    readonly operation: string,
    readonly errors: unknown,
    readonly throttled = false,
  ) {
    super(`Shopify Admin API ${operation} failed: ${describeErrors(errors)}`);
    this.name = "AdminApiError";
  }
}

function describeErrors(errors: unknown): string {
  if (Array.isArray(errors)) return errors.map((e) => (e as { message?: string }).message ?? String(e)).join("; ");
  if (errors && typeof errors === "object" && "message" in errors) return String((errors as { message: unknown }).message);
  return typeof errors === "string" ? errors : JSON.stringify(errors);
}

function operationName(document: string): string {
  return /(?:query|mutation)\s+(\w+)/.exec(document)?.[1] ?? "operation";
}

export async function runAdminOperation<T>(
  graphql: AdminGraphql,
  document: string,
  variables?: Record<string, unknown>,
): Promise<T> {
  const name = operationName(document);
  let response: Response;
  try {
    response = await graphql(document, variables ? { variables } : undefined);
  } catch (error) {
    // The library throws GraphqlQueryError (with .body.errors) for GraphQL-level errors.
    const body = (error as { body?: { errors?: unknown } }).body;
    if (body?.errors) {
      const codes = JSON.stringify(body.errors);
      throw new AdminApiError(name, body.errors, codes.includes("THROTTLED"));
    }
    throw error;
  }
  const json = (await response.json()) as { data?: T; errors?: unknown };
  if (json.errors) throw new AdminApiError(name, json.errors, JSON.stringify(json.errors).includes("THROTTLED"));
  if (!json.data) throw new AdminApiError(name, "no data in the response");
  return json.data;
}
