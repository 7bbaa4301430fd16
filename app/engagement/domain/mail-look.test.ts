import { describe, expect, it } from "vitest";
import { checkBrand, checkWording, fillPlaceholders, lookFor, textColourOn } from "./mail-look";
import { pointsEarnedMail } from "./member-mail";

describe("checkBrand", () => {
  it("takes an https logo and a #RRGGBB colour, empty for none", () => {
    expect(checkBrand({ logoUrl: " https://cdn.example/logo.png ", accentColor: "#1F6F43" })).toEqual({ brand: { logoUrl: "https://cdn.example/logo.png", accentColor: "#1f6f43" }, problems: [] });
    expect(checkBrand({ logoUrl: "", accentColor: "" })).toEqual({ brand: { logoUrl: null, accentColor: null }, problems: [] });
  });

  it("refuses a logo that is not https, too long, and a colour that is not #RRGGBB", () => {
    expect(checkBrand({ logoUrl: "http://cdn.example/logo.png", accentColor: "green" }).problems).toEqual([
      { field: "logoUrl", code: "not-https" },
      { field: "accentColor", code: "not-a-colour" },
    ]);
    expect(checkBrand({ logoUrl: "javascript:alert(1)", accentColor: "#12345" }).problems.map((p) => p.code)).toEqual(["not-https", "not-a-colour"]);
    expect(checkBrand({ logoUrl: `https://cdn.example/${"a".repeat(500)}`, accentColor: "" }).problems).toEqual([{ field: "logoUrl", code: "too-long" }]);
  });
});

describe("checkWording", () => {
  it("keeps text with known placeholders, and empty as the app's own", () => {
    expect(checkWording("subject", "  {first_name}, {points} points at {shop}  ")).toEqual({ value: "{first_name}, {points} points at {shop}", problems: [] });
    expect(checkWording("intro", "  \n ")).toEqual({ value: null, problems: [] });
    expect(checkWording("intro", "Thank you!\r\n\r\nYour {balance} points wait.")).toEqual({ value: "Thank you!\n\nYour {balance} points wait.", problems: [] });
  });

  it("names an unknown placeholder, a lone brace, a subject over two lines or too long", () => {
    expect(checkWording("subject", "Hi {name}").problems).toEqual([{ field: "subject", code: "unknown-placeholder", name: "name" }]);
    expect(checkWording("intro", "Use {points points").problems).toEqual([{ field: "intro", code: "unbalanced-brace" }]);
    expect(checkWording("subject", "one\ntwo").problems).toEqual([{ field: "subject", code: "line-break" }]);
    expect(checkWording("subject", "x".repeat(151)).problems).toEqual([{ field: "subject", code: "too-long", max: 150 }]);
    expect(checkWording("intro", "x".repeat(1_000)).problems).toEqual([]);
  });
});

describe("placeholders and colours", () => {
  it("fills placeholders with the member's values, an unknown value as nothing", () => {
    expect(fillPlaceholders("Hi {first_name}, {points} points at {shop}", { first_name: "Anna", points: "1,250", shop: "Tea & Co" })).toBe("Hi Anna, 1,250 points at Tea & Co");
    expect(fillPlaceholders("Hi {first_name}, welcome", { first_name: "" })).toBe("Hi , welcome");
    expect(lookFor({ logoUrl: null, accentColor: null }, { subject: "{tier}", intro: null }, {}).wording).toEqual({ subject: null, intro: null });
  });

  it("writes black on light colours and white on dark ones", () => {
    expect(textColourOn("#202223")).toBe("#ffffff");
    expect(textColourOn("#ffd700")).toBe("#000000");
    expect(textColourOn("#1f6f43")).toBe("#ffffff");
  });
});

describe("a mail in the merchant's look", () => {
  const mail = (look?: Parameters<typeof lookFor>) =>
    pointsEarnedMail({
      shopName: "Tea & Co",
      locale: "en",
      firstName: "Anna",
      balance: 420,
      nextReward: null,
      unsubscribeUrl: "https://app.example/u",
      points: 120,
      orderName: "#1001",
      spendableFrom: null,
      timeZone: "UTC",
      accountUrl: "https://tea.example/account",
      ...(look ? { look: lookFor(...look) } : {}),
    });

  it("has the logo, the colour, the merchant's subject and note, and still every fact", () => {
    const m = mail([{ logoUrl: "https://cdn.example/logo.png", accentColor: "#ffd700" }, { subject: "{first_name}, {points} points for you", intro: "Thanks for shopping small.\n\n<b>Yours</b>, Kim" }, { first_name: "Anna", points: "120" }]);
    expect(m.subject).toBe("Anna, 120 points for you");
    expect(m.html).toContain('<img src="https://cdn.example/logo.png" alt="Tea &amp; Co"');
    expect(m.html).toContain("background:#ffd700;color:#000000");
    expect(m.html).toContain("<p>Thanks for shopping small.</p>");
    expect(m.html).toContain("<p>&lt;b&gt;Yours&lt;/b&gt;, Kim</p>");
    expect(m.text).toMatch(/Hi Anna,\n\nThanks for shopping small\.\n\n<b>Yours<\/b>, Kim\n\nThank you for your order #1001: you earned 120 points\./);
    expect(m.text).toContain("Your balance: 420 points.");
  });

  it("looks as before without a look", () => {
    const m = mail();
    expect(m.subject).toBe("You earned 120 points at Tea & Co");
    expect(m.html).toContain('<h1 style="font-size:20px;margin:0 0 16px">Tea &amp; Co</h1>');
    expect(m.html).toContain("background:#202223;color:#ffffff");
  });
});
