import { APP_URL, LOYALTY_PATH, REQUEST_TIMEOUT_MS } from "./config";

/**
 * What GET {APP_URL}/api/loyalty answers for the buyer in the session token (`sub` claim).
 * Only `balance` is used so far; extra fields are ignored.
 */
export interface LoyaltyState {
  /** Redeemable points, a non-negative integer. */
  balance: number;
}

export class LoyaltyUnavailableError extends Error {
  override name = "LoyaltyUnavailableError";
}

/**
 * Fetches the buyer's loyalty state from the Treue app.
 * Any failure (no APP_URL in the build, network error, timeout, non-2xx, bad JSON)
 * becomes a LoyaltyUnavailableError so the UI can show one non-blocking notice.
 */
export async function fetchLoyaltyState(sessionToken: string, signal?: AbortSignal): Promise<LoyaltyState> {
  if (!APP_URL) throw new LoyaltyUnavailableError("APP_URL was not set when the extension was built");

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  const onAbort = () => controller.abort();
  signal?.addEventListener("abort", onAbort);
  try {
    let response: Response;
    try {
      response = await fetch(`${APP_URL}${LOYALTY_PATH}`, {
        method: "GET",
        headers: { Authorization: `Bearer ${sessionToken}`, Accept: "application/json" },
        signal: controller.signal,
      });
    } catch (error) {
      throw new LoyaltyUnavailableError(`request failed: ${String(error)}`);
    }
    if (!response.ok) throw new LoyaltyUnavailableError(`HTTP ${response.status}`);
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw new LoyaltyUnavailableError("response is not JSON");
    }
    return parseLoyaltyState(body);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}

export function parseLoyaltyState(body: unknown): LoyaltyState {
  const balance = (body as { balance?: unknown } | null)?.balance;
  if (typeof balance !== "number" || !Number.isSafeInteger(balance) || balance < 0) {
    throw new LoyaltyUnavailableError("response has no valid balance");
  }
  return { balance };
}
