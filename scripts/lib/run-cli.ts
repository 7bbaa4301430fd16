/** Test helper: runs a CLI script as a child process, as a merchant or a cron job would. */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runScript(script: string, args: string[]): CliRun {
  const result = spawnSync(`${repoRoot}node_modules/.bin/tsx`, [`${repoRoot}${script}`, ...args], {
    cwd: repoRoot,
    encoding: "utf8",
    env: { ...process.env, TZ: "UTC" },
    timeout: 60_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function fixture(name: string): string {
  return `${repoRoot}scripts/lib/fixtures/${name}`;
}
