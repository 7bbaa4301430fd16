import { describe, expect, it } from "vitest";
import { nextRewardUp, rewardUnlockedMail, unlockedReward, type RewardUnlockedFacts } from "./reward-unlocked";

const catalog = [
  { id: "five-off", pointsCost: 500 },
  { id: "five-credit", pointsCost: 500 },
  { id: "ten-off", pointsCost: 1_000 },
  { id: "tote", pointsCost: 2_500 },
];

describe("unlockedReward", () => {
  it("names the dearest reward the entry brought within reach, first in catalog order among equal costs", () => {
    expect(unlockedReward(catalog, 520, 100)?.id).toBe("five-off");
    expect(unlockedReward(catalog, 500, 1)?.id).toBe("five-off");
    expect(unlockedReward(catalog, 1_200, 800)?.id).toBe("ten-off");
    expect(unlockedReward(catalog, 3_000, 3_000)?.id).toBe("tote");
  });

  it("names none when the balance only grew past rewards it had reached, stays short, or nothing was gained", () => {
    expect(unlockedReward(catalog, 700, 100)).toBeNull();
    expect(unlockedReward(catalog, 499, 499)).toBeNull();
    expect(unlockedReward(catalog, 1_000, 0)).toBeNull();
    expect(unlockedReward(catalog, 1_000, -50)).toBeNull();
    expect(unlockedReward([], 1_000, 1_000)).toBeNull();
  });

  it("counts from an overdrawn balance (a clawback left it below zero)", () => {
    expect(unlockedReward(catalog, 600, 700)?.id).toBe("five-off");
    expect(unlockedReward(catalog, 400, 700)).toBeNull();
  });
});

describe("nextRewardUp", () => {
  it("is the cheapest reward above the balance", () => {
    expect(nextRewardUp(catalog, 520)?.id).toBe("ten-off");
    expect(nextRewardUp(catalog, 1_000)?.id).toBe("tote");
    expect(nextRewardUp(catalog, 2_500)).toBeNull();
  });
});

const facts = (f: Partial<RewardUnlockedFacts> = {}): RewardUnlockedFacts => ({
  shopName: "Tea & Co",
  locale: "en",
  firstName: "Anna",
  balance: 520,
  nextReward: { title: "€5.00 off", pointsCost: 500 },
  unsubscribeUrl: "https://app.example/mail/unsubscribe?t=x",
  reward: { title: "€5.00 off", pointsCost: 500 },
  nextUp: { title: "€10.00 off", pointsCost: 1_000 },
  accountUrl: "https://tea.example/account",
  ...f,
});
const text = (m: { text: string }) => m.text.replace(/\s+/g, " ");

describe("rewardUnlockedMail", () => {
  it("names the reward, its cost, the balance, how to redeem it and what to save for next", () => {
    const m = rewardUnlockedMail(facts());
    expect(m.subject).toBe("You can now redeem €5.00 off at Tea & Co");
    expect(text(m)).toContain("Hi Anna, You now have 520 points: enough for €5.00 off (500 points). Redeem it in your account whenever you like, and use the code at checkout. 480 points more for €10.00 off.");
    expect(text(m)).toContain("Redeem your reward: https://tea.example/account");
    expect(m.html).toContain("enough for €5.00 off (500 points).");
  });

  it("speaks German and leaves out the next reward when there is none above the balance", () => {
    const m = rewardUnlockedMail(facts({ locale: "de", firstName: null, balance: 2_600, reward: { title: "Stofftasche", pointsCost: 2_500 }, nextUp: null }));
    expect(m.subject).toBe("Jetzt einlösbar bei Tea & Co: Stofftasche");
    expect(text(m)).toContain("Hallo, Sie haben jetzt 2.600 Punkte: genug für Stofftasche (2.500 Punkte).");
    expect(text(m)).not.toContain("Noch ");
    expect(text(m)).toContain("Prämie einlösen: https://tea.example/account");
  });
});
