// Member e-mails, from event to inbox. A periodic job finds events that deserve a mail (for now: points earned on
// an order, member-events.server.ts) and records one MemberMail per event and
// member (unique `eventKey`, so nothing is queued twice), then asks the job engine to send the shop's mail. The
// shop job sends what is queued: each mail is claimed ("sending") before it goes out and marked "sent" after, so
// a run that dies in between leaves it "sending" and it is never sent twice (at most once, by design: a lost
// notification is better than a repeated one). Whether it may go at all (address, opt-outs, consent, an
// uninstalled shop) is decided when it is sent.
import type { PrismaClient } from "@prisma/client";
import { sqlOf } from "~/db/connection.server";
import type { Db } from "~/points/points-ledger.server";
import { UnusablePayloadError, type WebhookStep } from "~/webhooks/webhook-worker.server";
import { env } from "~/env.server";
import { SHOP_JOBS, sendShopJob } from "~/jobs/shop-jobs";
import type { PeriodicJob } from "~/jobs/periodic-jobs.server";
import { memberBalance } from "~/points/points-ledger.server";
import { enabledRewards } from "~/rewards/rewards-catalog.server";
import { rewardTitle } from "~/rewards/domain/reward-title";
import { mailLocale, mayReceive, pointsEarnedMail, type MailCategory, type RenderedMail, type Suppression } from "./domain/member-mail";
import { unsubscribeToken } from "./domain/unsubscribe-token";
import { winBackMail } from "./domain/win-back-mail";
import { pointsExpiringMail } from "./domain/points-expiring-mail";
import { DEFAULT_QUIET_HOURS, inQuietHours, MARKETING_PER_WEEK, parseQuietHours, type QuietHours } from "./domain/mail-timing";
import { eventWindowStart, insertForShops, latestLocaleSql, POINTS_EARNED_KEY, queueMails, RECENT_POINTS_EARNED } from "./member-events.server";
import { armFor, experimentVariant, HOLDOUT_ARM, runningExperiment, VARIANT_ARM, type RunningExperiment } from "./experiments.server";
import { subjectMailKind, type ExperimentSubject } from "./domain/member-mail";
import { loadMailLook, loadMailSwitches, mailKindOnSql, type MailSwitches, type ShopMailLook } from "./mail-settings.server";
import { lookFor, wordingKey, type MailPlaceholder, type MailWording } from "./domain/mail-look";
import { recentTierEvents } from "./tier-events.server";
import { tierMail, type TierDirection, type TierMailFacts } from "./domain/tier-mail";
import { birthdayMail, friendOrderedMail, referralRewardMail } from "./domain/occasion-mails";
import { thankYouMail } from "./domain/thank-you";
import { feedbackToken } from "./domain/feedback-token";
import { eraseCustomerFeedback, queueThankYouMails } from "./feedback.server";
import { runningProgramTest } from "./program-test.server";
import { heldOutOfProgram } from "./domain/experiments";
import { queueRewardUnlockedMails, type RewardUnlockedData } from "./reward-unlocked.server";
import { nextRewardUp, rewardUnlockedMail } from "./domain/templates/reward-unlocked";
import { cheapestReward, type Reward } from "~/rewards/domain/catalog";
import type { MailFacts } from "./domain/mail-layout";
import { loadReferralTerms, type ReferralTerms } from "~/referrals/referrals.server";
import { isPermanentSmtpFailure, mailTransport, type MailTransport } from "./mail-transport.server";

/** Mails sent per shop job run; the next run continues. */
const SEND_BATCH = 200;

export interface MailSettings {
  appUrl: string;
  secret: string;
  from: string;
  /** On the shop's clock; mail waits in the queue through them. */
  quietHours: QuietHours;
}

const settingsFromEnv = (): MailSettings => ({
  appUrl: env().SHOPIFY_APP_URL,
  secret: env().SHOPIFY_API_SECRET,
  from: env().MAIL_FROM,
  quietHours: parseQuietHours(env().MAIL_QUIET_HOURS) ?? DEFAULT_QUIET_HOURS,
});

