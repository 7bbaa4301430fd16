// The setup guide on the admin home (issue 16: from install to a running program in minutes): the steps a merchant
// takes, which of them the app marks done itself (a saved program, a changed reward, imported balances) and which
// only the merchant can confirm (blocks placed in the theme and checkout editors, which Shopify does not report to
// the app), and the deep links into Shopify's editors. Pure.

export const SETUP_STEPS = ["earning", "rewards", "storefront", "thankYou", "checkout", "balances"] as const;
export type SetupStep = (typeof SETUP_STEPS)[number];

/** Steps a program runs without: points in checkout needs Shopify Plus; balances only matter when moving from another app. */
const OPTIONAL: ReadonlySet<SetupStep> = new Set(["checkout", "balances"]);

/**
 * Who marked a step done: the app, when the merchant did the step inside it (saved the program, changed a reward,
 * imported balances), or the merchant, for steps done in Shopify's editors, which do not tell the app.
 */
export type MarkedBy = "app" | "merchant";

export interface SetupStepState {
  id: SetupStep;
  done: boolean;
  /** Marked by the app: done for certain, nothing for the merchant to undo. */
  seen: boolean;
  optional: boolean;
}

export interface SetupGuide {
  steps: SetupStepState[];
  /** Required steps done / required steps. */
  done: number;
  total: number;
  /** Every required step done, or the merchant dismissed the guide: the home page no longer shows it. */
  hidden: boolean;
  dismissed: boolean;
}

export function setupGuide(marks: ReadonlyMap<string, MarkedBy>, dismissed: boolean): SetupGuide {
  const steps = SETUP_STEPS.map((id) => ({ id, done: marks.has(id), seen: marks.get(id) === "app", optional: OPTIONAL.has(id) }));
  const required = steps.filter((s) => !s.optional);
  const done = required.filter((s) => s.done).length;
  return { steps, done, total: required.length, hidden: dismissed || done === required.length, dismissed };
}

export function isSetupStep(value: unknown): value is SetupStep {
  return typeof value === "string" && (SETUP_STEPS as readonly string[]).includes(value);
}

/** The shop's admin origin from its myshopify domain ("treue-demo.myshopify.com" → https://treue-demo.myshopify.com/admin). */
function adminBase(shop: string): string {
  if (!/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(shop)) throw new RangeError(`not a myshopify domain: ${shop}`);
  return `https://${shop}/admin`;
}

/**
 * The theme editor with the app embed switched on (Shopify's deep link for app embed blocks: `activateAppId` is the
 * app's client id and the block's file name), on the live theme's app embeds panel.
 */
export function themeEmbedLink(shop: string, apiKey: string, handle: string): string {
  return `${adminBase(shop)}/themes/current/editor?context=apps&activateAppId=${encodeURIComponent(apiKey)}/${encodeURIComponent(handle)}`;
}

/** The checkout and accounts editor on one page (thank-you, order-status, checkout), its apps panel open. */
export function checkoutEditorLink(shop: string, page: "thank-you" | "order-status" | "checkout"): string {
  return `${adminBase(shop)}/settings/checkout/editor?page=${page}&context=apps`;
}
