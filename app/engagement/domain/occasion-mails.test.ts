import { describe, expect, it } from "vitest";
import { birthdayMail, friendOrderedMail, referralRewardMail, type FriendOrderedFacts } from "./occasion-mails";

const facts = (f: Partial<FriendOrderedFacts> = {}): FriendOrderedFacts => ({
  shopName: "Tea & Co",
  locale: "en",
  firstName: "Anna",
  balance: 700,
  nextReward: { title: "€5.00 off", pointsCost: 500 },
  unsubscribeUrl: "https://app.example/mail/unsubscribe?t=x",
  points: 200,
  accountUrl: "https://tea.example/account",
  windowDays: 14,
  ...f,
});
const text = (m: { text: string }) => m.text.replace(/\s+/g, " ");

describe("occasion mails", () => {
  it("wish a happy birthday with the bonus, the balance and what it buys, in English and German", () => {
    const en = birthdayMail(facts());
    expect(en.subject).toBe("Happy birthday: 200 points from Tea & Co");
    expect(text(en)).toContain("Happy birthday! We have added 200 points to your account. Your balance: 700 points. That is enough for: €5.00 off.");
    const de = birthdayMail(facts({ locale: "de", firstName: null, balance: 300, nextReward: { title: "5,00 € Rabatt", pointsCost: 500 } }));
    expect(de.subject).toBe("Alles Gute zum Geburtstag: 200 Punkte von Tea & Co");
    expect(text(de)).toContain("Hallo, alles Gute zum Geburtstag! Wir haben Ihrem Konto 200 Punkte gutgeschrieben.");
    expect(text(de)).toContain("Noch 200 Punkte bis 5,00 € Rabatt.");
  });

  it("tell an advocate what a friend's order brings and when", () => {
    const m = friendOrderedMail(facts({ points: 500, windowDays: 14 }));
    expect(m.subject).toBe("A friend you referred ordered at Tea & Co");
    expect(text(m)).toContain("You get 500 points once the order is paid and has not been cancelled or refunded for 14 days.");
    const de = friendOrderedMail(facts({ locale: "de", points: 1, windowDays: 30 }));
    expect(text(de)).toContain("Sie erhalten 1 Punkt, sobald die Bestellung bezahlt ist und 30 Tage lang nicht storniert oder erstattet wurde.");
  });

  it("thank an advocate for the referral that counted", () => {
    const m = referralRewardMail(facts({ points: 500 }));
    expect(m.subject).toBe("500 points for your referral at Tea & Co");
    expect(text(m)).toContain("your friend's order counts, and we have added 500 points to your account.");
    expect(m.text).toContain("https://app.example/mail/unsubscribe?t=x");
  });
});