/** Records a "points earned" mail for every recent points-earned event that has none yet. Returns the shops that got new mail. */
export async function queuePointsEarnedMails(prisma: PrismaClient, now: Date): Promise<string[]> {
  return queueMails(
    prisma,
    {
      kind: "points-earned",
      shop: 'l."shop"',
      customerId: 'l."customerId"',
      eventKey: POINTS_EARNED_KEY,
      locale: `COALESCE(o."newest"->>'locale', '')`,
      data: `jsonb_build_object('points', l."points", 'orderName', o."newest"->>'name', 'availableAt', to_char(l."availableAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`,
      from: RECENT_POINTS_EARNED,
      orderBy: 'l."id"',
    },
    [eventWindowStart(now)],
  );
}

/**
 * A "points expiring" mail for every reminder the points engine recorded (PointsReminder, once per lot about to
 * expire) in the event window that has none yet and whose points have not expired yet.
 */
export async function queuePointsExpiringMails(prisma: PrismaClient, now: Date): Promise<string[]> {
  return queueMails(
    prisma,
    {
      kind: "points-expiring",
      shop: 'r."shop"',
      customerId: 'r."customerId"',
      eventKey: `'points-expiring:' || r."idempotencyKey"`,
      locale: latestLocaleSql('r."shop"', 'r."customerId"'),
      data: `jsonb_build_object('points', r."points", 'expiresAt', to_char(r."expiresAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`,
      from: `FROM "PointsReminder" r
       JOIN "Shop" s ON s."domain" = r."shop" AND s."uninstalledAt" IS NULL
      WHERE r."createdAt" >= $1::timestamp(3) AND r."expiresAt" > $2::timestamp(3)`,
      orderBy: 'r."id"',
    },
    [eventWindowStart(now), now.toISOString().slice(0, 23)],
  );
}

/**
 * A win-back e-mail for each of `customerIds` who got a segment bonus with one (in the bonus batch's transaction:
 * the points and the mail go together). Written in the language of the customer's latest order, if any.
 */
export async function queueWinBackMails(tx: Db, shop: string, bonusId: string, points: number, customerIds: readonly string[]): Promise<void> {
  await sqlOf(tx).execute(
    `INSERT INTO "MemberMail" ("shop", "customerId", "eventKey", "kind", "category", "locale", "data")
     SELECT $1, c, 'win-back:' || $2 || ':' || c, 'win-back', 'marketing', ${latestLocaleSql("$1", "c")}, jsonb_build_object('points', $3::int)
       FROM unnest($4::text[]) AS c
      WHERE ${mailKindOnSql("win-back", "$1")}
     ON CONFLICT ("shop", "eventKey") DO NOTHING`,
    [shop, bonusId, points, customerIds],
  );
}

const TIER_MAIL_KIND: Record<TierDirection, "tier-up" | "tier-kept" | "tier-lost"> = { up: "tier-up", kept: "tier-kept", down: "tier-lost" };
const TIER_DIRECTION: Record<string, TierDirection> = { "tier-up": "up", "tier-kept": "kept", "tier-lost": "down" };

/** What a tier mail keeps from its event (names as they were when the tier changed). */
type TierMailData = Pick<TierMailFacts, "tier" | "previousTier" | "windowDays" | "byOrders"> & { periodEnd: string | null };

/**
 * A tier mail (reached, kept, lost) for every recent tier change that is news to the member (tier-events.server.ts)
 * and has none yet, if the shop sends that kind. Returns the shops that got new mail.
 */
