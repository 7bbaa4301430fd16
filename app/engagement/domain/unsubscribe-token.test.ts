import { describe, expect, it } from "vitest";
import { readUnsubscribeToken, unsubscribeToken } from "./unsubscribe-token";

const claim = { shop: "tea.myshopify.com", email: "Anna@Example.com", category: "marketing" as const, locale: "de" as const };

describe("an unsubscribe link's token", () => {
  it("carries the shop, the address (lower case), the category and the language, signed", () => {
    const token = unsubscribeToken(claim, "secret");
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(readUnsubscribeToken(token, "secret")).toEqual({ ...claim, email: "anna@example.com" });
  });

  it("is refused when signed with another secret, changed, or cut short", () => {
    const token = unsubscribeToken(claim, "secret");
    expect(readUnsubscribeToken(token, "other")).toBeNull();
    const [body, mac] = token.split(".");
    const forged = Buffer.from(JSON.stringify(["tea.myshopify.com", "bob@example.com", "marketing", "de"])).toString("base64url");
    expect(readUnsubscribeToken(`${forged}.${mac}`, "secret")).toBeNull();
    expect(readUnsubscribeToken(body, "secret")).toBeNull();
    expect(readUnsubscribeToken(`${token}.x`, "secret")).toBeNull();
    expect(readUnsubscribeToken("", "secret")).toBeNull();
  });
});
