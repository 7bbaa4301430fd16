// What a worker thread runs (app/jobs/worker-thread.server.ts). Bundled on its own, beside the production build
// (scripts/build-thread-tasks.ts → build/server/thread-tasks.js), so that a thread loads only the modules its task
// needs and opens its own database pool: importing the whole Remix build into a thread (React, Polaris, the
// Shopify library and its session storage) added about 107 MB to the process, this entry about 31 MB.
import { computeAndStoreClv } from "~/analytics/analytics-clv.server";
import { databaseTarget, openDatabase } from "~/db/connection.server";
import type { ThreadTask } from "./worker-thread.server";

export async function runThreadTask(task: ThreadTask): Promise<void> {
  // The thread sees the process's environment: the same DATABASE_URL the app was started with.
  const db = await openDatabase(databaseTarget(process.env.DATABASE_URL));
  try {
    if (task.name === "clv-forecast") await computeAndStoreClv(db.prisma, task.shop, task.day);
    else throw new Error(`unknown thread task ${(task as { name: string }).name}`);
  } finally {
    await db.close();
  }
}
