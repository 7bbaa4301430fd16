// The checkout extension's bundle size against Shopify's 64 KB compressed limit (target ≤ 16 KB gzip).
import { spawnSync } from "node:child_process";
import path from "node:path";

export async function benchExtensionSize() {
  console.log("\nCheckout extension bundle");
  const root = path.resolve(import.meta.dirname, "../..");
  const build = spawnSync("bash", ["scripts/build-extensions.sh", "--placeholder-app-url"], { cwd: root, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`extension build failed:\n${build.stdout}\n${build.stderr}`);
  const size = spawnSync(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "scripts/extension-size.ts"], {
    cwd: root,
    encoding: "utf8",
  });
  process.stdout.write(size.stdout.replace(/^/gm, "  "));
  if (size.status !== 0) throw new Error(size.stderr);
}
