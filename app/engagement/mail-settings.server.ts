// Which member e-mails a shop sends: each kind on by default, turned off on the e-mails page. The mail job reads
// these when it queues (a kind turned off queues nothing new; what is queued already still goes), and the page
// previews each template as the shop's members would get it.
import type { PrismaClient } from "@prisma/client";
import type { Locale } from "~/i18n/messages";
import { rewardTitle } from "~/rewards/domain/reward-title";
import { enabledRewards } from "~/rewards/rewards-catalog.server";
import { MAIL_KINDS, pointsEarnedMail, type MailKind } from "./domain/member-mail";
import { tierMail } from "./domain/tier-mail";
import { birthdayMail, friendOrderedMail, referralRewardMail } from "./domain/occasion-mails";
import { loadReferralTerms } from "~/referrals/referrals.server";
import { pointsExpiringMail } from "./domain/points-expiring-mail";
import { winBackMail } from "./domain/win-back-mail";
import type { RenderedMail } from "./domain/mail-layout";
import { loadLoyaltyProgram } from "~/points/loyalty-program.server";
import type { VipSettings } from "~/points/domain/program";
import type { TierMailFacts } from "./domain/tier-mail";

export type MailSwitches = Record<MailKind, boolean>;
type SwitchColumn = "pointsEarned" | "pointsExpiring" | "tierUp" | "tierKept" | "tierLost" | "birthday" | "friendOrdered" | "referralReward" | "winBack";
const COLUMN: Record<MailKind, SwitchColumn> = {
  "points-earned": "pointsEarned",
  "points-expiring": "pointsExpiring",
  "tier-up": "tierUp",
  "tier-kept": "tierKept",
  "tier-lost": "tierLost",
  birthday: "birthday",
  "friend-ordered": "friendOrdered",
  "referral-reward": "referralReward",
  "win-back": "winBack",
};

/** SQL: whether `kind` is on for the shop expression (no row: on). */
export function mailKindOnSql(kind: MailKind, shop: string): string {
  return `COALESCE((SELECT ms."${COLUMN[kind]}" FROM "ShopMailSettings" ms WHERE ms."shop" = ${shop}), true)`;
}

export async function loadMailSwitches(prisma: PrismaClient, shop: string): Promise<MailSwitches> {
  const row = await prisma.shopMailSettings.findUnique({ where: { shop } });
  return Object.fromEntries(MAIL_KINDS.map((kind) => [kind, row?.[COLUMN[kind]] ?? true])) as MailSwitches;
}

export async function saveMailSwitches(prisma: PrismaClient, shop: string, switches: MailSwitches): Promise<void> {
  const data = { ...(Object.fromEntries(MAIL_KINDS.map((kind) => [COLUMN[kind], switches[kind]])) as Record<SwitchColumn, boolean>), updatedAt: new Date() };
  await prisma.shopMailSettings.upsert({ where: { shop }, create: { shop, ...data }, update: data });
}

/** Each template as a member of this shop would get it, with made-up numbers and the shop's real name and rewards. */
export async function mailPreviews(prisma: PrismaClient, shop: string, locale: Locale, appUrl: string): Promise<Record<MailKind, RenderedMail>> {
  const shopRow = await prisma.shop.findUnique({ where: { domain: shop } });
  const rewards = shopRow?.currency ? await enabledRewards(prisma, shop, shopRow.currency) : [];
  const cheapest = [...rewards].sort((a, b) => a.pointsCost - b.pointsCost)[0];
  const base = {
    shopName: shopRow?.name ?? shop,
    locale,
    firstName: "Anna",
    balance: 420,
    nextReward: cheapest ? { title: rewardTitle(cheapest, locale), pointsCost: cheapest.pointsCost } : null,
    unsubscribeUrl: `${appUrl}/mail/unsubscribe?t=preview`,
  };
  const timeZone = shopRow?.timezone ?? "UTC";
  const program = await loadLoyaltyProgram(prisma, shop);
  const terms = await loadReferralTerms(prisma, shop);
  const inTwoWeeks = new Date(Date.now() + 14 * 86_400_000);
  return {
    "points-earned": pointsEarnedMail({ ...base, points: 120, orderName: "#1001", spendableFrom: null, timeZone, accountUrl: `https://${shop}/account` }),
    "points-expiring": pointsExpiringMail({ ...base, points: 150, expiresAt: inTwoWeeks, timeZone, accountUrl: `https://${shop}/account` }),
    ...tierPreviews(program.vip, { ...base, currency: shopRow?.currency ?? null, timeZone, accountUrl: `https://${shop}/account` }),
    birthday: birthdayMail({ ...base, points: program.birthdayBonus || 100, accountUrl: `https://${shop}/account` }),
    "friend-ordered": friendOrderedMail({ ...base, points: terms.advocatePoints, windowDays: terms.windowDays, accountUrl: `https://${shop}/account` }),
    "referral-reward": referralRewardMail({ ...base, points: terms.advocatePoints, accountUrl: `https://${shop}/account` }),
    "win-back": winBackMail({ ...base, points: 200, shopUrl: `https://${shop}` }),
  };
}

/** The three tier mails with the program's own tiers (its top one reached, kept, and lost to the one below), or made-up ones without tiers. */
function tierPreviews(vip: VipSettings, base: Omit<TierMailFacts, "direction" | "tier" | "previousTier" | "periodEnd" | "windowDays" | "byOrders">): Pick<Record<MailKind, RenderedMail>, "tier-up" | "tier-kept" | "tier-lost"> {
  const tiers = vip.tiers.length ? vip.tiers : [{ id: "silver", name: "Silver", thresholdMinor: 20_000, multiplierPercent: 125 }, { id: "gold", name: "Gold", thresholdMinor: 50_000, multiplierPercent: 150 }];
  const top = tiers[tiers.length - 1];
  const below = tiers.length > 1 ? tiers[tiers.length - 2] : null;
  const periodEnd = new Date(Date.now() + vip.windowDays * 86_400_000);
  const facts = { ...base, periodEnd, windowDays: vip.windowDays, byOrders: true };
  return {
    "tier-up": tierMail({ ...facts, direction: "up", tier: top, previousTier: below }),
    "tier-kept": tierMail({ ...facts, direction: "kept", tier: top, previousTier: top }),
    "tier-lost": tierMail({ ...facts, direction: "down", tier: below, previousTier: top, periodEnd: below ? periodEnd : null }),
  };
}
