// Which member e-mails a shop sends: each kind on by default, turned off on the e-mails page. The mail job reads
// these when it queues (a kind turned off queues nothing new; what is queued already still goes), and the page
// previews each template as the shop's members would get it.
import type { PrismaClient } from "@prisma/client";
import type { Locale } from "~/i18n/messages";
import { rewardTitle } from "~/rewards/domain/reward-title";
import { enabledRewards } from "~/rewards/rewards-catalog.server";
import { pointsEarnedMail, type MailKind } from "./domain/member-mail";
import { pointsExpiringMail } from "./domain/points-expiring-mail";
import { winBackMail } from "./domain/win-back-mail";
import type { RenderedMail } from "./domain/mail-layout";

export type MailSwitches = Record<MailKind, boolean>;
const COLUMN: Record<MailKind, "pointsEarned" | "pointsExpiring" | "winBack"> = { "points-earned": "pointsEarned", "points-expiring": "pointsExpiring", "win-back": "winBack" };

/** SQL: whether `kind` is on for the shop expression (no row: on). */
export function mailKindOnSql(kind: MailKind, shop: string): string {
  return `COALESCE((SELECT ms."${COLUMN[kind]}" FROM "ShopMailSettings" ms WHERE ms."shop" = ${shop}), true)`;
}

export async function loadMailSwitches(prisma: PrismaClient, shop: string): Promise<MailSwitches> {
  const row = await prisma.shopMailSettings.findUnique({ where: { shop } });
  return { "points-earned": row?.pointsEarned ?? true, "points-expiring": row?.pointsExpiring ?? true, "win-back": row?.winBack ?? true };
}

export async function saveMailSwitches(prisma: PrismaClient, shop: string, switches: MailSwitches): Promise<void> {
  const data = { pointsEarned: switches["points-earned"], pointsExpiring: switches["points-expiring"], winBack: switches["win-back"], updatedAt: new Date() };
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
  const inTwoWeeks = new Date(Date.now() + 14 * 86_400_000);
  return {
    "points-earned": pointsEarnedMail({ ...base, points: 120, orderName: "#1001", spendableFrom: null, timeZone, accountUrl: `https://${shop}/account` }),
    "points-expiring": pointsExpiringMail({ ...base, points: 150, expiresAt: inTwoWeeks, timeZone, accountUrl: `https://${shop}/account` }),
    "win-back": winBackMail({ ...base, points: 200, shopUrl: `https://${shop}` }),
  };
}
