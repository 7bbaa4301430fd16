// One way to call the Admin API: the library's authenticated client (admin.graphql), with
// GraphQL errors turned into one exception type that says which operation failed and why.
import type { AdminApiContext } from "@shopify/shopify-app-remix/server";

export type AdminGraphql = AdminApiContext["graphql"];

/** Shopify's cost bucket as a throttled answer reports it (`extensions.cost`). */
export interface ThrottleStatus {
  requestedQueryCost: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export class AdminApiError extends Error {
  constructor(
    readonly operation: string,
    readonly errors: unknown,
    readonly throttled = false,
    readonly throttleStatus: ThrottleStatus | null = null,
  ) {
    super(`Shopify Admin API ${operation} failed: ${describeErrors(errors)}`);
    this.name = "AdminApiError";
  }
}

function describeErrors(errors: unknown): string {
  if (Array.isArray(errors)) return errors.map((e) => (e as { message?: string }).message ?? String(e)).join("; ");
  if (errors && typeof errors === "object" && "message" in errors) return String((errors as { message: unknown }).message);
  return typeof errors === "string" ? errors : JSON.stringify(errors);
}

function throttleStatusOf(extensions: unknown): ThrottleStatus | null {
  const cost = (extensions as { cost?: { requestedQueryCost?: unknown; throttleStatus?: { currentlyAvailable?: unknown; restoreRate?: unknown } } } | undefined)?.cost;
  const requested = cost?.requestedQueryCost;
  const available = cost?.throttleStatus?.currentlyAvailable;
  const rate = cost?.throttleStatus?.restoreRate;
  if (typeof requested !== "number" || typeof available !== "number" || typeof rate !== "number" || !(rate > 0)) return null;
  return { requestedQueryCost: requested, currentlyAvailable: available, restoreRate: rate };
}

/**
 * How long Shopify's bucket needs to refill enough for the throttled request: (requested − available) /
 * restoreRate, plus a small margin for the clock skew between us and Shopify. Null when the answer said nothing.
 */
export function throttleWaitMs(error: unknown): number | null {
  if (!(error instanceof AdminApiError && error.throttled)) return null;
  const status = error.throttleStatus;
  if (!status) return null;
  const missing = Math.max(0, status.requestedQueryCost - status.currentlyAvailable);
  return Math.ceil((missing / status.restoreRate) * 1000) + THROTTLE_MARGIN_MS;
}

const THROTTLE_MARGIN_MS = 20;

/**
 * Queues the callers of one shop that were throttled together. Each throttled answer says how long *that*
 * request must wait, but the same refill can only pay for one of them: without a queue, four callers wake
 * at once, one gets through and three are throttled again (and the retries cost the shop CPU and us time).
 * The gate hands out consecutive slots instead, each as long as the bucket needs to refill one request's cost.
 * Per process; other processes and apps still compete, and a caller throttled again just takes a new slot.
 */
export class ThrottleGate {
  private nextFreeAt = 0;
  /**
   * How long to wait, at least `waitMs`, after the slots already handed out; null (and nothing reserved)
   * when the slot would start after `deadline`, so a caller giving up doesn't push back those queued after it.
   */
  reserve(waitMs: number, status: ThrottleStatus | null, now = Date.now(), deadline = Infinity): number | null {
    const start = Math.max(now + waitMs, this.nextFreeAt);
    if (start > deadline) return null;
    const slotMs = status ? Math.ceil((status.requestedQueryCost / status.restoreRate) * 1000) : 0;
    this.nextFreeAt = start + slotMs;
    return start - now;
  }
}

const gates = new Map<string, ThrottleGate>();
/** The process's queue for one shop's Admin API bucket. */
export function throttleGateFor(shop: string): ThrottleGate {
  let gate = gates.get(shop);
  if (!gate) gates.set(shop, (gate = new ThrottleGate()));
  return gate;
}

export interface ThrottleRetryOptions {
  /** Attempts in all (the first one included). */
  maxAttempts: number;
  /** Instant (ms, same clock as `now`) after which a wait is not worth it: the error is thrown at once instead. */
  deadline?: number;
  /** The least to wait before attempt n + 1 (n ≥ 1), e.g. a background job's exponential floor. */
  minWaitMs?: (attempt: number) => number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Told every wait, so callers can report time spent waiting for Shopify apart from their own. */
  onWait?: (ms: number) => void;
  /** Queue with the shop's other throttled callers in this process (see ThrottleGate). */
  gate?: ThrottleGate;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs an Admin API call again after THROTTLED, waiting as long as the cost extension says the bucket needs
 * (one fixed backoff is either too short, and throttled again, or longer than needed). Any other error is
 * thrown at once; so is a throttle whose wait would end after the deadline.
 */
export async function retryWhenThrottled<T>(run: () => Promise<T>, options: ThrottleRetryOptions): Promise<T> {
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof AdminApiError && error.throttled) || attempt >= options.maxAttempts) throw error;
      // Without a cost extension, one second: Shopify restores 50–100 points a second, enough for any mutation.
      const asked = Math.max(throttleWaitMs(error) ?? 1000, options.minWaitMs?.(attempt) ?? 0);
      const deadline = options.deadline ?? Infinity;
      const wait = options.gate ? options.gate.reserve(asked, error.throttleStatus, now(), deadline) : now() + asked > deadline ? null : asked;
      if (wait === null) throw error;
      options.onWait?.(wait);
      await sleep(wait);
    }
  }
}

