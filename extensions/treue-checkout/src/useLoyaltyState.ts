// The member's loyalty state from the app, loaded once per mount (and again when the order changes), for the
// blocks after a purchase and the rewards page in the customer account.
import { useEffect, useState } from "preact/hooks";
import { fetchLoyaltyState, type LoyaltyState } from "./loyalty";

export function useLoyaltyState(sessionToken: () => Promise<string>, orderId?: string): LoyaltyState | "loading" | "failed" {
  const [state, setState] = useState<LoyaltyState | "loading" | "failed">("loading");
  useEffect(() => {
    const controller = new AbortController();
    (async () => {
      try {
        const loyalty = await fetchLoyaltyState(await sessionToken(), controller.signal, orderId);
        if (!controller.signal.aborted) setState(loyalty);
      } catch (error) {
        if (controller.signal.aborted) return;
        console.warn("[treue] loyalty points unavailable:", error);
        setState("failed");
      }
    })();
    return () => controller.abort();
  }, [orderId]);
  return state;
}
