// The production server as an operator runs it: health and readiness for the load balancer, a graceful stop on
// SIGTERM that loses no acknowledged webhook, and a refusal to start with missing or demo-only settings.
import { spawn } from "node:child_process";
import path from "node:path";
import url from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserFetch, startTreue, TEST_SHOP, type TreueHarness } from "../support/treue-harness";

const ROOT = path.resolve(import.meta.dirname, "../..");
let t: TreueHarness;

beforeAll(async () => {
  t = await startTreue({ appEnv: { WEBHOOK_WORKER: "1" } });
});
afterAll(async () => {
  await t?.close();
});

/** Runs `node <args>` with exactly `env` (plus PATH) and returns its exit code and output (killed after 30 s). */
function runNode(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", ...env } as unknown as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** Starts `node server.mjs` with exactly `env` (plus PATH and a free port). */
const runServer = (env: Record<string, string>) => runNode([path.join(ROOT, "server.mjs"), "build/server/index.js"], { PORT: "0", HOST: "127.0.0.1", ...env });

const production = {
  NODE_ENV: "production",
  SHOPIFY_API_KEY: "key",
  SHOPIFY_API_SECRET: "secret",
  SHOPIFY_APP_URL: "https://treue.example.com",
};

describe("the production server", () => {
  it("answers /healthz and, with the database migrated, /readyz", async () => {
    const health = await browserFetch(`${t.app.url}/healthz`);
    expect([health.status, await health.text()]).toEqual([200, "ok\n"]);
    const ready = await browserFetch(`${t.app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true });
  });

  it("is not ready while a migration is missing, and says which", async () => {
    const [last] = await t.db.sql.query<{ name: string }>(`SELECT max(migration_name) AS name FROM "_prisma_migrations"`);
    await t.db.sql.exec(`UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = '${last.name}'`);
    try {
      const ready = await browserFetch(`${t.app.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ ready: false, reason: "migrations-pending", detail: `1 migration(s) not applied: ${last.name}` });
    } finally {
      await t.db.sql.exec(`UPDATE "_prisma_migrations" SET rolled_back_at = NULL WHERE migration_name = '${last.name}'`);
    }
  });

  it("stops within seconds on SIGTERM, and an acknowledged webhook is applied after the restart", async () => {
    const customers = await Promise.all(Array.from({ length: 20 }, (_, i) => t.standin.createCustomer({ email: `sigterm-${i}@example.com` }, { webhooks: "hold" })));
    const orders = await Promise.all(customers.map((c) => t.standin.createOrder({ customerId: c.id, lines: [{ sku: "LAMP", quantity: 1, unitPriceMinor: 5_000 }] }, { webhooks: "hold" })));
    const deliveries = await t.standin.deliverWebhooks(t.standin.takeHeldWebhooks());
    expect(deliveries.every((d) => d.status === 200)).toBe(true);
    const started = Date.now();
    const app = t.app;
    await app.stop();
    expect(await app.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(4_000);
    await t.restartApp();
    for (const o of orders) {
      await expect.poll(async () => (await t.db.prisma.orderPoints.findFirst({ where: { shop: TEST_SHOP, orderId: String(o.id) } }))?.awarded, { timeout: 20_000 }).toBe(50);
    }
  });

  it("logs one JSON line per request with its id, never the query string's session token, and echoes the id", async () => {
    await t.restartApp({ env: { LOG_FORMAT: "json" } });
    const res = await browserFetch(`${t.app.url}/healthz?id_token=secret-token-value`, { headers: { "X-Request-Id": "lb-1234" } });
    expect(res.headers.get("x-request-id")).toBe("lb-1234");
    const own = await browserFetch(`${t.app.url}/healthz`);
    expect(own.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    await expect.poll(() => t.app.output().includes('"requestId":"lb-1234"'), { timeout: 5_000 }).toBe(true);
    const line = t.app.output().split("\n").find((l) => l.includes('"requestId":"lb-1234"'))!;
    expect(JSON.parse(line)).toMatchObject({ level: "info", requestId: "lb-1234", method: "GET", path: "/healthz", status: 200 });
    expect(t.app.output()).not.toContain("secret-token-value");
    // A request id that is not a plain token is replaced, not logged.
    const odd = await browserFetch(`${t.app.url}/healthz`, { headers: { "X-Request-Id": "a\"b" } });
    expect(odd.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    // Everything else the app writes is a JSON line too: the start, and a webhook it refuses with its reason.
    const [dropped] = await t.standin.deliverWebhook("orders/create", { id: 1 }, { shop: "never-installed.myshopify.com" });
    expect(dropped.status).toBe(200);
    await expect.poll(() => t.app.output().includes("never-installed.myshopify.com"), { timeout: 5_000 }).toBe(true);
    const lines = t.app.output().split("\n").filter((l) => l.trim());
    const parsed = lines.map((l) => {
      try {
        return JSON.parse(l) as { level: string; msg?: string };
      } catch {
        throw new Error(`not a JSON log line: ${l}`);
      }
    });
    expect(parsed.find((l) => l.msg?.startsWith("[treue] http://"))).toMatchObject({ level: "info" });
    expect(parsed.find((l) => l.msg?.includes("never-installed.myshopify.com"))).toMatchObject({ level: "warn", msg: expect.stringMatching(/dropped: shop-unknown/) });
  });

  it("starts nothing when its build is imported: the server entry starts the background work, explicitly", async () => {
    // A database nobody listens on: anything that connects while the build is imported fails the import.
    const build = url.pathToFileURL(path.join(ROOT, "build/server/index.js")).href;
    const script = `const b = await import(${JSON.stringify(build)}); console.log("imported", typeof b.entry.module.start, typeof b.entry.module.shutdown); process.exit(0);`;
    const { code, output } = await runNode(["--input-type=module", "-e", script], { ...production, DATABASE_URL: "postgresql://treue@127.0.0.1:9/nothing-listens" });
    expect(output).toContain("imported function function");
    expect(code).toBe(0);
  });

  it("refuses to start in production without DATABASE_URL, naming it", async () => {
    const { code, output } = await runServer(production);
    expect(code).not.toBe(0);
    expect(output).toContain("DATABASE_URL is required");
  });

  it("refuses to start in production with the demo's SHOPIFY_SHOP_ORIGIN, which would send the access token elsewhere", async () => {
    const { code, output } = await runServer({ ...production, DATABASE_URL: t.database.url, SHOPIFY_SHOP_ORIGIN: "http://127.0.0.1:4100" });
    expect(code).not.toBe(0);
    expect(output).toContain("SHOPIFY_SHOP_ORIGIN: is for the demo and the tests only");
  });
});
