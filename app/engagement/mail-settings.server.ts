// The e-mails page's settings: which member e-mails a shop sends (each on by default), the shop's logo and accent
// colour, and per kind and language the merchant's subject and opening note. The mail job reads the switches when
// it queues (a kind turned off queues nothing new; what is queued already still goes) and the look when it sends.
import type { PrismaClient } from "@prisma/client";
import type { Locale } from "~/i18n/messages";
import { rewardTitle } from "~/rewards/domain/reward-title";
import { cheapestReward } from "~/rewards/domain/catalog";
import { enabledRewards } from "~/rewards/rewards-catalog.server";
import { loadLoyaltyProgram } from "~/points/loyalty-program.server";
import { loadReferralTerms } from "~/referrals/referrals.server";
import { MAIL_KINDS, type MailKind } from "./domain/member-mail";
import { DEFAULT_BRAND, wordingKey, type MailBrand, type MailWording } from "./domain/mail-look";
import type { PreviewFacts } from "./domain/mail-previews";

export type MailSwitches = Record<MailKind, boolean>;
type SwitchColumn = "pointsEarned" | "pointsExpiring" | "rewardUnlocked" | "tierUp" | "tierKept" | "tierLost" | "birthday" | "friendOrdered" | "referralReward" | "thankYou" | "winBack";
const COLUMN: Record<MailKind, SwitchColumn> = {
  "points-earned": "pointsEarned",
  "points-expiring": "pointsExpiring",
  "reward-unlocked": "rewardUnlocked",
  "tier-up": "tierUp",
  "tier-kept": "tierKept",
  "tier-lost": "tierLost",
  birthday: "birthday",
  "friend-ordered": "friendOrdered",
  "referral-reward": "referralReward",
  "thank-you": "thankYou",
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

/** The shop's brand and its wordings, keyed `kind:locale` (wordingKey). */
export interface ShopMailLook {
  brand: MailBrand;
  wordings: Record<string, MailWording>;
}

export async function loadMailLook(prisma: PrismaClient, shop: string): Promise<ShopMailLook> {
  const [row, wordings] = await Promise.all([prisma.shopMailSettings.findUnique({ where: { shop } }), prisma.mailWording.findMany({ where: { shop } })]);
  return {
    brand: row ? { logoUrl: row.logoUrl, accentColor: row.accentColor } : DEFAULT_BRAND,
    wordings: Object.fromEntries(wordings.map((w) => [wordingKey(w.kind, w.locale as Locale), { subject: w.subject, intro: w.intro }])),
  };
}

/** Saves the whole page at once (checked by the caller): switches, brand and wordings, all or nothing. */
export async function saveMailSettings(prisma: PrismaClient, shop: string, input: { switches: MailSwitches } & ShopMailLook): Promise<void> {
  const data = {
    ...(Object.fromEntries(MAIL_KINDS.map((kind) => [COLUMN[kind], input.switches[kind]])) as Record<SwitchColumn, boolean>),
    logoUrl: input.brand.logoUrl,
    accentColor: input.brand.accentColor,
    updatedAt: new Date(),
  };
  const wordings = Object.entries(input.wordings)
    .filter(([, w]) => w.subject !== null || w.intro !== null)
    .map(([key, w]) => {
      const [kind, locale] = key.split(":");
      return { shop, kind, locale, subject: w.subject, intro: w.intro };
    });
  await prisma.$transaction([
    prisma.shopMailSettings.upsert({ where: { shop }, create: { shop, ...data }, update: data }),
    prisma.mailWording.deleteMany({ where: { shop } }),
    prisma.mailWording.createMany({ data: wordings }),
  ]);
}

/** What the previews need of the shop: its name, cheapest reward, tiers and referral terms. */
export async function previewFacts(prisma: PrismaClient, shop: string, appUrl: string, now = new Date()): Promise<PreviewFacts> {
  const shopRow = await prisma.shop.findUnique({ where: { domain: shop } });
  const rewards = shopRow?.currency ? await enabledRewards(prisma, shop, shopRow.currency) : [];
  const cheapest = cheapestReward(rewards);
  const [program, terms] = await Promise.all([loadLoyaltyProgram(prisma, shop), loadReferralTerms(prisma, shop)]);
  return {
    shop,
    shopName: shopRow?.name ?? shop,
    currency: shopRow?.currency ?? null,
    timeZone: shopRow?.timezone ?? "UTC",
    cheapestReward: cheapest ? { title: { en: rewardTitle(cheapest, "en"), de: rewardTitle(cheapest, "de") }, pointsCost: cheapest.pointsCost } : null,
    tiers: program.vip.tiers,
    windowDays: program.vip.windowDays,
    birthdayBonus: program.birthdayBonus,
    referral: { advocatePoints: terms.advocatePoints, windowDays: terms.windowDays },
    appUrl,
    now: now.toISOString(),
  };
}
