// `npm run demo` runs the demo script as one plain JavaScript bundle (build/demo/demo.mjs) instead of through
// tsx: tsx's loader thread and its transformed sources cost the demo's process about 40 MB it keeps while the
// demo runs. esbuild bundles the demo's own TypeScript (stand-in, mail capture, scripts) in well under a
// second; packages stay imports of node_modules. Rebuilt when a source is newer than the bundle.
// @ts-check
import fs from "node:fs";
import path from "node:path";
import { build } from "esbuild";

const ROOT = path.resolve(import.meta.dirname, "../..");
const OUT = path.join(ROOT, "build/demo/demo.mjs");
const SOURCES = ["scripts", "tests/shopify-standin", "tests/support", "app", "prisma", "tsconfig.json", "package.json"];

/** The newest modification time under `entry` (TypeScript and JSON only), in ms. */
function newest(entry) {
  const full = path.join(ROOT, entry);
  if (!fs.existsSync(full)) return 0;
  const stat = fs.statSync(full);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const child of fs.readdirSync(full, { withFileTypes: true })) {
    if (child.name === "node_modules" || child.name.startsWith(".")) continue;
    const rel = path.join(entry, child.name);
    if (child.isDirectory()) latest = Math.max(latest, newest(rel));
    else if (/\.(ts|tsx|mts|mjs|json)$/.test(child.name)) latest = Math.max(latest, fs.statSync(path.join(ROOT, rel)).mtimeMs);
  }
  return latest;
}

const built = fs.existsSync(OUT) ? fs.statSync(OUT).mtimeMs : 0;
if (built < Math.max(...SOURCES.map(newest))) {
  await build({
    entryPoints: [path.join(ROOT, "scripts/demo.ts")],
    outfile: OUT,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    packages: "external",
    tsconfig: path.join(ROOT, "tsconfig.json"),
    logLevel: "warning",
  });
}
