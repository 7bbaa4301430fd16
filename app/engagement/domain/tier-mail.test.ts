import { describe, expect, it } from "vitest";
import type { VipTier } from "~/points/domain/program";
import { tierDirection, tierMail, type RecordedTierChange, type TierMailFacts } from "./tier-mail";

const TIERS: VipTier[] = [
  { id: "silver", name: "Silver", thresholdMinor: 50_000, multiplierPercent: 125 },
  { id: "gold", name: "Gold", thresholdMinor: 200_000, multiplierPercent: 150 },
];
const JAN = new Date("2027-01-10T12:00:00Z");
const NEXT_JAN = new Date("2028-01-10T12:00:00Z");

const change = (c: Partial<RecordedTierChange>): RecordedTierChange => ({ fromTierId: null, toTierId: null, fromPeriodEnd: null, toPeriodEnd: null, source: null, ...c });

describe("tierDirection", () => {
  it("calls joining a tier or a higher one up, a lower one or none down", () => {
    expect(tierDirection(change({ toTierId: "silver", toPeriodEnd: JAN }), TIERS)).toBe("up");
    expect(tierDirection(change({ fromTierId: "silver", toTierId: "gold" }), TIERS)).toBe("up");
    expect(tierDirection(change({ fromTierId: "gold", toTierId: "silver" }), TIERS)).toBe("down");
    expect(tierDirection(change({ fromTierId: "silver", toTierId: null }), TIERS)).toBe("down");
  });

  it("calls the same tier with a later period end kept, only when the program's review renewed it", () => {
    expect(tierDirection(change({ fromTierId: "gold", toTierId: "gold", fromPeriodEnd: JAN, toPeriodEnd: NEXT_JAN }), TIERS)).toBe("kept");
    // Flow setting the tier again, a period moved earlier, or no period: no news.
    expect(tierDirection(change({ fromTierId: "gold", toTierId: "gold", fromPeriodEnd: JAN, toPeriodEnd: NEXT_JAN, source: "flow" }), TIERS)).toBeNull();
    expect(tierDirection(change({ fromTierId: "gold", toTierId: "gold", fromPeriodEnd: NEXT_JAN, toPeriodEnd: JAN }), TIERS)).toBeNull();
    expect(tierDirection(change({ fromTierId: "gold", toTierId: "gold", fromPeriodEnd: null, toPeriodEnd: JAN }), TIERS)).toBeNull();
  });

  it("finds no news in an imported standing, a tier the merchant removed, or a tier the program does not have", () => {
    expect(tierDirection(change({ toTierId: "gold", source: "import" }), TIERS)).toBeNull();
    expect(tierDirection(change({ fromTierId: "platinum", toTierId: null }), TIERS)).toBeNull();
    expect(tierDirection(change({ fromTierId: "silver", toTierId: "platinum" }), TIERS)).toBeNull();
    // From a removed tier into one the program has: the member reached it.
    expect(tierDirection(change({ fromTierId: "platinum", toTierId: "silver" }), TIERS)).toBe("up");
  });

  it("counts Flow's changes of tier as news", () => {
    expect(tierDirection(change({ toTierId: "gold", source: "flow" }), TIERS)).toBe("up");
    expect(tierDirection(change({ fromTierId: "gold", toTierId: null, source: "flow" }), TIERS)).toBe("down");
  });
});

const facts = (f: Partial<TierMailFacts>): TierMailFacts => ({
  shopName: "Tea & Co",
  locale: "en",
  firstName: "Anna",
  balance: 1_250,
  nextReward: null,
  unsubscribeUrl: "https://app.example/mail/unsubscribe?t=x",
  direction: "up",
  tier: { name: "Gold", multiplierPercent: 150 },
  previousTier: { name: "Silver", thresholdMinor: 50_000 },
  periodEnd: NEXT_JAN,
  windowDays: 365,
  byOrders: true,
  currency: "EUR",
  timeZone: "Europe/Berlin",
  accountUrl: "https://tea.example/account",
  ...f,
});

const text = (m: { text: string }) => m.text.replace(/\s+/g, " ");

describe("tierMail", () => {
  it("welcomes a member to a tier with its multiplier and how long it lasts, in English and German", () => {
    const en = tierMail(facts({}));
    expect(en.subject).toBe("Welcome to Gold at Tea & Co");
    expect(text(en)).toContain("Hi Anna, Your orders of the last 365 days have brought you to Gold.");
    expect(text(en)).toContain("As a Gold member you earn 1.5 times the points on every order.");
    expect(text(en)).toContain("Gold is yours until at least 10 January 2028.");
    expect(text(en)).toContain("Your balance: 1,250 points.");
    const de = tierMail(facts({ locale: "de" }));
    expect(de.subject).toBe("Willkommen im Status Gold bei Tea & Co");
    expect(text(de)).toContain("Hallo Anna, mit Ihren Bestellungen der letzten 365 Tage haben Sie den Status Gold erreicht.");
    expect(text(de)).toContain("das 1,5-Fache an Punkten");
    expect(text(de)).toContain("bis zum 10. Januar 2028");
    expect(text(de)).toContain("Ihr Punktestand: 1.250 Punkte.");
  });

  it("does not claim orders did it when a merchant's workflow set the tier, nor a multiplier of ×1", () => {
    const m = tierMail(facts({ byOrders: false, tier: { name: "Friends", multiplierPercent: 100 } }));
    expect(text(m)).toContain("You now hold Friends.");
    expect(text(m)).not.toContain("orders of the last");
    expect(text(m)).not.toContain("times the points");
  });

  it("tells a member who keeps a tier until when", () => {
    const m = tierMail(facts({ direction: "kept", previousTier: { name: "Gold", thresholdMinor: 200_000 } }));
    expect(m.subject).toBe("You keep Gold at Tea & Co");
    expect(text(m)).toContain("Your orders of the last 365 days keep you at Gold until 10 January 2028.");
  });

  it("tells a member who lost a tier what brings it back, and that their points stay", () => {
    const none = tierMail(facts({ direction: "down", tier: null, previousTier: { name: "Silver", thresholdMinor: 50_000 }, periodEnd: null }));
    expect(none.subject).toBe("Your Silver status at Tea & Co has ended");
    expect(text(none)).toContain("Your orders of the last 365 days did not reach Silver, so your Silver status has ended.");
    expect(text(none)).toContain("Orders of €500.00 within 365 days bring Silver back.");
    expect(text(none)).toContain("Your points stay yours: 1,250 points.");
    const lower = tierMail(facts({ direction: "down", locale: "de", tier: { name: "Silber", multiplierPercent: 125 }, previousTier: { name: "Gold", thresholdMinor: 200_000 } }));
    expect(lower.subject).toBe("Ihr Status bei Tea & Co ist jetzt Silber");
    expect(text(lower)).toContain("Ihre Bestellungen der letzten 365 Tage haben für Gold nicht gereicht. Ihr Status ist jetzt Silber.");
    expect(text(lower)).toContain("Mit Bestellungen über 2.000,00 € innerhalb von 365 Tagen erhalten Sie Gold zurück.");
  });

  it("escapes what the merchant named in the HTML part", () => {
    const m = tierMail(facts({ tier: { name: "<b>VIP</b>", multiplierPercent: 150 } }));
    expect(m.html).not.toContain("<b>VIP</b>");
    expect(m.html).toContain("&lt;b&gt;VIP&lt;/b&gt;");
  });
});