export async function queueTierMails(prisma: PrismaClient, now: Date): Promise<string[]> {
  const events = await recentTierEvents(prisma, "MemberMail", now);
  const switches = new Map<string, MailSwitches>();
  const rows: { shop: string; customer_id: string; event_key: string; kind: string; locale: string; data: TierMailData }[] = [];
  for (const e of events) {
    let on = switches.get(e.shop);
    if (!on) switches.set(e.shop, (on = await loadMailSwitches(prisma, e.shop)));
    const kind = TIER_MAIL_KIND[e.direction];
    if (!on[kind]) continue;
    const data: TierMailData = {
      tier: e.tier && { name: e.tier.name, multiplierPercent: e.tier.multiplierPercent },
      previousTier: e.previousTier && { name: e.previousTier.name, thresholdMinor: e.previousTier.thresholdMinor },
      periodEnd: e.periodEnd,
      windowDays: e.windowDays,
      byOrders: e.source === null,
    };
    rows.push({ shop: e.shop, customer_id: e.customerId, event_key: e.eventKey, kind, locale: e.locale, data });
  }
  if (rows.length === 0) return [];
  return insertForShops(
    prisma,
    `INSERT INTO "MemberMail" ("shop", "customerId", "eventKey", "kind", "category", "locale", "data")
     SELECT r.shop, r.customer_id, r.event_key, r.kind, 'service', r.locale, r.data
       FROM jsonb_to_recordset($1::jsonb) AS r(shop text, customer_id text, event_key text, kind text, locale text, data jsonb)
     ON CONFLICT ("shop", "eventKey") DO NOTHING
     RETURNING "shop"`,
    [JSON.stringify(rows)],
  );
}

/** A birthday mail for every birthday bonus written in the event window that has none yet. */
export async function queueBirthdayMails(prisma: PrismaClient, now: Date): Promise<string[]> {
  return queueMails(
    prisma,
    {
      kind: "birthday",
      shop: 'l."shop"',
      customerId: 'l."customerId"',
      eventKey: `'birthday:' || l."idempotencyKey"`,
      locale: latestLocaleSql('l."shop"', 'l."customerId"'),
      data: `jsonb_build_object('points', l."points")`,
      from: `FROM "LedgerEntry" l
       JOIN "Shop" s ON s."domain" = l."shop" AND s."uninstalledAt" IS NULL
      WHERE l."kind" = 'birthday-bonus' AND l."createdAt" >= $1::timestamp(3)`,
      orderBy: 'l."id"',
    },
    [eventWindowStart(now)],
  );
}

/**
 * Referral mails to the advocate: "a friend ordered with your code" for every referral recorded in the event
 * window that counts or may still count (not blocked by a fraud rule, not void), and "your referral reward" for
 * every referral credited in it.
 */
export async function queueReferralMails(prisma: PrismaClient, now: Date): Promise<string[]> {
  const advocate = { shop: 'r."shop"', customerId: 'r."advocateCustomerId"', locale: latestLocaleSql('r."shop"', 'r."advocateCustomerId"'), orderBy: 'r."id"' };
  const ordered = await queueMails(
    prisma,
    {
      ...advocate,
      kind: "friend-ordered",
      eventKey: `'friend-ordered:' || r."id"`,
      data: `jsonb_build_object('orderName', r."orderName")`,
      from: `FROM "Referral" r
       JOIN "Shop" s ON s."domain" = r."shop" AND s."uninstalledAt" IS NULL
      WHERE r."status" IN ('pending', 'credited') AND r."orderPlacedAt" >= $1::timestamp(3) AND r."createdAt" >= $1::timestamp(3)`,
    },
    [eventWindowStart(now)],
  );
  const credited = await queueMails(
    prisma,
    {
      ...advocate,
      kind: "referral-reward",
      eventKey: `'referral-reward:' || r."id"`,
      data: `jsonb_build_object('points', r."points")`,
      from: `FROM "Referral" r
       JOIN "Shop" s ON s."domain" = r."shop" AND s."uninstalledAt" IS NULL
      WHERE r."creditedAt" >= $1::timestamp(3) AND r."status" = 'credited' AND r."points" > 0`,
    },
    [eventWindowStart(now)],
  );
  return [...new Set([...ordered, ...credited])];
}

