// The production server (`npm start`): what remix-serve sets up — compression, the built assets with
// long cache lifetimes, a request log, the Remix request handler — plus a short path for Shopify's webhook
// deliveries, which skips all of that (docs/decisions/013-webhook-server-entry.md).
//
//   node server.mjs [build/server/index.js]      PORT and HOST as for remix-serve
// @ts-check
import { randomUUID } from "node:crypto";
import http from "node:http";
import path from "node:path";
import url from "node:url";
import util from "node:util";
import { createRequestHandler } from "@remix-run/express";
import { installGlobals } from "@remix-run/node";
import compression from "compression";
import express from "express";
import morgan from "morgan";
import sourceMapSupport from "source-map-support";
import { resourceRouteTables } from "./server/resource-routes.mjs";

// The Shopify libraries need Node 22; npm scripts get it from node_modules (node@22), a host must bring its own.
if (Number(process.versions.node.split(".")[0]) < 22) {
  console.error(`Treue needs Node 22 or newer, this is ${process.version}. Run it through npm (npm start), which uses the Node 22 in node_modules, or install Node 22 on this host.`);
  process.exit(1);
}
process.env.NODE_ENV = process.env.NODE_ENV ?? "production";
sourceMapSupport.install();

// Production logs one JSON object per line (LOG_FORMAT=json, the default unless the demo runs the app): the
// request lines below and everything the app writes with console.* (jobs, webhooks, errors with their stack),
// so a log collector never has to guess where a multi-line stack trace ends.
const JSON_LOGS = (process.env.LOG_FORMAT ?? (process.env.TREUE_DEMO === "1" ? "text" : "json")) === "json";
if (JSON_LOGS) {
  /** @param {"info" | "warn" | "error" | "debug"} level @param {NodeJS.WriteStream} stream */
  const jsonConsole = (level, stream) => (/** @type {unknown[]} */ ...args) => {
    stream.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg: util.format(...args) })}\n`);
  };
  console.log = jsonConsole("info", process.stdout);
  console.info = jsonConsole("info", process.stdout);
  console.debug = jsonConsole("debug", process.stdout);
  console.warn = jsonConsole("warn", process.stderr);
  console.error = jsonConsole("error", process.stderr);
}
// Node's own fetch, Request and Response (what the dev server uses too), not Remix's polyfills.
installGlobals({ nativeFetch: true });

const buildPath = path.resolve(process.argv[2] ?? "build/server/index.js");
const build = await import(url.pathToFileURL(buildPath).href);
// The composition root: importing the build starts nothing; the background work (job engine, webhook worker,
// schedules) starts here, once, before the first request, and stops on SIGTERM below
// (build.entry.module.start / shutdown, app/webhooks.server.ts).
try {
  await build.entry?.module?.start?.();
} catch (error) {
  console.error("[treue] the background work could not start:", error);
  process.exit(1);
}

/**
 * The webhook routes by URL path ("/webhooks/orders/create" → that route module). A delivery is a POST
 * to one of these exact paths; everything else goes through Remix as usual.
 * @type {Map<string, { action: (args: { readonly request: Request; params: Record<string, string>; context: object }) => Promise<Response> }>}
 */
const webhookRoutes = new Map();
for (const route of Object.values(build.routes)) {
  if (route.path?.startsWith("webhooks/") && route.parentId === "root" && !/[:*]/.test(route.path) && route.module.action) {
    webhookRoutes.set(`/${route.path}`, route.module);
  }
}

/**
 * Hands a delivery straight to its route's action: the same code (verification, the inbox, the 200)
 * without Express's middleware, gzip of an empty answer, a log line per delivery and Remix's route
 * matching, which together cost more than the verification and the INSERT.
 * @param {http.IncomingMessage} req
 * @param {http.ServerResponse} res
 * @param {{ action: Function }} route
 */
function receiveDelivery(req, res, route) {
  /** @type {Buffer[]} */
  const chunks = [];
  let size = 0;
  let refused = false;
  req.on("data", (chunk) => {
    if (refused) return;
    size += chunk.length;
    // A body with no Content-Length (chunked) is counted as it comes: past the cap nothing more is kept.
    if (size > WEBHOOK_MAX_BYTES) {
      refused = true;
      chunks.length = 0;
      tooLarge(req, res, WEBHOOK_MAX_BYTES);
      return;
    }
    chunks.push(chunk);
  });
  req.on("error", () => res.destroy());
  req.on("end", async () => {
    if (refused) return;
    // Only Shopify's own headers (what the verification reads), lower-case; the route builds a Request from
    // them only when a delivery is not accepted at once and authenticate.webhook has to answer it.
    /** @type {Map<string, string>} */
    const shopifyHeaders = new Map();
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i].toLowerCase();
      if (!name.startsWith("x-shopify-") && !name.startsWith("shopify-")) continue;
      const seen = shopifyHeaders.get(name);
      shopifyHeaders.set(name, seen === undefined ? req.rawHeaders[i + 1] : `${seen}, ${req.rawHeaders[i + 1]}`);
    }
    const delivery = {
      url: `${origin(req)}${req.url}`,
      /** @param {string} name */
      header: (name) => shopifyHeaders.get(name),
      body: Buffer.concat(chunks),
    };
    const args = {
      get request() {
        return new Request(delivery.url, { method: "POST", headers: [...shopifyHeaders], body: delivery.body });
      },
      params: {},
      context: { treueDelivery: delivery },
    };
    /** @type {Response} */
    let response;
    try {
      response = await route.action(args);
    } catch (thrown) {
      // authenticate.webhook throws its answers (401 bad HMAC, 400 missing headers, …).
      if (thrown instanceof Response) response = thrown;
      else {
        console.error(`[treue] webhook ${req.url}:`, thrown);
        response = new Response(null, { status: 500 });
      }
    }
    const body = response.body ? Buffer.from(await response.arrayBuffer()) : null;
    if (response.status >= 300) log({ requestId: requestIdOf(req), method: "POST", path: pathOf(req), status: response.status }, `POST ${pathOf(req)} ${response.status}`);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(body);
  });
}

// Shopify's webhook bodies are far below this (its own limit is a few MB); anything larger is not Shopify's.
const WEBHOOK_MAX_BYTES = Number(process.env.WEBHOOK_MAX_BYTES || 5 * 1024 * 1024);
// The app's other POSTs (admin forms, /api/loyalty*) carry a few KB.
const REQUEST_MAX_BYTES = Number(process.env.REQUEST_MAX_BYTES || 1024 * 1024);

/**
 * 413. The rest of the body is read and dropped (nothing is kept), so that a client still sending gets to read
 * the answer instead of a reset (answering with Connection: close makes Node close the socket under a client
 * still writing: EPIPE); a body still arriving 2 s after the answer has its connection closed.
 * @param {http.IncomingMessage} req @param {http.ServerResponse} res @param {number} max
 */
function tooLarge(req, res, max) {
  refuseBody(req, res, 413, `Request body larger than ${max} bytes.\n`);
}

/**
 * Answers without reading the body: the rest of it is read and dropped (see tooLarge).
 * @param {http.IncomingMessage} req @param {http.ServerResponse} res @param {number} status @param {string} text
 */
function refuseBody(req, res, status, text) {
  if (res.headersSent) return void req.socket.destroy();
  req.removeAllListeners("data");
  req.resume();
  res.once("finish", () => {
    if (req.complete) return;
    const cut = setTimeout(() => req.socket.destroy(), 2_000);
    cut.unref();
    req.once("end", () => clearTimeout(cut));
  });
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8" });
  res.end(text);
}

// Each request's line carries its id: the X-Request-Id a load balancer sent, else a new one, echoed in the answer.
const REQUEST_ID = /^[\w.:-]{1,128}$/;
const requestIds = new WeakMap();
/** @param {http.IncomingMessage} req */
function requestIdOf(req) {
  return requestIds.get(req) ?? "";
}
/** @param {http.IncomingMessage} req */
function pathOf(req) {
  const url = req.originalUrl ?? req.url ?? "";
  const query = url.indexOf("?");
  return query < 0 ? url : url.slice(0, query);
}
/** @param {Record<string, unknown>} fields @param {string} text */
function log(fields, text) {
  if (JSON_LOGS) process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level: "info", ...fields })}\n`);
  else console.log(text);
}

