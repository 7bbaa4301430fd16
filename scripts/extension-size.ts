/**
 * Prints the raw and compressed size of every built UI extension bundle
 * (extensions/<dir>/dist/*.js, as written by `shopify app build`) and fails when one is
 * over Shopify's limit: 64 KB compressed per extension for API 2025-10+ (enforced at
 * deploy). Our own target is 16 KB gzip; going over it only warns.
 *
 *   tsx scripts/extension-size.ts [--max-kb 64] [--target-kb 16] [--json]
 *
 * Exit codes: 0 ok, 1 a bundle is over the limit, 2 no bundle found (build first).
 * "gzip" is zlib gzip at the default level; "deflate" is what the Shopify CLI itself
 * prints as "~N KB compressed"; brotli is shown for information.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";

const KB = 1024;

export interface BundleSize {
  extension: string;
  file: string;
  raw: number;
  gzip: number;
  deflate: number;
  brotli: number;
}

export function measureBundle(extension: string, file: string, root: string): BundleSize {
  const bytes = readFileSync(file);
  return {
    extension,
    file: relative(root, file),
    raw: bytes.byteLength,
    gzip: gzipSync(bytes).byteLength,
    deflate: deflateSync(bytes).byteLength,
    brotli: brotliCompressSync(bytes).byteLength,
  };
}

/** Every dist/*.js of every extension folder that has a shopify.extension.toml, and a theme extension's assets/*.js. */
export function findBundles(root: string): { extension: string; file: string }[] {
  const extensionsDir = join(root, "extensions");
  if (!existsSync(extensionsDir)) return [];
  const found: { extension: string; file: string }[] = [];
  for (const name of readdirSync(extensionsDir).sort()) {
    const dir = join(extensionsDir, name);
    if (!statSync(dir).isDirectory() || !existsSync(join(dir, "shopify.extension.toml"))) continue;
    // A theme app extension's scripts are served as they are, from assets/ (the storefront's own budget).
    for (const folder of ["dist", "assets"]) {
      const files = join(dir, folder);
      if (!existsSync(files)) continue;
      for (const file of readdirSync(files).sort()) {
        if (file.endsWith(".js")) found.push({ extension: name, file: join(files, file) });
      }
    }
  }
  return found;
}

function kb(bytes: number): string {
  return `${(bytes / KB).toFixed(1)} KB`;
}

function numberFlag(args: string[], name: string, fallback: number): number {
  const index = args.indexOf(name);
  if (index === -1) return fallback;
  const value = Number(args[index + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} needs a positive number`);
  return value;
}

function main(argv: string[]): number {
  const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
  const maxKb = numberFlag(argv, "--max-kb", 64);
  const targetKb = numberFlag(argv, "--target-kb", 16);

  const bundles = findBundles(root).map(({ extension, file }) => measureBundle(extension, file, root));
  if (bundles.length === 0) {
    console.error("extension-size: no bundle in extensions/*/dist/*.js - run `npm run build:extensions` first");
    return 2;
  }
  if (argv.includes("--json")) console.log(JSON.stringify(bundles, null, 2));

  let failed = false;
  for (const b of bundles) {
    const over = b.gzip > maxKb * KB;
    const aboveTarget = b.gzip > targetKb * KB;
    const verdict = over ? `FAIL > ${maxKb} KB limit` : aboveTarget ? `WARN > ${targetKb} KB target` : "ok";
    if (!argv.includes("--json")) {
      console.log(
        `${b.file}: raw ${kb(b.raw)} (${b.raw} B), gzip ${kb(b.gzip)} (${b.gzip} B), ` +
          `deflate ${kb(b.deflate)}, brotli ${kb(b.brotli)} - ${verdict}`,
      );
    }
    failed ||= over;
  }
  return failed ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    console.error(`extension-size: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  }
}
