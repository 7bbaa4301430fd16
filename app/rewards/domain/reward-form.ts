/**
 * The admin's reward form: fields as typed (text) → a Reward for rewardProblems, and back. Amounts are
 * decimals in the shop currency; a field that is not a number is reported by its own problem code.
 */
import { formatMinor, parseMinor } from "~/points/domain/money";
import { DEFAULT_COMBINES_WITH, rewardProblems, withGeneratedTitle, type Reward, type RewardKind, type RewardProblem } from "./catalog";

export const REWARD_KINDS: readonly RewardKind[] = ["fixed-amount-off", "percentage-off", "free-shipping", "free-product", "store-credit"];

export interface RewardFormValues {
  /** Empty for a new reward: one is derived from the title. */
  id: string;
  kind: string;
  /** Empty: the reward is named after what it gives, in each reader's language ("€5.00 off", "5,00 € Rabatt"). */
  title: string;
  pointsCost: string;
  amountOff: string;
  percentOff: string;
  maximumShippingPrice: string;
  productVariantId: string;
  /** store-credit: the amount credited, and after how many days it expires (empty: never). */
  credit: string;
  creditExpiresInDays: string;
  minimumSubtotal: string;
  combinesWithProductDiscounts: boolean;
  combinesWithOrderDiscounts: boolean;
  combinesWithShippingDiscounts: boolean;
}

export type RewardFormResult = { ok: true; reward: Reward } | { ok: false; problems: RewardProblem[] };

const REWARD_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** A stable id from the title ("10 % off!" → "10-off"), with a suffix when it is taken. */
export function rewardIdFor(title: string, taken: ReadonlySet<string>): string {
  const base =
    title
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 40) || "reward";
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

const whole = (s: string) => (/^\s*\d+\s*$/.test(s) ? Number(s) : NaN);
const decimal = (s: string, currency: string) => parseMinor(s.trim().replace(",", "."), currency);

/** The reward the form describes, or every problem with it (field names as in the form). */
export function rewardFromForm(values: RewardFormValues, shopCurrency: string, takenIds: ReadonlySet<string>): RewardFormResult {
  const currency = shopCurrency.toUpperCase();
  const problems: RewardProblem[] = [];
  const kind = values.kind as RewardKind;
  if (!REWARD_KINDS.includes(kind)) return { ok: false, problems: [{ code: "kind-invalid", index: 0, field: "kind" }] };
  const title = values.title.trim();
  const money = (field: string, text: string, optional: boolean) => {
    if (optional && text.trim() === "") return undefined;
    const minor = decimal(text, currency);
    if (minor === null) {
      problems.push({ code: field === "minimumSubtotal" ? "minimum-subtotal-invalid" : "amount-invalid", index: 0, field });
      return undefined;
    }
    return { amountMinor: minor, currency };
  };
  const minimumSubtotal = money("minimumSubtotal", values.minimumSubtotal, true);
  const base = {
    id: values.id.trim(),
    // An empty name: the reward is named after what it gives, in each reader's language.
    ...(title ? { title } : { title: "", autoTitle: true }),
    pointsCost: whole(values.pointsCost),
    ...(minimumSubtotal && minimumSubtotal.amountMinor > 0 ? { minimumSubtotal } : {}),
    combinesWith: {
      productDiscounts: values.combinesWithProductDiscounts,
      orderDiscounts: values.combinesWithOrderDiscounts,
      shippingDiscounts: values.combinesWithShippingDiscounts,
    },
  };
  let reward: Reward;
  switch (kind) {
    case "fixed-amount-off": {
      const amountOff = money("amountOff", values.amountOff, false);
      reward = { ...base, kind, amountOff: amountOff ?? { amountMinor: NaN, currency } };
      break;
    }
    case "percentage-off":
      reward = { ...base, kind, percentOff: whole(values.percentOff) };
      break;
    case "free-shipping": {
      const maximumShippingPrice = money("maximumShippingPrice", values.maximumShippingPrice, true);
      reward = { ...base, kind, ...(maximumShippingPrice ? { maximumShippingPrice } : {}) };
      break;
    }
    case "free-product": {
      const raw = values.productVariantId.trim();
      // Merchants copy the number from the admin URL; the GID is what the Admin API wants.
      reward = { ...base, kind, productVariantId: /^\d+$/.test(raw) ? `gid://shopify/ProductVariant/${raw}` : raw };
      break;
    }
    case "store-credit": {
      const credit = money("credit", values.credit, false);
      const days = values.creditExpiresInDays.trim();
      reward = { ...base, kind, credit: credit ?? { amountMinor: NaN, currency }, ...(days ? { expiresInDays: whole(days) } : {}) };
      break;
    }
  }
  if (reward.autoTitle && !problems.length) reward = withGeneratedTitle(reward);
  // A new reward's id comes from its name (the English one for an unnamed reward).
  if (!reward.id) reward = { ...reward, id: rewardIdFor(reward.title || kind, takenIds) };
  if (!REWARD_ID.test(reward.id)) problems.push({ code: "id-invalid", index: 0, field: "id" });
  // Money problems were reported while parsing; rewardProblems would report the NaN placeholder again.
  const seen = new Set(problems.map((p) => `${p.code}:${p.field}`));
  // The catalog names the expiry `expiresInDays`; the form's field is `creditExpiresInDays`.
  const formField = (field: string) => (field === "expiresInDays" ? "creditExpiresInDays" : field);
  for (const p of rewardProblems(reward, currency)) {
    const problem = { ...p, field: formField(p.field) };
    if (!seen.has(`${problem.code}:${problem.field}`)) problems.push(problem);
  }
  return problems.length ? { ok: false, problems } : { ok: true, reward };
}

/** The form's fields for an existing reward (or a new one of `kind`). */
export function rewardFormValues(reward: Reward | null, shopCurrency: string): RewardFormValues {
  const currency = shopCurrency.toUpperCase();
  const fmt = (m: { amountMinor: number } | undefined) => (m ? formatMinor(m.amountMinor, currency) : "");
  const combines = reward?.combinesWith ?? DEFAULT_COMBINES_WITH;
  return {
    id: reward?.id ?? "",
    kind: reward?.kind ?? "fixed-amount-off",
    title: reward && !reward.autoTitle ? reward.title : "",
    pointsCost: reward ? String(reward.pointsCost) : "",
    amountOff: reward?.kind === "fixed-amount-off" ? fmt(reward.amountOff) : "",
    percentOff: reward?.kind === "percentage-off" ? String(reward.percentOff) : "",
    maximumShippingPrice: reward?.kind === "free-shipping" ? fmt(reward.maximumShippingPrice) : "",
    productVariantId: reward?.kind === "free-product" ? reward.productVariantId : "",
    credit: reward?.kind === "store-credit" ? fmt(reward.credit) : "",
    creditExpiresInDays: reward?.kind === "store-credit" && reward.expiresInDays !== undefined ? String(reward.expiresInDays) : "",
    minimumSubtotal: fmt(reward?.minimumSubtotal),
    combinesWithProductDiscounts: combines.productDiscounts,
    combinesWithOrderDiscounts: combines.orderDiscounts,
    combinesWithShippingDiscounts: combines.shippingDiscounts,
  };
}
