/**
 * "Reward unlocked" (a service mail): the moment a member's spendable points first reach a reward. The mail job
 * looks at each positive ledger entry when it becomes spendable (at once, or when its pending days are over) with
 * the member's spendable balance just before and just after it; `unlockedReward` says which reward, if any, that
 * entry brought within reach. A member told about a reward hears about it again only after the balance fell below
 * it (a redemption, expiry, a clawback) and climbed back.
 */
import { greeting, nextRewardLine, pointsText, renderMail, serviceFooter, type MailFacts, type RenderedMail } from "../mail-layout";

export interface PricedReward {
  id: string;
  pointsCost: number;
}

/**
 * The reward an entry of `gained` points unlocked, taking the spendable balance from `after − gained` to `after`:
 * the dearest reward whose cost lies in (before, after]; of equal costs the first in catalog order. None when the
 * balance only grew past rewards it already reached, or when `gained` is not positive.
 */
export function unlockedReward<R extends PricedReward>(rewards: readonly R[], after: number, gained: number): R | null {
  if (!(gained > 0)) return null;
  const before = after - gained;
  let best: R | null = null;
  for (const r of rewards) {
    if (r.pointsCost > before && r.pointsCost <= after && (!best || r.pointsCost > best.pointsCost)) best = r;
  }
  return best;
}

export interface RewardUnlockedFacts extends MailFacts {
  reward: { title: string; pointsCost: number };
  /** The cheapest reward the balance does not reach yet, if any: what to save for next. */
  nextUp: { title: string; pointsCost: number } | null;
  accountUrl: string;
}

/** The cheapest of `rewards` that costs more than `balance`, or null. */
export function nextRewardUp<R extends PricedReward>(rewards: readonly R[], balance: number): R | null {
  let best: R | null = null;
  for (const r of rewards) if (r.pointsCost > balance && (!best || r.pointsCost < best.pointsCost)) best = r;
  return best;
}

/** "You can now redeem €5.00 off at Tea & Co": the reward, its cost, the balance, the way to redeem it. */
export function rewardUnlockedMail(f: RewardUnlockedFacts): RenderedMail {
  const de = f.locale === "de";
  const p = (v: number) => pointsText(f.locale, v);
  const next = f.nextUp && f.nextUp.pointsCost > f.balance ? nextRewardLine(f.locale, f.balance, f.nextUp) : null;
  return renderMail({
    locale: f.locale,
    subject: de ? `Jetzt einlösbar bei ${f.shopName}: ${f.reward.title}` : `You can now redeem ${f.reward.title} at ${f.shopName}`,
    shopName: f.shopName,
    greeting: greeting(f.locale, f.firstName),
    lines: [
      de
        ? `Sie haben jetzt ${p(f.balance)}: genug für ${f.reward.title} (${p(f.reward.pointsCost)}).`
        : `You now have ${p(f.balance)}: enough for ${f.reward.title} (${p(f.reward.pointsCost)}).`,
      de
        ? "Lösen Sie die Prämie in Ihrem Kundenkonto ein, wann immer Sie möchten; den Code geben Sie an der Kasse ein."
        : "Redeem it in your account whenever you like, and use the code at checkout.",
      ...(next ? [next] : []),
    ],
    button: { label: de ? "Prämie einlösen" : "Redeem your reward", url: f.accountUrl },
    footer: serviceFooter(f.locale, f.shopName),
    unsubscribeUrl: f.unsubscribeUrl,
    look: f.look,
  });
}
