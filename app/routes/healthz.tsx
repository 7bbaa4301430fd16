// GET /healthz: the process is up (liveness). Touches nothing else, so a slow database never gets a healthy
// instance restarted.
export const loader = () => new Response("ok\n", { headers: { "Content-Type": "text/plain", "Cache-Control": "no-store" } });
