/**
 * The small pages a member opens from a mail (unsubscribe, feedback): plain HTML in the mail's language, no admin
 * frame, not indexed, never cached. Everything given is escaped by the caller.
 */
import { escapeHtml } from "./mail-layout";

export function memberPage(locale: "en" | "de", title: string, body: string, status = 200): Response {
  const html = `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title></head>
<body style="margin:0;padding:24px;font:16px/1.5 -apple-system,BlinkMacSystemFont,'Segoe UI',sans-serif;color:#202223;background:#f6f6f7">
<main style="max-width:480px;margin:40px auto;background:#fff;border-radius:12px;padding:24px"><h1 style="font-size:20px;margin-top:0">${escapeHtml(title)}</h1>${body}</main></body></html>`;
  return new Response(html, { status, headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", "X-Robots-Tag": "noindex" } });
}
