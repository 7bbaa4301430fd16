// Look up, create, look again — against a fake Admin API that records the calls it gets.
import { describe, expect, it } from "vitest";
import { findOrCreateDiscountCode, type AdminCall, type CreatedDiscount } from "./discount-codes.server";

function fakeAdmin(existing: Map<string, string>) {
  const calls: string[] = [];
  const call: AdminCall = async <T>(document: string, variables: Record<string, unknown>) => {
    calls.push(/query (\w+)/.exec(document)?.[1] ?? "?");
    return { codeDiscountNodeByCode: existing.has(String(variables.code)) ? { id: existing.get(String(variables.code)) } : null } as T;
  };
  return { call, calls };
}

const creates = (answer: CreatedDiscount, then?: () => void) => async () => {
  then?.();
  return answer;
};

describe("findOrCreateDiscountCode", () => {
  it("finds a code an earlier attempt made without creating it again", async () => {
    const admin = fakeAdmin(new Map([["GIFT-1", "gid://shopify/DiscountCodeNode/1"]]));
    let created = 0;
    const issue = await findOrCreateDiscountCode(admin.call, "GIFT-1", creates({ userErrors: [] }, () => created++));
    expect(issue).toEqual({ status: "found", id: "gid://shopify/DiscountCodeNode/1" });
    expect(created).toBe(0);
  });

  it("creates a fresh code without looking it up first", async () => {
    const admin = fakeAdmin(new Map());
    const issue = await findOrCreateDiscountCode(admin.call, "GIFT-2", creates({ codeDiscountNode: { id: "gid://shopify/DiscountCodeNode/2" }, userErrors: [] }), { lookFirst: false });
    expect(issue).toEqual({ status: "created", id: "gid://shopify/DiscountCodeNode/2" });
    expect(admin.calls).toEqual([]);
  });

  it("takes a refusal as success when a concurrent request made the same code meanwhile", async () => {
    const existing = new Map<string, string>();
    const admin = fakeAdmin(existing);
    const issue = await findOrCreateDiscountCode(
      admin.call,
      "GIFT-3",
      creates({ userErrors: [{ message: "Code must be unique", code: "TAKEN" }] }, () => existing.set("GIFT-3", "gid://shopify/DiscountCodeNode/3")),
    );
    expect(issue).toEqual({ status: "found", id: "gid://shopify/DiscountCodeNode/3" });
    expect(admin.calls).toEqual(["DiscountByCode", "DiscountByCode"]);
  });

  it("reports a refusal with Shopify's messages, and whether the code was taken", async () => {
    const existing = new Map([["GIFT-4", "gid://shopify/DiscountCodeNode/99"]]);
    // Fresh: a code taken by someone else's discount must not be mistaken for ours.
    const fresh = await findOrCreateDiscountCode(fakeAdmin(existing).call, "GIFT-4", creates({ userErrors: [{ message: "Code must be unique", code: "TAKEN" }] }), {
      lookFirst: false,
      lookAgainWhenRefused: false,
    });
    expect(fresh).toEqual({ status: "refused", taken: true, message: "Code must be unique" });
    const invalid = await findOrCreateDiscountCode(fakeAdmin(new Map()).call, "GIFT-5", creates({ userErrors: [{ message: "Customer does not exist" }, { message: "Ends before it starts" }] }));
    expect(invalid).toEqual({ status: "refused", taken: false, message: "Customer does not exist; Ends before it starts" });
  });
});
