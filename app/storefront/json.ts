// JSON answers of the buyer-facing API (/api/loyalty*, the app proxy), as Remix's `json` but with their
// Content-Length. Without it the server's compression cannot see that an answer is small and gzips every one
// (Remix writes the body as a stream), which cost a redemption more CPU than its ledger statements; with it,
// answers under 1 KB go as they are and larger ones are still compressed.
const encoder = new TextEncoder();

export function json(data: unknown, init: number | ResponseInit = {}): Response {
  const { status, statusText, headers } = typeof init === "number" ? { status: init, statusText: undefined, headers: undefined } : init;
  const body = encoder.encode(JSON.stringify(data));
  const answer = new Headers(headers);
  if (!answer.has("Content-Type")) answer.set("Content-Type", "application/json; charset=utf-8");
  answer.set("Content-Length", String(body.byteLength));
  return new Response(body, { status: status ?? 200, statusText, headers: answer });
}