/** `promise`, or a rejection after `ms` (the call itself may still be applied by Shopify later). */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A buyer waits on the redemption: a few seconds for Shopify's bucket is fine, more is not. */
const BUYER_THROTTLE_BUDGET_MS = 4000;

/**
 * Admin calls for one redemption a buyer waits on: each attempt given `callTimeoutMs` (default 8 s), THROTTLED
 * ones retried as the shop's bucket allows (one gate per shop) within one budget for all the redemption's calls.
 */
export function buyerWaitingCalls(
  shop: string,
  options: { callTimeoutMs?: number; throttleBudgetMs?: number; onThrottleWait?: (ms: number) => void },
): <T>(graphql: AdminGraphql, document: string, variables: Record<string, unknown>) => Promise<T> {
  const timeoutMs = options.callTimeoutMs ?? 8000;
  const deadline = Date.now() + (options.throttleBudgetMs ?? BUYER_THROTTLE_BUDGET_MS);
  return <T>(graphql: AdminGraphql, document: string, variables: Record<string, unknown>) =>
    retryWhenThrottled(() => withTimeout(runAdminOperation<T>(graphql, document, variables), timeoutMs), {
      maxAttempts: 20,
      deadline,
      gate: throttleGateFor(shop),
      onWait: options.onThrottleWait,
    });
}

function operationName(document: string): string {
  return /(?:query|mutation)\s+(\w+)/.exec(document)?.[1] ?? "operation";
}

export async function runAdminOperation<T>(
  graphql: AdminGraphql,
  document: string,
  variables?: Record<string, unknown>,
): Promise<T> {
  const name = operationName(document);
  let response: Response;
  try {
    response = await graphql(document, variables ? { variables } : undefined);
  } catch (error) {
    // The library throws GraphqlQueryError (with .body.errors) for GraphQL-level errors.
    // Its body also carries `extensions.cost`, which says how long a throttled request has to wait.
    const body = (error as { body?: { errors?: unknown; extensions?: unknown } }).body;
    if (body?.errors) {
      const codes = JSON.stringify(body.errors);
      throw new AdminApiError(name, body.errors, codes.includes("THROTTLED"), throttleStatusOf(body.extensions));
    }
    throw error;
  }
  const json = (await response.json()) as { data?: T; errors?: unknown; extensions?: unknown };
  if (json.errors) throw new AdminApiError(name, json.errors, JSON.stringify(json.errors).includes("THROTTLED"), throttleStatusOf(json.extensions));
  if (!json.data) throw new AdminApiError(name, "no data in the response");
  return json.data;
}
