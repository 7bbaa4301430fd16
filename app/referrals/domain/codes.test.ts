import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isUnambiguous } from "~/rewards/domain/codes";
import { namePart, normaliseReferralCode, referralCodeCandidates, referralLink } from "./codes";

const seeded = (seed: number) => {
  // A small deterministic generator (mulberry32) so tests can replay the same codes.
  let a = seed >>> 0;
  return (count: number) =>
    Uint8Array.from({ length: count }, () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) & 0xff;
    });
};

describe("referral codes", () => {
  it("start with the member's first name, folded to ASCII capitals", () => {
    expect(namePart("Anna")).toBe("ANNA");
    expect(namePart("Jürgen")).toBe("JURGEN");
    expect(namePart("ANNE-MARIE")).toBe("ANNEMA");
    expect(namePart("Grüße")).toBe("GRUSSE");
    expect(namePart("Юлия")).toBe("");
    expect(namePart(null)).toBe("");
  });

  it("are deterministic for a given random source", () => {
    const first = [...referralCodeCandidates({ randomBytes: seeded(7), firstName: "Anna", maxAttempts: 3 })];
    const again = [...referralCodeCandidates({ randomBytes: seeded(7), firstName: "Anna", maxAttempts: 3 })];
    expect(first).toEqual(again);
    expect(first[0]).toMatch(/^ANNA-[2-9A-HJKMNP-Z]{4}$/);
  });

  it("collision retry: the caller takes the first candidate that is free; candidates grow longer after five tries", () => {
    const taken = new Set<string>();
    const candidates = [...referralCodeCandidates({ randomBytes: seeded(1), firstName: "Anna" })];
    expect(candidates).toHaveLength(20);
    expect(candidates.slice(0, 5).every((c) => c.length === "ANNA-".length + 4)).toBe(true);
    expect(candidates[5]!.length).toBe("ANNA-".length + 5);
    for (const c of candidates.slice(0, 3)) taken.add(c);
    const chosen = candidates.find((c) => !taken.has(c));
    expect(chosen).toBe(candidates[3]);
    // Without a usable name: six random symbols.
    const [plain] = referralCodeCandidates({ randomBytes: seeded(1), firstName: "李" });
    expect(plain).toMatch(/^[2-9A-HJKMNP-Z]{6}$/);
  });

  it("property: candidates are alphabet-valid and unique per member", () => {
    fc.assert(
      fc.property(fc.integer(), fc.option(fc.string({ maxLength: 12 })), (seed, name) => {
        const candidates = [...referralCodeCandidates({ randomBytes: seeded(seed), firstName: name })];
        const prefix = namePart(name);
        for (const code of candidates) {
          const random = prefix ? code.slice(prefix.length + 1) : code;
          if (prefix && !code.startsWith(`${prefix}-`)) return false;
          if (!isUnambiguous(random)) return false;
        }
        return new Set(candidates).size === candidates.length;
      }),
    );
  });

  it("are matched without regard to case or spaces", () => {
    expect(normaliseReferralCode("  anna-7k3q ")).toBe("ANNA-7K3Q");
  });
});

describe("referral links", () => {
  it("point at the shop with ?ref= or as a discount link", () => {
    expect(referralLink("treue-demo.myshopify.com", "ANNA-7K3Q")).toBe("https://treue-demo.myshopify.com/?ref=ANNA-7K3Q");
    expect(referralLink("https://Shop.Example.com/", "anna-7k3q", "discount")).toBe("https://shop.example.com/discount/ANNA-7K3Q");
  });

  it("refuse something that is not a domain", () => {
    expect(() => referralLink("not a domain", "X")).toThrow(RangeError);
    expect(() => referralLink("localhost", "X")).toThrow(RangeError);
  });
});
