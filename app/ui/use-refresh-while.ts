// Long work (a history import, the CLV forecast, a segment sync) shows its progress by itself: while `active`,
// the page's data is fetched again every few seconds (Remix revalidation: no reload, the form state stays), only
// while the tab is visible and no other load is running.
import { useEffect, useRef } from "react";
import { useRevalidator } from "@remix-run/react";

export const REFRESH_EVERY_MS = 3000;

export function useRefreshWhile(active: boolean, everyMs = REFRESH_EVERY_MS) {
  const revalidator = useRevalidator();
  const latest = useRef(revalidator);
  latest.current = revalidator;
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      if (document.visibilityState === "visible" && latest.current.state === "idle") latest.current.revalidate();
    }, everyMs);
    return () => clearInterval(timer);
  }, [active, everyMs]);
}
