import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isUnambiguous, randomCode, redemptionCode, redemptionCodesIn, UNAMBIGUOUS_ALPHABET } from "./codes";

/** A deterministic byte source: the bytes given, then repeating. */
const bytesFrom = (bytes: number[]) => {
  let i = 0;
  return (count: number) => Uint8Array.from({ length: count }, () => bytes[i++ % bytes.length]!);
};

describe("unambiguous codes", () => {
  it("the alphabet has no 0/O, 1/I/L and no repeats", () => {
    for (const ch of "0O1IL") expect(UNAMBIGUOUS_ALPHABET).not.toContain(ch);
    expect(new Set(UNAMBIGUOUS_ALPHABET).size).toBe(31);
  });

  it("maps bytes to symbols and skips the biased top bytes (248–255)", () => {
    expect(randomCode(4, bytesFrom([0, 1, 30, 31]))).toBe("23Z2");
    expect(randomCode(3, bytesFrom([255, 248, 5, 250, 6, 7]))).toBe("789");
  });

  it("refuses a random source that never yields a usable byte", () => {
    expect(() => randomCode(4, bytesFrom([255]))).toThrow(/no usable bytes/);
  });

  it("redemption codes look like TREUE-XXXX-XXXX", () => {
    expect(redemptionCode(bytesFrom([0, 1, 2, 3, 4, 5, 6, 7]))).toBe("TREUE-2345-6789");
    expect(redemptionCode(bytesFrom([8]), "VIP")).toBe("VIP-AAAA-AAAA");
  });

  it("property: every code has the asked length and only alphabet symbols, whatever the bytes", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 24 }), fc.uint8Array({ minLength: 1, maxLength: 64 }), (length, bytes) => {
        fc.pre(bytes.some((b) => b < 248));
        const code = randomCode(length, bytesFrom([...bytes]));
        return code.length === length && isUnambiguous(code);
      }),
    );
  });

  it("property: redemption codes are unique across 20,000 draws from a real random source", () => {
    const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
    const codes = new Set(Array.from({ length: 20_000 }, () => redemptionCode(random)));
    expect(codes.size).toBe(20_000);
    for (const code of codes) expect(code).toMatch(/^TREUE-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
  });

  it("symbols are evenly used (no modulo bias)", () => {
    const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
    const counts = new Map<string, number>();
    for (const ch of randomCode(31_000, random)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    expect(counts.size).toBe(31);
    // Expected 1000 each; 6 standard deviations (≈ 190) is far outside chance.
    for (const n of counts.values()) expect(Math.abs(n - 1000)).toBeLessThan(190);
  });
});

describe("redemption codes on an order", () => {
  it("finds our codes in an order's discount_codes, whatever the case, once each", () => {
    expect(
      redemptionCodesIn([
        { code: "treue-7kq2-m9px", amount: "5.00", type: "fixed_amount" },
        { code: "TREUE-7KQ2-M9PX" },
        { code: "SUMMER10" },
        { code: "TREUE-7KQ2-M9P0" }, // 0 is not in the alphabet
        { code: "TREUE-7KQ2-M9PXX" },
        null,
        { code: 42 },
      ]),
    ).toEqual(["TREUE-7KQ2-M9PX"]);
    expect(redemptionCodesIn(undefined)).toEqual([]);
    expect(redemptionCodesIn([])).toEqual([]);
    expect(redemptionCodesIn("TREUE-7KQ2-M9PX")).toEqual([]);
  });
});