/** @param {http.IncomingMessage} req */
function origin(req) {
  return `http://${req.headers.host ?? "localhost"}`;
}

const app = express();
app.disable("x-powered-by");
app.use(compression());
app.use(build.publicPath, express.static(build.assetsBuildDirectory, { immutable: true, maxAge: "1y" }));
app.use(express.static("public", { maxAge: "1h" }));
// One line per request, without the query string (it carries session tokens: id_token=…).
app.use(
  morgan((tokens, req, res) => {
    const fields = {
      requestId: requestIdOf(req),
      method: req.method,
      path: pathOf(req),
      status: Number(tokens.status(req, res) ?? 0),
      ms: Number(tokens["response-time"](req, res) ?? 0),
      bytes: Number(tokens.res(req, res, "content-length") ?? 0),
    };
    return JSON_LOGS ? JSON.stringify({ time: new Date().toISOString(), level: "info", ...fields }) : `${fields.method} ${fields.path} ${fields.status} ${fields.bytes} - ${fields.ms} ms`;
  }),
);
// A resource route at a fixed path (buyer APIs, app proxy, Flow actions, health checks) through a Remix
// handler of its own, whose route table holds just it (decision 034); everything else through the whole table.
/** @type {Map<string, ReturnType<typeof createRequestHandler>>} */
const resourceHandlers = new Map();
for (const [routePath, routes] of resourceRouteTables(build.routes)) {
  resourceHandlers.set(routePath, createRequestHandler({ build: { ...build, routes }, mode: process.env.NODE_ENV }));
}
app.use((req, res, next) => {
  const handler = resourceHandlers.get(pathOf(req));
  return handler ? handler(req, res, next) : next();
});
app.all("*", createRequestHandler({ build, mode: process.env.NODE_ENV }));

