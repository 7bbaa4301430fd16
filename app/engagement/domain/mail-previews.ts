/**
 * The e-mails page's previews: each kind as a member of this shop would get it, with a made-up member (Anna, 420
 * points) and the shop's real name, rewards, tiers and referral terms. Pure, so the page renders them on the server
 * and again in the browser as the merchant types (the live preview).
 */
import type { Locale } from "~/i18n/messages";
import type { VipTier } from "~/points/domain/program";
import { pointsEarnedMail, type MailKind, type RenderedMail } from "./member-mail";
import { pointsExpiringMail } from "./points-expiring-mail";
import { winBackMail } from "./win-back-mail";
import { tierMail } from "./tier-mail";
import { birthdayMail, friendOrderedMail, referralRewardMail } from "./occasion-mails";
import { thankYouMail } from "./thank-you";
import { rewardUnlockedMail } from "./templates/reward-unlocked";
import { lookFor, type MailBrand, type MailPlaceholder, type MailWording } from "./mail-look";

export interface PreviewFacts {
  shop: string;
  shopName: string;
  currency: string | null;
  timeZone: string;
  /** The cheapest enabled reward, named in each language. */
  cheapestReward: { title: Record<Locale, string>; pointsCost: number } | null;
  tiers: VipTier[];
  windowDays: number;
  birthdayBonus: number;
  referral: { advocatePoints: number; windowDays: number };
  appUrl: string;
  /** The page's "now" (ISO), so the server's and the browser's previews agree. */
  now: string;
}

const SAMPLE_TIERS: VipTier[] = [
  { id: "silver", name: "Silver", thresholdMinor: 20_000, multiplierPercent: 125 },
  { id: "gold", name: "Gold", thresholdMinor: 50_000, multiplierPercent: 150 },
];
const BALANCE = 420;

/** The reward the sample member just unlocked: the shop's cheapest, else a made-up one. */
const unlockedSample = (f: PreviewFacts, locale: Locale) =>
  f.cheapestReward ? { title: f.cheapestReward.title[locale], pointsCost: f.cheapestReward.pointsCost } : { title: locale === "de" ? "Beispielprämie" : "Sample reward", pointsCost: 500 };

/** The sample member's balance: enough for the unlocked reward in its mail. */
const sampleBalance = (kind: MailKind, f: PreviewFacts) => (kind === "reward-unlocked" ? Math.max(BALANCE, unlockedSample(f, "en").pointsCost + 20) : BALANCE);

/** The points each kind's sample event is about. */
function samplePoints(kind: MailKind, f: PreviewFacts): number {
  switch (kind) {
    case "points-earned":
      return 120;
    case "points-expiring":
      return 150;
    case "birthday":
      return f.birthdayBonus || 100;
    case "friend-ordered":
    case "referral-reward":
      return f.referral.advocatePoints;
    case "win-back":
      return 200;
    default:
      return 0;
  }
}

/** The placeholders' values for the sample member, as the mail job fills them for a real one. */
export function samplePlaceholders(kind: MailKind, f: PreviewFacts, locale: Locale): Partial<Record<MailPlaceholder, string>> {
  const tiers = f.tiers.length ? f.tiers : SAMPLE_TIERS;
  const number = (n: number) => new Intl.NumberFormat(locale === "de" ? "de-DE" : "en-GB").format(n);
  const points = samplePoints(kind, f);
  return {
    shop: f.shopName,
    first_name: "Anna",
    balance: number(sampleBalance(kind, f)),
    ...(points ? { points: number(points) } : {}),
    // The tier the mail is about: the one reached or kept, or the one lost.
    ...(kind.startsWith("tier-") ? { tier: tiers[tiers.length - 1].name } : {}),
  };
}

/** One kind's preview in `locale` with the brand and the wording as the merchant has them now. */
export function previewMail(kind: MailKind, f: PreviewFacts, locale: Locale, brand: MailBrand, wording: MailWording | undefined): RenderedMail {
  const now = new Date(f.now);
  const base = {
    shopName: f.shopName,
    locale,
    firstName: "Anna",
    balance: sampleBalance(kind, f),
    nextReward: f.cheapestReward ? { title: f.cheapestReward.title[locale], pointsCost: f.cheapestReward.pointsCost } : null,
    unsubscribeUrl: `${f.appUrl}/mail/unsubscribe?t=preview`,
    look: lookFor(brand, wording, samplePlaceholders(kind, f, locale)),
  };
  const accountUrl = `https://${f.shop}/account`;
  const points = samplePoints(kind, f);
  const tiers = f.tiers.length ? f.tiers : SAMPLE_TIERS;
  const top = tiers[tiers.length - 1];
  const below = tiers.length > 1 ? tiers[tiers.length - 2] : null;
  const periodEnd = new Date(now.getTime() + f.windowDays * 86_400_000);
  const tierFacts = { ...base, windowDays: f.windowDays, byOrders: true, currency: f.currency, timeZone: f.timeZone, accountUrl, periodEnd };
  switch (kind) {
    case "points-earned":
      return pointsEarnedMail({ ...base, points, orderName: "#1001", spendableFrom: null, timeZone: f.timeZone, accountUrl });
    case "points-expiring":
      return pointsExpiringMail({ ...base, points, expiresAt: new Date(now.getTime() + 14 * 86_400_000), timeZone: f.timeZone, accountUrl });
    case "reward-unlocked":
      return rewardUnlockedMail({ ...base, reward: unlockedSample(f, locale), nextUp: null, accountUrl });
    case "tier-up":
      return tierMail({ ...tierFacts, direction: "up", tier: top, previousTier: below });
    case "tier-kept":
      return tierMail({ ...tierFacts, direction: "kept", tier: top, previousTier: top });
    case "tier-lost":
      return tierMail({ ...tierFacts, direction: "down", tier: below, previousTier: top, periodEnd: below ? periodEnd : null });
    case "birthday":
      return birthdayMail({ ...base, points, accountUrl });
    case "friend-ordered":
      return friendOrderedMail({ ...base, points, windowDays: f.referral.windowDays, accountUrl });
    case "referral-reward":
      return referralRewardMail({ ...base, points, accountUrl });
    case "thank-you":
      return thankYouMail({ ...base, orderName: "#1001", feedbackUrl: `${f.appUrl}/feedback?t=preview` });
    case "win-back":
      return winBackMail({ ...base, points, shopUrl: `https://${f.shop}` });
  }
}
