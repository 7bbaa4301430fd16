import { describe, expect, it } from "vitest";
import { restIdOf } from "./rest-id";

describe("restIdOf", () => {
  it("reads a REST id from a number or a digit string", () => {
    expect(restIdOf(7_000_000_000_001)).toBe("7000000000001");
    expect(restIdOf("450789469")).toBe("450789469");
  });

  it("refuses what is not one: unsafe or negative numbers, other strings, anything else", () => {
    expect(restIdOf(2 ** 53)).toBeNull();
    expect(restIdOf(-4)).toBeNull();
    expect(restIdOf(1.5)).toBeNull();
    expect(restIdOf("abc")).toBeNull();
    expect(restIdOf("gid://shopify/Order/1")).toBeNull();
    expect(restIdOf("")).toBeNull();
    expect(restIdOf(null)).toBeNull();
    expect(restIdOf(undefined)).toBeNull();
  });
});