const server = http.createServer((req, res) => {
  const incoming = req.headers["x-request-id"];
  const requestId = typeof incoming === "string" && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  requestIds.set(req, requestId);
  res.setHeader("X-Request-Id", requestId);
  const declared = Number(req.headers["content-length"] ?? 0);
  if (req.method === "POST") {
    const query = req.url?.indexOf("?") ?? -1;
    const route = webhookRoutes.get(query < 0 ? (req.url ?? "") : (req.url ?? "").slice(0, query));
    if (route) {
      if (declared > WEBHOOK_MAX_BYTES) return tooLarge(req, res, WEBHOOK_MAX_BYTES);
      return receiveDelivery(req, res, route);
    }
  }
  // Remix reads other bodies whole: refuse a large one before it is read, and one without a length (chunked:
  // it could not be bounded before Remix holds it; browsers, App Bridge and Shopify's proxies send lengths).
  if (declared > REQUEST_MAX_BYTES) return tooLarge(req, res, REQUEST_MAX_BYTES);
  if (req.headers["transfer-encoding"] !== undefined && req.headers["content-length"] === undefined) {
    return refuseBody(req, res, 411, "A request body needs a Content-Length here.\n");
  }
  app(req, res);
});
// A client that sends its headers or body slowly is cut off (defaults: 60 s headers, 300 s request).
server.headersTimeout = 10_000;
server.requestTimeout = 30_000;

const port = Number(process.env.PORT || 3000);
const host = process.env.HOST;
const onListen = () => console.log(`[treue] http://${host ?? "localhost"}:${port}`);
if (host) server.listen(port, host, onListen);
else server.listen(port, onListen);
// Graceful stop: no new connections, idle keep-alive connections closed at once (they would hold close() open),
// requests in flight answered, the webhook worker's batch in hand and a periodic job's run finished
// (build.entry.module.shutdown, app/webhooks.server.ts), then exit. Whatever is not done within
// SHUTDOWN_GRACE_MS is left: acknowledged webhooks stay in the inbox and jobs are idempotent.
const graceMs = Number(process.env.SHUTDOWN_GRACE_MS || 10_000);
let stopping = false;
async function shutdown(/** @type {string} */ signal) {
  if (stopping) return;
  stopping = true;
  console.log(`[treue] ${signal}: stopping`);
  const force = setTimeout(() => {
    console.error(`[treue] still busy after ${graceMs} ms: exiting anyway`);
    process.exit(1);
  }, graceMs);
  force.unref();
  const closed = new Promise((resolve) => server.close(() => resolve(undefined)));
  // A keep-alive connection whose request ends during the stop becomes idle: close those as they appear.
  const idle = setInterval(() => server.closeIdleConnections(), 100);
  server.closeIdleConnections();
  try {
    await build.entry?.module?.shutdown?.();
  } catch (error) {
    console.error("[treue] stopping:", error);
  }
  // Requests still in flight get a moment to be answered.
  await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2_000))]);
  clearInterval(idle);
  process.exit(0);
}
for (const signal of ["SIGTERM", "SIGINT"]) process.once(signal, () => void shutdown(signal));
// Started by the demo or the tests (scripts/demo/app-process.ts): stdin is a pipe from that process, which ends
// however it stops (Ctrl+C, a test run stopped with SIGTERM, SIGKILL). The app stops with it, never orphaned.
if (process.env.TREUE_EXIT_WITH_PARENT === "1") {
  const orphaned = () => process.exit(0);
  process.stdin.on("end", orphaned);
  process.stdin.on("close", orphaned);
  process.stdin.on("error", orphaned);
  process.stdin.resume();
}
