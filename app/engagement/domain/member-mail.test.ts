import { describe, expect, it } from "vitest";
import { mailLocale, mayReceive, pointsEarnedMail, type PointsEarnedFacts, type Suppression } from "./member-mail";

const member = { email: "anna@example.com", redacted: false, emailMarketing: "not_subscribed" };
const facts: PointsEarnedFacts = {
  shopName: "Tea & Co",
  locale: "en",
  firstName: "Anna",
  points: 120,
  balance: 380,
  orderName: "#1001",
  spendableFrom: null,
  timeZone: "Europe/Berlin",
  nextReward: { title: "€5.00 off", pointsCost: 500 },
  accountUrl: "https://tea.example/account",
  unsubscribeUrl: "https://app.example/mail/unsubscribe?t=abc",
};

describe("who may get a member e-mail", () => {
  it("sends service mail to every member with an address who did not opt out of it", () => {
    expect(mayReceive("service", member, [])).toEqual({ send: true });
    expect(mayReceive("service", { ...member, email: null }, [])).toEqual({ send: false, reason: "no-address" });
    expect(mayReceive("service", { ...member, redacted: true }, [])).toEqual({ send: false, reason: "erased" });
    const service: Suppression = { category: "service", reason: "unsubscribe" };
    expect(mayReceive("service", member, [service])).toEqual({ send: false, reason: "unsubscribed" });
  });

  it("sends marketing only with the customer's consent, and an opt-out of marketing leaves service mail", () => {
    expect(mayReceive("marketing", member, [])).toEqual({ send: false, reason: "no-consent" });
    const consenting = { ...member, emailMarketing: "subscribed" };
    expect(mayReceive("marketing", consenting, [])).toEqual({ send: true });
    const marketing: Suppression = { category: "marketing", reason: "unsubscribe" };
    expect(mayReceive("marketing", consenting, [marketing])).toEqual({ send: false, reason: "unsubscribed" });
    expect(mayReceive("service", consenting, [marketing])).toEqual({ send: true });
  });

  it("sends nothing at all to an address that bounced or complained", () => {
    const bounce: Suppression = { category: "all", reason: "bounce" };
    expect(mayReceive("service", member, [bounce])).toEqual({ send: false, reason: "bounced" });
    expect(mayReceive("marketing", { ...member, emailMarketing: "subscribed" }, [bounce])).toEqual({ send: false, reason: "bounced" });
  });
});

describe("the points-earned e-mail", () => {
  it("names the points, the order, the balance and how far the next reward is, in English and German", () => {
    const en = pointsEarnedMail(facts);
    expect(en.subject).toBe("You earned 120 points at Tea & Co");
    expect(en.text).toContain("Hi Anna,");
    expect(en.text).toContain("Thank you for your order #1001: you earned 120 points.");
    expect(en.text).toContain("Your balance: 380 points.");
    expect(en.text).toContain("120 points more for €5.00 off.");
    expect(en.text).toContain("See and spend your points: https://tea.example/account");
    expect(en.text).toContain("https://app.example/mail/unsubscribe?t=abc");
    const de = pointsEarnedMail({ ...facts, locale: "de", points: 1, balance: 1_500, firstName: null });
    expect(de.subject).toBe("Sie haben 1 Punkt bei Tea & Co gesammelt");
    expect(de.text).toContain("Hallo,");
    expect(de.text).toContain("Ihr Punktestand: 1.500 Punkte.");
    expect(de.text).toContain("Das reicht für: €5.00 off.");
  });

  it("says from when pending points can be spent, on the shop's calendar", () => {
    const mail = pointsEarnedMail({ ...facts, spendableFrom: new Date("2026-12-20T23:30:00Z") });
    expect(mail.text).toContain("You can spend them from 21 December 2026.");
  });

  it("escapes what the shop and buyer wrote in the HTML part", () => {
    const mail = pointsEarnedMail({ ...facts, shopName: "<Tea & Co>", firstName: '"><script>' });
    expect(mail.html).toContain("&lt;Tea &amp; Co&gt;");
    expect(mail.html).not.toContain("<script>");
    expect(mail.html).toContain('lang="en"');
  });

  it("writes German for any German buyer locale and English for the rest", () => {
    expect([mailLocale("de"), mailLocale("de-AT"), mailLocale("fr"), mailLocale(null), mailLocale("")]).toEqual(["de", "de", "en", "en", "en"]);
  });
});

describe("the win-back e-mail", () => {
  it("names the bonus points, the balance and the next reward, in the member's language, with a way out of offers", async () => {
    const { winBackMail } = await import("./win-back-mail");
    const base = { shopName: "Tea & Co", firstName: "Lena", points: 200, balance: 650, nextReward: { title: "€5.00 off", pointsCost: 500 }, shopUrl: "https://tea.example", unsubscribeUrl: "https://app.example/u?t=x" };
    const en = winBackMail({ ...base, locale: "en" });
    expect(en.subject).toBe("We miss you at Tea & Co: 200 points for you");
    expect(en.text).toContain("Hi Lena,");
    expect(en.text).toContain("We have added 200 points to your account.");
    expect(en.text).toContain("Your balance: 650 points.");
    expect(en.text).toContain("That is enough for: €5.00 off.");
    expect(en.text).toContain("No more offers: https://app.example/u?t=x");
    const de = winBackMail({ ...base, locale: "de", balance: 300 });
    expect(de.subject).toBe("Wir vermissen Sie bei Tea & Co: 200 Punkte für Sie");
    expect(de.text).toContain("Noch 200 Punkte bis €5.00 off.");
    expect(de.html).toContain("Tea &amp; Co");
  });
});

describe("the points-expiring e-mail", () => {
  it("says how many points expire on which day of the shop's calendar, and what the balance buys", async () => {
    const { pointsExpiringMail } = await import("./points-expiring-mail");
    const base = { shopName: "Tea & Co", firstName: null, points: 300, balance: 520, timeZone: "Europe/Berlin", nextReward: { title: "€5.00 off", pointsCost: 500 }, accountUrl: "https://tea.example/account", unsubscribeUrl: "https://app.example/u?t=x" };
    // 23:30 UTC on 30 December is already 31 December in Berlin.
    const en = pointsExpiringMail({ ...base, locale: "en", expiresAt: new Date("2026-12-30T23:30:00Z") });
    expect(en.subject).toBe("300 points at Tea & Co expire on 31 December 2026");
    expect(en.text).toContain("300 points in your account expire on 31 December 2026 unless you spend them before.");
    expect(en.text).toContain("That is enough for: €5.00 off.");
    const de = pointsExpiringMail({ ...base, locale: "de", expiresAt: new Date("2026-12-30T23:30:00Z") });
    expect(de.subject).toBe("300 Punkte bei Tea & Co verfallen am 31. Dezember 2026");
    expect(de.text).toContain("Punkte jetzt einlösen: https://tea.example/account");
  });
});
