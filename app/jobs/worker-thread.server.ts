// Heavy work on its own event loop. A job such as a big shop's CLV fit computes for seconds without yielding;
// an instance that also answers requests (TREUE_ROLE=all, the single-process setup) would stall every request
// meanwhile. In the production build the job therefore runs in a worker thread: the thread imports the same build
// (importing it starts nothing), runs the named task with its own database pool, and exits, releasing its memory.
// Where the app runs from its sources (tests importing services directly) there is no build to import, and the
// task runs in this thread.
import { Worker } from "node:worker_threads";

/** What a thread runs: entry.server.tsx's `runThreadTask` dispatches on the name. */
export type ThreadTask = { name: "clv-forecast"; shop: string; day: string };

const THREAD = `
import { parentPort, workerData } from "node:worker_threads";
const build = await import(workerData.bundle);
try {
  await build.entry.module.runThreadTask(workerData.task);
  parentPort.postMessage({ ok: true });
} catch (error) {
  parentPort.postMessage({ ok: false, error: String(error && error.stack || error) });
}
`;

/** The production build this module was bundled into, or null when it runs from its sources. */
function bundleUrl(): string | null {
  const self = new URL(import.meta.url);
  return self.protocol === "file:" && self.pathname.endsWith(".js") ? self.href : null;
}

/** Runs the task in a worker thread of the app's build, or `inThisThread` when there is no build. */
export function runInWorkerThread(task: ThreadTask, inThisThread: () => Promise<unknown>): Promise<void> {
  const bundle = bundleUrl();
  if (!bundle) return inThisThread().then(() => undefined);
  const started = performance.now();
  return new Promise<void>((resolve, reject) => {
    const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(THREAD)}`), { workerData: { bundle, task } });
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
