// The import graph of the repository's TypeScript: which module imports which (static imports, re-exports,
// dynamic `import()` and `vi.mock` paths), resolved as Vite and tsconfig resolve them (`~/` is app/). Used by
// the architecture checks (scripts/architecture.test.ts: no cycles, no crowded folder) and by the move tool
// (scripts/dev/move-modules.ts), which rewrites every specifier that names a moved file.
import fs from "node:fs";
import path from "node:path";

export const SOURCE_EXTENSIONS = [".ts", ".tsx", ".mjs", ".js"];

/** Every import specifier in a module's text, with where it stands. Comments are skipped. */
export interface Specifier {
  spec: string;
  /** Offset of the first character inside the quotes. */
  start: number;
  kind: "static" | "dynamic" | "mock";
  /** `import type` / `export type`: erased at build time, so not part of the runtime graph. */
  typeOnly: boolean;
}

const PATTERN =
  /\/\/[^\n]*|\/\*[\s\S]*?\*\/|\b(import|export)(\s+type\b)?(?:[\s\w{},*$]*?\bfrom\s*|\s*)(["'])([^"'\n]+)\3|\bimport\s*\(\s*(["'])([^"'\n]+)\5\s*\)|\bvi\.(?:mock|doMock|importActual)\s*(?:<[^>]*>)?\(\s*(["'])([^"'\n]+)\7/g;

export function specifiersOf(text: string): Specifier[] {
  const out: Specifier[] = [];
  for (const m of text.matchAll(PATTERN)) {
    if (m[0].startsWith("//") || m[0].startsWith("/*")) continue;
    const quoteAt = (spec: string) => m.index! + m[0].lastIndexOf(spec);
    if (m[4] !== undefined) out.push({ spec: m[4], start: quoteAt(m[4]), kind: "static", typeOnly: Boolean(m[2]) });
    else if (m[6] !== undefined) out.push({ spec: m[6], start: quoteAt(m[6]), kind: "dynamic", typeOnly: false });
    else if (m[8] !== undefined) out.push({ spec: m[8], start: quoteAt(m[8]), kind: "mock", typeOnly: false });
  }
  return out;
}

/** The repository file a specifier names (repo-relative, forward slashes), or null for a package. */
export function resolveSpecifier(root: string, fromFile: string, spec: string): string | null {
  let base: string;
  if (spec.startsWith("~/")) base = path.join(root, "app", spec.slice(2));
  else if (spec.startsWith("./") || spec.startsWith("../")) base = path.resolve(path.dirname(path.join(root, fromFile)), spec);
  else return null;
  const candidates = [base, ...SOURCE_EXTENSIONS.map((e) => base + e), ...SOURCE_EXTENSIONS.map((e) => path.join(base, "index" + e))];
  // `./x.js` written for `./x.ts` (ESM style).
  if (/\.m?js$/.test(base)) candidates.push(base.replace(/\.m?js$/, ".ts"), base.replace(/\.m?js$/, ".tsx"));
  for (const c of candidates) {
    if (fs.existsSync(c) && fs.statSync(c).isFile()) return path.relative(root, c).split(path.sep).join("/");
  }
  return null;
}

/** Repo-relative paths of the source files under the given folders (node_modules and build output left out). */
export function sourceFiles(root: string, folders: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name === "build" || entry.name === "dist" || entry.name.startsWith(".")) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (SOURCE_EXTENSIONS.some((e) => entry.name.endsWith(e)) && !entry.name.endsWith(".d.ts")) out.push(path.relative(root, full).split(path.sep).join("/"));
    }
  };
  for (const f of folders) walk(path.join(root, f));
  return out.sort();
}

export interface ModuleGraph {
  files: string[];
  /** file → the repository files it imports at run time (type-only imports left out unless asked for). */
  edges: Map<string, Set<string>>;
}

export function moduleGraph(root: string, folders: readonly string[], opts: { includeTypeOnly?: boolean } = {}): ModuleGraph {
  const files = sourceFiles(root, folders);
  const edges = new Map<string, Set<string>>();
  for (const file of files) {
    const targets = new Set<string>();
    for (const s of specifiersOf(fs.readFileSync(path.join(root, file), "utf8"))) {
      if (s.kind === "mock" || (s.typeOnly && !opts.includeTypeOnly)) continue;
      const target = resolveSpecifier(root, file, s.spec);
      if (target && target !== file) targets.add(target);
    }
    edges.set(file, targets);
  }
  return { files, edges };
}

/** The import cycles: strongly connected components of more than one module (Tarjan), each sorted. */
export function importCycles(graph: ModuleGraph): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    indexOf.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.edges.get(v) ?? []) {
      if (!graph.edges.has(w)) continue;
      if (!indexOf.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indexOf.get(w)!));
    }
    if (low.get(v) === indexOf.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) out.push(component.sort());
    }
  };
  for (const f of graph.files) if (!indexOf.has(f)) visit(f);
  return out.sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/** Modules per folder (tests, type declarations and Remix's routes folder not counted). */
export function modulesPerFolder(files: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const f of files) {
    if (/\.test\.tsx?$/.test(f) || f.endsWith(".d.ts")) continue;
    const dir = path.posix.dirname(f);
    if (dir === "app/routes" || dir.startsWith("app/routes/")) continue;
    out.set(dir, (out.get(dir) ?? 0) + 1);
  }
  return out;
}
