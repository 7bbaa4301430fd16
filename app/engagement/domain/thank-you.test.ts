import { describe, expect, it } from "vitest";
import { readFeedbackForm, thankYouMail } from "./thank-you";
import { feedbackToken, readFeedbackToken, type FeedbackClaim } from "./feedback-token";
import { unsubscribeToken } from "./unsubscribe-token";

const SECRET = "shh";
const claim: FeedbackClaim = { shop: "tea.myshopify.com", customerId: "42", orderId: "1001", orderName: "#1001", locale: "de" };

describe("the feedback link", () => {
  it("carries the shop, customer and order, signed; anything changed or signed otherwise is refused", () => {
    const token = feedbackToken(claim, SECRET);
    expect(readFeedbackToken(token, SECRET)).toEqual(claim);
    expect(readFeedbackToken(token, "another secret")).toBeNull();
    expect(readFeedbackToken(token.replace(/^./, (c) => (c === "A" ? "B" : "A")), SECRET)).toBeNull();
    expect(readFeedbackToken(`${token}.x`, SECRET)).toBeNull();
    // An unsubscribe token is worthless here, though signed with the same secret.
    expect(readFeedbackToken(unsubscribeToken({ shop: claim.shop, email: "a@b.c", category: "marketing", locale: "de" }, SECRET), SECRET)).toBeNull();
  });
});

describe("the feedback form", () => {
  it("takes 1 to 5 stars and an optional comment", () => {
    expect(readFeedbackForm({ rating: "4", comment: "  Schnell da.\r\nDanke " }, "de")).toEqual({ ok: true, value: { rating: 4, comment: "Schnell da.\nDanke" } });
    expect(readFeedbackForm({ rating: "5", comment: null }, "en")).toEqual({ ok: true, value: { rating: 5, comment: null } });
  });

  it("says what is wrong with a missing or impossible rating or a comment too long", () => {
    expect(readFeedbackForm({ rating: null, comment: "" }, "en")).toEqual({ ok: false, problem: "Please choose 1 to 5 stars." });
    expect(readFeedbackForm({ rating: "6", comment: "" }, "de")).toEqual({ ok: false, problem: "Bitte wählen Sie 1 bis 5 Sterne." });
    expect(readFeedbackForm({ rating: "3", comment: "x".repeat(2_001) }, "en")).toMatchObject({ ok: false, problem: expect.stringContaining("at most 2000") });
  });
});

describe("the thank-you mail", () => {
  const facts = { shopName: "Tea & Co", firstName: "Anna", balance: 42, nextReward: null, unsubscribeUrl: "https://app.example/u", orderName: "#1001", feedbackUrl: "https://app.example/feedback?t=x" };

  it("thanks for the first order and asks how it was, with the link as its button, in English and German", () => {
    const en = thankYouMail({ ...facts, locale: "en" });
    expect(en.subject).toBe("Thank you for your first order at Tea & Co");
    expect(en.text.replace(/\s+/g, " ")).toContain("Thank you for ordering from us. We hope you like your order #1001. How was it? One click helps us get better. By the way: you have already collected 42 points.");
    expect(en.text).toContain("Tell us how it was: https://app.example/feedback?t=x");
    expect(en.text).toContain("you agreed to hear from Tea & Co");
    const de = thankYouMail({ ...facts, locale: "de", balance: 0 });
    expect(de.subject).toBe("Danke für Ihre erste Bestellung bei Tea & Co");
    expect(de.text).toContain("Sagen Sie uns, wie es war: https://app.example/feedback?t=x");
    expect(de.text).not.toContain("Übrigens");
  });
});
