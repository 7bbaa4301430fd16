// Where a worker thread's entry is found: beside the production build, whichever of its files asks.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { threadEntryUrl } from "./worker-thread.server";

const build = fs.mkdtempSync(path.join(os.tmpdir(), "treue-build-"));
fs.mkdirSync(path.join(build, "server/assets"), { recursive: true });
afterAll(() => fs.rmSync(build, { recursive: true, force: true }));

describe("the worker threads' entry", () => {
  it("is build/server/thread-tasks.js, asked from the build's index.js or from one of its chunks", () => {
    fs.writeFileSync(path.join(build, "server/thread-tasks.js"), "");
    const entry = pathToFileURL(path.join(build, "server/thread-tasks.js")).href;
    expect(threadEntryUrl(pathToFileURL(path.join(build, "server/index.js")))).toBe(entry);
    expect(threadEntryUrl(pathToFileURL(path.join(build, "server/assets/webhooks.server-abc123.js")))).toBe(entry);
    fs.rmSync(path.join(build, "server/thread-tasks.js"));
  });

  it("is missing from a build without it: a clear error, not a thread that imports the whole app", () => {
    expect(() => threadEntryUrl(pathToFileURL(path.join(build, "server/assets/chunk.js")))).toThrow(/thread-tasks\.js is missing .*npm run build/);
  });

  it("is none when the app runs from its sources: the task runs in the calling thread", () => {
    expect(threadEntryUrl(pathToFileURL(path.join(build, "app/jobs/worker-thread.server.ts")))).toBeNull();
    expect(threadEntryUrl(new URL("http://localhost:5173/app/jobs/worker-thread.server.ts"))).toBeNull();
  });
});
