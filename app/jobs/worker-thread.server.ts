// Heavy work on its own event loop. A job such as a big shop's CLV fit computes for seconds without yielding;
// an instance that also answers requests (TREUE_ROLE=all, the single-process setup) would stall every request
// meanwhile. In the production build the job therefore runs in a worker thread: the thread imports the threads'
// own small bundle (app/jobs/thread-tasks.server.ts, built beside the app as build/server/thread-tasks.js), runs
// the named task with its own database pool, and exits, releasing its memory. Where the app runs from its
// sources (tests importing services directly, Vite's dev server) there is no build, and the task runs in this
// thread.
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";

/** What a thread runs: thread-tasks.server.ts's `runThreadTask` dispatches on the name. */
export type ThreadTask = { name: "clv-forecast"; shop: string; day: string };

const THREAD = `
import { parentPort, workerData } from "node:worker_threads";
try {
  const tasks = await import(workerData.entry);
  await tasks.runThreadTask(workerData.task);
  parentPort.postMessage({ ok: true });
} catch (error) {
  parentPort.postMessage({ ok: false, error: String(error && error.stack || error) });
}
`;

/**
 * The threads' entry built beside the production build this module was bundled into (the build's index.js or
 * one of its chunks in assets/), or null when the app runs from its sources.
 */
export function threadEntryUrl(self = new URL(import.meta.url)): string | null {
  if (self.protocol !== "file:" || !self.pathname.endsWith(".js")) return null;
  for (const candidate of ["./thread-tasks.js", "../thread-tasks.js"]) {
    const url = new URL(candidate, self);
    if (fs.existsSync(url)) return url.href;
  }
  throw new Error(`The worker threads' entry thread-tasks.js is missing beside ${fileURLToPath(self)}: build the app with npm run build.`);
}

/** Runs the task in a worker thread of the app's build, or `inThisThread` when there is no build. */
export function runInWorkerThread(task: ThreadTask, inThisThread: () => Promise<unknown>): Promise<void> {
  const entry = threadEntryUrl();
  if (!entry) return inThisThread().then(() => undefined);
  const started = performance.now();
  return new Promise<void>((resolve, reject) => {
    const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(THREAD)}`), { workerData: { entry, task } });
    let answered = false;
    worker.once("message", (m: { ok: boolean; error?: string }) => {
      answered = true;
      if (m.ok) {
        console.log(`[treue] ${task.name} for ${task.shop} ran in worker thread ${worker.threadId} (${Math.round(performance.now() - started)} ms)`);
        resolve();
      }
      else reject(new Error(`${task.name} in a worker thread failed: ${m.error}`));
      void worker.terminate();
    });
    worker.once("error", (error) => {
      answered = true;
      reject(error);
    });
    worker.once("exit", (code) => {
      if (!answered) reject(new Error(`${task.name} worker thread exited with code ${code} before answering`));
    });
  });
}
