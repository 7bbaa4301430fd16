// Moves modules and rewrites every import that names them (static, dynamic, re-exports, vi.mock), in app/,
// scripts/, tests/, extensions/ and the root configs; a module's test (`x.test.ts` beside `x.ts`) moves with it,
// and the old repo-relative paths in docs, README and comments are replaced by the new ones. Files move with
// `git mv`, so history follows them.
//
//   npx tsx scripts/dev/move-modules.ts app/services/referrals.server.ts app/referrals/referrals.server.ts [old new]...
//   npx tsx scripts/dev/move-modules.ts --plan moves.txt        (one "old new" pair per line)
//   --dry-run prints what would change.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { resolveSpecifier, sourceFiles, specifiersOf } from "../lib/module-graph";

const root = path.resolve(import.meta.dirname, "../..");
const args = process.argv.slice(2);
const dryRun = args.includes("--dry-run");
const rest = args.filter((a) => a !== "--dry-run");
let pairs: string[] = [];
if (rest[0] === "--plan") {
  pairs = fs
    .readFileSync(rest[1], "utf8")
    .split("\n")
    .map((l) => l.replace(/#.*/, "").trim())
    .filter(Boolean)
    .flatMap((l) => l.split(/\s+/));
} else pairs = rest;
if (pairs.length === 0 || pairs.length % 2 !== 0) {
  console.error("usage: move-modules.ts [--dry-run] <old> <new> [<old> <new>]... | --plan <file>");
  process.exit(2);
}

const plan = new Map<string, string>();
for (let i = 0; i < pairs.length; i += 2) {
  const [from, to] = [pairs[i], pairs[i + 1]];
  if (!fs.existsSync(path.join(root, from))) throw new Error(`${from} does not exist`);
  if (fs.existsSync(path.join(root, to))) throw new Error(`${to} exists already`);
  plan.set(from, to);
  // The module's own test moves with it.
  for (const ext of [".ts", ".tsx"]) {
    const test = from.replace(/\.(tsx?)$/, `.test${ext}`);
    if (test !== from && fs.existsSync(path.join(root, test)) && !plan.has(test)) plan.set(test, to.replace(/\.(tsx?)$/, `.test${ext}`));
  }
}

const EXT = /\.(tsx?|mjs|js)$/;

function specFor(importer: string, target: string, original: string): string {
  // The specifier's own style: without extension, or with the one it was written with ("./x.js" for x.ts).
  const written = EXT.exec(original)?.[0];
  const bare = (p: string) => p.replace(EXT, "") + (written ?? "");
  const underApp = (p: string) => p.startsWith("app/");
  let relative = path.posix.relative(path.posix.dirname(importer), target);
  if (!relative.startsWith(".")) relative = `./${relative}`;
  // Leaving the folder inside app/ reads better from the root: "~/points/points-ledger.server".
  if (underApp(target) && (original.startsWith("~/") || (underApp(importer) && relative.startsWith("../")))) return `~/${bare(target.slice(4))}`;
  return bare(relative);
}

const files = [...sourceFiles(root, ["app", "scripts", "tests", "extensions"]), ...["vite.config.ts", "vitest.config.ts", "server.mjs"].filter((f) => fs.existsSync(path.join(root, f)))];
let rewritten = 0;
for (const file of files) {
  const text = fs.readFileSync(path.join(root, file), "utf8");
  const movedTo = plan.get(file) ?? file;
  const edits: { start: number; end: number; spec: string }[] = [];
  for (const s of specifiersOf(text)) {
    const target = resolveSpecifier(root, file, s.spec);
    if (!target) continue;
    const targetTo = plan.get(target) ?? target;
    if (movedTo === file && targetTo === target) continue;
    // A specifier that resolved through a folder's index keeps its form unless the index moved.
    if (targetTo === target && /\/index\.\w+$/.test(target) && !/index(\.\w+)?$/.test(s.spec) && movedTo === file) continue;
    const spec = specFor(movedTo, targetTo, s.spec);
    if (spec !== s.spec) edits.push({ start: s.start, end: s.start + s.spec.length, spec });
  }
  if (edits.length === 0) continue;
  let out = text;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.spec + out.slice(e.end);
  rewritten++;
  if (dryRun) console.log(`${file}: ${edits.map((e) => `${text.slice(e.start, e.end)} → ${e.spec}`).join(", ")}`);
  else fs.writeFileSync(path.join(root, file), out);
}

// Paths named in prose: docs, README, comments.
const prose = [
  ...files,
  "README.md",
  ...(fs.existsSync(path.join(root, "docs")) ? fs.readdirSync(path.join(root, "docs"), { recursive: true }).map((f) => `docs/${String(f)}`).filter((f) => f.endsWith(".md")) : []),
];
// A folder whose every file moves to one new folder is renamed in prose too ("app/domain/referrals/").
const folderMoves = new Map<string, string>();
for (const [from, to] of plan) {
  const dir = path.posix.dirname(from);
  const files = fs.readdirSync(path.join(root, dir)).filter((f) => fs.statSync(path.join(root, dir, f)).isFile());
  const targets = new Set(files.map((f) => plan.get(`${dir}/${f}`) && path.posix.dirname(plan.get(`${dir}/${f}`)!)));
  if (targets.size === 1 && !targets.has(undefined)) folderMoves.set(`${dir}/`, `${path.posix.dirname(to)}/`);
}
const proseMoves = [...plan, ...folderMoves];
let mentioned = 0;
for (const file of new Set(prose)) {
  if (file === "scripts/dev/move-modules.ts") continue;
  const full = path.join(root, file);
  if (!fs.existsSync(full)) continue;
  const text = fs.readFileSync(full, "utf8");
  let out = text;
  for (const [from, to] of proseMoves) out = out.split(from).join(to);
  if (out !== text) {
    mentioned++;
    if (!dryRun) fs.writeFileSync(full, out);
  }
}

for (const [from, to] of plan) {
  if (dryRun) {
    console.log(`move ${from} → ${to}`);
    continue;
  }
  fs.mkdirSync(path.dirname(path.join(root, to)), { recursive: true });
  execFileSync("git", ["mv", from, to], { cwd: root, stdio: "inherit" });
}
console.log(`${plan.size} files ${dryRun ? "to move" : "moved"}, imports rewritten in ${rewritten} files, paths named in ${mentioned} files`);
