// Background runs of one shop (the history import, a segment tag sync, the CLV forecast, a segment bonus, member e-mails, Flow triggers) go through the job engine:
// one queue each, "stately" by shop, so at most one run of a kind per shop is running and one waiting in the whole
// cluster; two instances never import the same shop twice, and a run whose instance died is taken over once its
// heartbeat lapses. Services send them from here; the engine connects itself when it starts
// (app/jobs/engine.server.ts), so this module imports nothing of the app.
export const SHOP_JOBS = {
  historyImport: "shop.history-import",
  segmentSync: "shop.segment-sync",
  clvForecast: "shop.clv-forecast",
  segmentBonus: "shop.segment-bonus",
  memberMails: "shop.member-mails",
  flowTriggers: "shop.flow-triggers",
} as const;

export type ShopJob = (typeof SHOP_JOBS)[keyof typeof SHOP_JOBS];
export type ShopJobData = Record<string, string | number | boolean | null>;
export type ShopJobSender = (job: ShopJob, shop: string, data: ShopJobData) => Promise<void>;
/** Runs one job of a shop; throwing makes the engine retry it with backoff. */
export type ShopJobHandler = (shop: string, data: ShopJobData) => Promise<void>;

let sender: ShopJobSender | null = null;

/** Called by the engine on start (and with null on stop). */
export function connectShopJobs(next: ShopJobSender | null): void {
  sender = next;
}

/** Queues the shop's run of `job` (a no-op when one is already waiting: it will do the same work). */
export async function sendShopJob(job: ShopJob, shop: string, data: ShopJobData = {}): Promise<void> {
  if (!sender) throw new Error(`no job engine runs in this process, so ${job} for ${shop} cannot be queued`);
  await sender(job, shop, data);
}