/** Every minute, when SMTP_URL is set: new events become mails, and the shops with mail to send get a send job. */
export const memberMailsJob: PeriodicJob = {
  name: "member-mails",
  everyMs: 60_000,
  async run(db, now) {
    if (!mailTransport()) return;
    await queuePointsEarnedMails(db, now);
    await queuePointsExpiringMails(db, now);
    await queueRewardUnlockedMails(db, now);
    await queueTierMails(db, now);
    await queueBirthdayMails(db, now);
    await queueReferralMails(db, now);
    await queueThankYouMails(db, now);
    const shops = await db.memberMail.findMany({ where: { status: "queued" }, distinct: ["shop"], select: { shop: true } });
    for (const { shop } of shops) await sendShopJob(SHOP_JOBS.memberMails, shop, {});
  },
};

export type SendOutcome = { sent: number; suppressed: number; failed: number };

/**
 * Sends the shop's queued mail (the shop job). A temporary SMTP failure leaves the mail queued and throws at the
 * end, so the engine tries again with backoff; a permanent one (5xx) marks it failed and stops mail to the address.
 */
export async function sendQueuedMails(prisma: PrismaClient, shop: string, transport: MailTransport | null = mailTransport(), now = new Date(), settings: MailSettings = settingsFromEnv()): Promise<SendOutcome> {
  const outcome: SendOutcome = { sent: 0, suppressed: 0, failed: 0 };
  if (!transport) return outcome;
  const shopRow = await prisma.shop.findUnique({ where: { domain: shop } });
  const queued = await prisma.memberMail.findMany({ where: { shop, status: "queued" }, orderBy: { id: "asc" }, take: SEND_BATCH });
  if (!shopRow || shopRow.uninstalledAt) {
    // Nothing goes out for a shop that uninstalled.
    if (queued.length) await prisma.memberMail.updateMany({ where: { shop, status: "queued" }, data: { status: "suppressed", reason: "uninstalled" } });
    return { ...outcome, suppressed: queued.length };
  }
  // In the shop's quiet hours everything waits; the periodic job asks again every minute.
  if (inQuietHours(now, shopRow.timezone ?? "UTC", settings.quietHours)) return outcome;
  const rewards = shopRow.currency ? await enabledRewards(prisma, shop, shopRow.currency) : [];
  // What every mail's "next reward" line names (in the member's language).
  const cheapest = cheapestReward(rewards);
  // The running test of each kind of mail, read once per run.
  const experiments = new Map<string, RunningExperiment | null>();
  let retryLater: unknown = null;
  let referralTerms: ReferralTerms | null = null;
  const look = await loadMailLook(prisma, shop);
  // A mail that may not go: marked with why, and counted.
  const suppress = async (id: bigint, reason: string) => {
    await prisma.memberMail.update({ where: { id }, data: { status: "suppressed", reason } });
    outcome.suppressed++;
  };
  const programTest = await runningProgramTest(prisma, shop);
  for (const mail of queued) {
    // In a running A/B test every mail records its member's arm first, whatever happens to it next (intent to
    // treat); the holdout's is not sent.
    const subject = mail.experimentId || !subjectMailKind(`${mail.kind}-mail`) ? null : (`${mail.kind}-mail` as ExperimentSubject);
    if (subject && !experiments.has(subject)) experiments.set(subject, await runningExperiment(prisma, shop, subject));
    const experiment = subject ? experiments.get(subject) : null;
    // The test's second version of the e-mail, for a member in its arm (a mail assigned on an earlier run too).
    let variant: MailWording | null = null;
    if (experiment) {
      const arm = armFor(experiment, mail.customerId);
      if (arm === VARIANT_ARM) variant = experiment.variant;
      const held = arm === HOLDOUT_ARM;
      await prisma.memberMail.update({ where: { id: mail.id }, data: { experimentId: experiment.id, arm, ...(held ? { status: "suppressed", reason: "holdout" } : {}) } });
      if (held) {
        outcome.suppressed++;
        continue;
      }
    } else if (mail.experimentId && mail.arm === VARIANT_ARM) {
      // Assigned on an earlier run and back in the queue (a temporary SMTP failure): still the second version.
      variant = await experimentVariant(prisma, mail.experimentId);
    }
    const member = await prisma.member.findUnique({ where: { shop_customerId: { shop, customerId: mail.customerId } } });
    // A customer held out of a test of the whole program hears nothing from it.
    if (member && heldOutOfProgram(programTest, mail.customerId, member.joinedAt)) {
      await suppress(mail.id, "program-holdout");
      continue;
    }
    const email = member?.email?.toLowerCase() ?? null;
    const suppressions = email ? ((await prisma.mailSuppression.findMany({ where: { shop, email } })) as Suppression[]) : [];
    const category = mail.category as MailCategory;
    const verdict = mayReceive(category, { email, redacted: !!member?.redactedAt, emailMarketing: member?.emailMarketing ?? null }, suppressions);
    if (!member || !email || !verdict.send) {
      await suppress(mail.id, verdict.send ? "no-member" : verdict.reason);
      continue;
    }
    if (category === "marketing") {
      const lastWeek = await prisma.memberMail.count({
        where: { shop, customerId: mail.customerId, category: "marketing", status: "sent", sentAt: { gt: new Date(now.getTime() - 7 * 86_400_000) } },
      });
      if (lastWeek >= MARKETING_PER_WEEK) {
        await suppress(mail.id, "weekly-cap");
        continue;
      }
    }
    const balance = Math.max(0, (await memberBalance(prisma, member, now)).balance);
    // News of a reward goes only while it is true: the reward still offered, the points still there.
    const stale = mail.kind === "reward-unlocked" ? staleUnlock(mail.data as unknown as RewardUnlockedData, rewards, balance) : null;
    if (stale) {
      await suppress(mail.id, stale);
      continue;
    }
    // Claimed before it goes out: a run that dies while sending leaves it "sending", never sent twice.
    const claimed = await prisma.memberMail.updateMany({ where: { id: mail.id, status: "queued" }, data: { status: "sending", attempts: { increment: 1 } } });
    if (claimed.count === 0) continue;
    const locale = mailLocale(mail.locale || null);
    const unsubscribeUrl = `${settings.appUrl}/mail/unsubscribe?t=${unsubscribeToken({ shop, email, category, locale }, settings.secret)}`;
    const rendered = renderMemberMail(mail.kind, mail.data, {
      shop,
      customerId: mail.customerId,
      shopName: shopRow.name ?? shop,
      currency: shopRow.currency,
      timeZone: shopRow.timezone ?? "UTC",
      locale,
      firstName: member.firstName,
      balance,
      nextReward: cheapest ? { title: rewardTitle(cheapest, locale), pointsCost: cheapest.pointsCost } : null,
      unsubscribeUrl,
      referralTerms: mail.kind === "friend-ordered" ? (referralTerms ??= await loadReferralTerms(prisma, shop)) : null,
      rewards,
      shopLook: look,
      wordingOverride: variant,
      appUrl: settings.appUrl,
      secret: settings.secret,
      now,
    });
    try {
      const { messageId } = await transport.send({
        from: { name: shopRow.name ?? shop, address: settings.from },
        to: email,
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        headers: {
          "List-Unsubscribe": `<${unsubscribeUrl}>`,
          "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
          "X-Treue-Mail": mail.kind,
        },
      });
      await prisma.memberMail.update({ where: { id: mail.id }, data: { status: "sent", sentAt: new Date(), toAddress: email, subject: rendered.subject, messageId } });
      outcome.sent++;
    } catch (error) {
      if (isPermanentSmtpFailure(error)) {
        await prisma.$transaction([
          prisma.memberMail.update({ where: { id: mail.id }, data: { status: "failed", reason: String((error as Error).message).slice(0, 500), toAddress: email } }),
          prisma.mailSuppression.upsert({ where: { shop_email_category: { shop, email, category: "all" } }, create: { shop, email, category: "all", reason: "bounce" }, update: {} }),
        ]);
        outcome.failed++;
      } else {
        // Back in the queue for the engine's next try.
        await prisma.memberMail.update({ where: { id: mail.id }, data: { status: "queued", reason: String((error as Error).message).slice(0, 500) } });
        retryLater = error;
        break;
      }
    }
  }
  if (retryLater) throw retryLater;
  const more = await prisma.memberMail.count({ where: { shop, status: "queued" } });
  if (more > 0 && queued.length === SEND_BATCH) await sendShopJob(SHOP_JOBS.memberMails, shop, {});
  return outcome;
}

