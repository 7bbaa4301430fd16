// Starts the built app with server.mjs as a child process (the way `npm start` runs it in production),
// waits until it answers, and stops or kills it on request. Shared by the demo and the tests.
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");
// The Shopify library answers bots (curl, HeadlessChrome) on admin routes with 410; talk to it as a browser.
export const BROWSER_USER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

export interface AppProcess {
  url: string;
  port: number;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
  kill(): Promise<void>;
  exited: Promise<number | null>;
}

export async function startAppProcess(opts: {
  port?: number;
  env: Record<string, string | undefined>;
  echo?: boolean;
  readyTimeoutMs?: number;
}): Promise<AppProcess> {
  const port = opts.port ?? (await freePort());
  const child = spawn(
    process.execPath,
    // TREUE_APP_NODE_ARGS: extra Node flags for the app process, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
    [...(process.env.TREUE_APP_NODE_ARGS?.split(" ").filter(Boolean) ?? []), path.join(ROOT, "server.mjs"), "build/server/index.js"],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: "production",
        // The demo and the tests run the production build against the Shopify stand-in (SHOPIFY_SHOP_ORIGIN).
        TREUE_DEMO: "1",
        SHOPIFY_APP_URL: `http://localhost:${port}`,
        ...opts.env,
        PORT: String(port),
        HOST: "127.0.0.1",
        // The app exits when this process ends in any way (server.mjs watches its stdin, a pipe from here).
        TREUE_EXIT_WITH_PARENT: "1",
      },
      stdio: ["pipe", "pipe", "pipe"],
    },
  );
  let output = "";
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
    if (opts.echo) process.stdout.write(chunk);
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://localhost:${port}`;

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  let exitCode: number | null | undefined;
  void exited.then((c) => (exitCode = c));
  for (;;) {
    if (exitCode !== undefined) throw new Error(`The app exited (code ${exitCode}) before it was ready:\n${output}`);
    try {
      const res = await fetch(`${url}/auth/login`, { headers: { "User-Agent": BROWSER_USER_AGENT } });
      if (res.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`The app did not answer within ${opts.readyTimeoutMs ?? 60_000} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    url,
    port,
    child,
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (child.exitCode !== null) return;
      child.kill("SIGKILL");
      await exited;
    },
  };
}
