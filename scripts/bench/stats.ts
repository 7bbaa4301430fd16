// Small helpers for benchmark figures: percentiles, aligned printing and CPU time read from /proc.
import fs from "node:fs";
import http from "node:http";

export function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return NaN;
  const i = Math.min(sortedMs.length - 1, Math.max(0, Math.ceil((p / 100) * sortedMs.length) - 1));
  return sortedMs[i];
}

export async function runConcurrently<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const item = items[next++];
        await work(item);
      }
    }),
  );
}

export function line(label: string, value: string) {
  console.log(`  ${label.padEnd(46)} ${value}`);
}

export const fmt = (n: number, digits = 0) =>
  Number.isFinite(n) ? n.toLocaleString("en-GB", { maximumFractionDigits: digits, minimumFractionDigits: digits }) : "n/a";

/** A process's resident memory now, in MB (Linux /proc; NaN where there is none). */
export function rssMbOf(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** CPU time (user + system) a process has used so far, in ms (Linux /proc; null where there is none). */
export function cpuMsOf(pid: number | undefined): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks of 10 ms
  } catch {
    return null;
  }
}

/** The processes whose parent is `parentPid` (e.g. every PostgreSQL process under its postmaster). */
export function childPids(parentPid: number): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === parentPid) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** The parent of a process (e.g. the postmaster of a PostgreSQL backend), from /proc. */
export function parentPidOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
}

/** A load generator's answer: status, headers (lower-case names) and the body as text. */
export interface LightResponse {
  status: number;
  header(name: string): string | undefined;
  text: string;
}

/**
 * An HTTP client for load generators that play browsers or Shopify: `node:http` over kept-alive connections,
 * a fraction of `fetch`'s CPU (the generator shares the two cores with the app and PostgreSQL; decision 013).
 */
export function lightClient(base: string, maxSockets: number) {
  const target = new URL(base);
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const request = (method: string, path: string, headers: Record<string, string>, body?: string) =>
    new Promise<LightResponse>((resolve, reject) => {
      const sent = body === undefined ? headers : { ...headers, "Content-Length": String(Buffer.byteLength(body)) };
      const req = http.request({ host: target.hostname, port: target.port, path, method, agent, headers: sent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const h = res.headers;
          resolve({ status: res.statusCode ?? 0, header: (name) => [h[name.toLowerCase()]].flat()[0], text: Buffer.concat(chunks).toString("utf8") });
        });
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(body);
    });
  return { request, close: () => agent.destroy() };
}