/** Why a reward-unlocked mail would no longer be true, or null. */
function staleUnlock(data: RewardUnlockedData, rewards: readonly Reward[], balance: number): "reward-gone" | "balance-below" | null {
  const reward = rewards.find((r) => r.id === data.rewardId);
  if (!reward) return "reward-gone";
  return balance < reward.pointsCost ? "balance-below" : null;
}

interface RenderContext extends MailFacts {
  shop: string;
  /** The shop's enabled rewards, in catalog order. */
  rewards: readonly Reward[];
  customerId: string;
  appUrl: string;
  secret: string;
  shopLook: ShopMailLook;
  /** An A/B test's second version: its wording instead of the shop's, in every language. */
  wordingOverride: MailWording | null;
  currency: string | null;
  timeZone: string;
  referralTerms: ReferralTerms | null;
  now: Date;
}

/** The merchant's placeholders for one mail: {points} is the event's, {tier} the tier it is about (reached, kept or lost). */
function placeholderValues(kind: string, stored: unknown, c: RenderContext): Partial<Record<MailPlaceholder, string>> {
  const number = (n: number) => new Intl.NumberFormat(c.locale === "de" ? "de-DE" : "en-GB").format(n);
  const data = stored as { points?: number; tier?: { name: string } | null; previousTier?: { name: string } | null };
  const points = kind === "friend-ordered" ? c.referralTerms?.advocatePoints : data.points;
  const tier = kind === "tier-lost" ? data.previousTier?.name : kind in TIER_DIRECTION ? data.tier?.name : undefined;
  return {
    shop: c.shopName,
    first_name: c.firstName ?? "",
    balance: number(c.balance),
    ...(typeof points === "number" ? { points: number(points) } : {}),
    ...(tier ? { tier } : {}),
  };
}

