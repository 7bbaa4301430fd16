// Creating a discount code in Shopify when an earlier attempt's answer may have been lost: look the code up,
// create it, and on a refusal look again (a concurrent request for the same code may have made it). Used by
// redemptions, referral codes and member discount codes, each with its own policy for one Admin call
// (throttle waits and timeouts at the checkout, a call budget in the jobs).
import { DISCOUNT_BY_CODE_QUERY } from "~/rewards/graphql/DiscountByCode";
import type { DiscountByCodeQuery } from "~/types/admin.generated";

/** Runs one Admin operation under the caller's policy; throws when it can't be answered. */
export type AdminCall = <T>(document: string, variables: Record<string, unknown>) => Promise<T>;

/** What a create mutation answers (discountCodeBasicCreate, discountCodeFreeShippingCreate, …). */
export interface CreatedDiscount {
  codeDiscountNode?: { id: string } | null;
  userErrors: { message: string; code?: string | null }[];
}

export type CodeIssue =
  | { status: "found"; id: string } // it was there already (an earlier attempt made it)
  | { status: "created"; id: string }
  | { status: "refused"; taken: boolean; message: string };

/** The discount's GID for a code, or null when Shopify has none. */
export async function discountIdByCode(call: AdminCall, code: string): Promise<string | null> {
  const found = await call<DiscountByCodeQuery>(DISCOUNT_BY_CODE_QUERY, { code });
  return found.codeDiscountNodeByCode?.id ?? null;
}

/**
 * Finds or creates `code`. `lookFirst: false` for a code drawn by this very request (it can't exist yet: one
 * call instead of two). `lookAgainWhenRefused: false` when a refusal can't mean our own earlier attempt (a
 * fresh code taken by someone else's discount must not be taken for ours).
 */
export async function findOrCreateDiscountCode(
  call: AdminCall,
  code: string,
  create: () => Promise<CreatedDiscount | null | undefined>,
  { lookFirst = true, lookAgainWhenRefused = true }: { lookFirst?: boolean; lookAgainWhenRefused?: boolean } = {},
): Promise<CodeIssue> {
  if (lookFirst) {
    const id = await discountIdByCode(call, code);
    if (id) return { status: "found", id };
  }
  const created = await create();
  const errors = created?.userErrors ?? [];
  const id = created?.codeDiscountNode?.id;
  // Created means Shopify named the new discount; an answer without errors and without it is looked into.
  if (errors.length === 0 && id) return { status: "created", id };
  if (lookAgainWhenRefused) {
    const again = await discountIdByCode(call, code);
    if (again) return { status: "found", id: again };
  }
  return {
    status: "refused",
    taken: errors.some((e) => e.code === "TAKEN"),
    message: errors.map((e) => e.message).join("; ") || "no discount returned",
  };
}

/** The deleted discount's GID from a discounts/delete payload (any discount type), or null. */
export function deletedDiscountId(payload: unknown): string | null {
  const id = (payload as { admin_graphql_api_id?: unknown } | null)?.admin_graphql_api_id;
  return typeof id === "string" && id.startsWith("gid://shopify/") ? id : null;
}