/** A queued mail as the member gets it: its kind's template with what the event recorded and the member now. */
function renderMemberMail(kind: string, stored: unknown, c: RenderContext): RenderedMail {
  const accountUrl = `https://${c.shop}/account`;
  const look = lookFor(c.shopLook.brand, c.wordingOverride ?? c.shopLook.wordings[wordingKey(kind, c.locale)], placeholderValues(kind, stored, c));
  const facts: MailFacts = { shopName: c.shopName, locale: c.locale, firstName: c.firstName, balance: c.balance, nextReward: c.nextReward, unsubscribeUrl: c.unsubscribeUrl, look };
  if (kind in TIER_DIRECTION) {
    const data = stored as TierMailData;
    return tierMail({ ...facts, ...data, direction: TIER_DIRECTION[kind], periodEnd: data.periodEnd ? new Date(data.periodEnd) : null, currency: c.currency, timeZone: c.timeZone, accountUrl });
  }
  const data = stored as { points: number; orderName?: string | null; availableAt?: string | null; expiresAt?: string };
  switch (kind) {
    case "win-back":
      return winBackMail({ ...facts, points: data.points, shopUrl: `https://${c.shop}` });
    case "points-expiring":
      return pointsExpiringMail({ ...facts, points: data.points, expiresAt: new Date(data.expiresAt!), timeZone: c.timeZone, accountUrl });
    case "birthday":
      return birthdayMail({ ...facts, points: data.points, accountUrl });
    case "reward-unlocked": {
      const unlocked = c.rewards.find((r) => r.id === (stored as RewardUnlockedData).rewardId)!;
      const next = nextRewardUp(c.rewards, c.balance);
      return rewardUnlockedMail({
        ...facts,
        reward: { title: rewardTitle(unlocked, c.locale), pointsCost: unlocked.pointsCost },
        nextUp: next && { title: rewardTitle(next, c.locale), pointsCost: next.pointsCost },
        accountUrl,
      });
    }
    case "friend-ordered":
      return friendOrderedMail({ ...facts, points: c.referralTerms!.advocatePoints, windowDays: c.referralTerms!.windowDays, accountUrl });
    case "referral-reward":
      return referralRewardMail({ ...facts, points: data.points, accountUrl });
    case "thank-you": {
      const order = stored as { orderId: string; orderName: string | null };
      const token = feedbackToken({ shop: c.shop, customerId: c.customerId, orderId: order.orderId, orderName: order.orderName ?? "", locale: c.locale }, c.secret);
      return thankYouMail({ ...facts, orderName: order.orderName, feedbackUrl: `${c.appUrl}/feedback?t=${token}` });
    }
    case "points-earned": {
      const availableAt = data.availableAt ? new Date(data.availableAt) : null;
      return pointsEarnedMail({
        ...facts,
        points: data.points,
        orderName: data.orderName ?? null,
        spendableFrom: availableAt && availableAt > c.now ? availableAt : null,
        timeZone: c.timeZone,
        accountUrl,
      });
    }
    default:
      throw new Error(`no template for member mail kind ${kind}`);
  }
}

/** Records an opt-out from a link (idempotent: the same link again changes nothing). */
export async function unsubscribe(prisma: PrismaClient, claim: { shop: string; email: string; category: MailCategory }): Promise<void> {
  await prisma.mailSuppression.upsert({
    where: { shop_email_category: { shop: claim.shop, email: claim.email.toLowerCase(), category: claim.category } },
    create: { shop: claim.shop, email: claim.email.toLowerCase(), category: claim.category, reason: "unsubscribe" },
    update: {},
  });
}

/** A member's mail, newest first (the member page). */
export async function mailsOfMember(prisma: PrismaClient, shop: string, customerId: string, take = 20) {
  const rows = await prisma.memberMail.findMany({ where: { shop, customerId }, orderBy: { id: "desc" }, take });
  return rows.map((r) => ({
    id: String(r.id),
    kind: r.kind,
    category: r.category,
    status: r.status,
    reason: r.reason,
    subject: r.subject,
    at: (r.sentAt ?? r.createdAt).toISOString(),
  }));
}


/**
 * customers/redact (and customers/delete): the customer's mail records (address, subject) and their address's
 * opt-outs go. An erased member gets no mail anyway (mayReceive).
 */
async function eraseMemberMail(tx: Db, event: { shop: string; payload: unknown }): Promise<void> {
  const customer = (event.payload as { customer?: { id?: unknown; email?: unknown } }).customer;
  const id = customer?.id;
  if (typeof id !== "number" && typeof id !== "string") throw new UnusablePayloadError("customers/redact without customer.id");
  const sql = sqlOf(tx);
  await sql.execute(`DELETE FROM "MemberMail" WHERE "shop" = $1 AND "customerId" = $2`, [event.shop, String(id)]);
  await eraseCustomerFeedback(tx, event.shop, String(id));
  if (typeof customer?.email === "string" && customer.email.trim()) {
    await sql.execute(`DELETE FROM "MailSuppression" WHERE "shop" = $1 AND "email" = $2`, [event.shop, customer.email.trim().toLowerCase()]);
  }
}

export const memberMailSteps: Record<string, WebhookStep[]> = {
  CUSTOMERS_REDACT: [eraseMemberMail],
};
