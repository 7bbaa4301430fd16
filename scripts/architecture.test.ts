// The tree's rules (issue 12, README's map): no import cycle anywhere, dynamic imports included, and no folder
// under app/ (Remix's routes aside) holding more than 16 modules. Folders still being moved into capability
// folders are listed with the count they may not exceed; the list only shrinks.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { importCycles, moduleGraph, modulesPerFolder, resolveSpecifier, specifiersOf } from "./lib/module-graph";

const root = path.resolve(import.meta.dirname, "..");
const MAX_MODULES = 16;

/** Folders over the limit until their move lands, with their size when this list was written. */
const CROWDED_UNTIL_MOVED: Record<string, number> = {};

describe("the module graph reader", () => {
  it("finds static, type-only, re-exported, dynamic and mocked specifiers, not those in comments", () => {
    const text = [
      `import a from "./a";`,
      `import type { B } from "~/b";`,
      `export { c } from "../c";`,
      `import "./side-effect";`,
      `// import x from "./commented";`,
      `/* import("./blocked") */`,
      `const d = await import("~/d.server");`,
      `vi.mock("./e", () => ({}));`,
      `import {\n  f,\n  type G,\n} from "./f";`,
    ].join("\n");
    expect(specifiersOf(text).map((s) => [s.spec, s.kind, s.typeOnly])).toEqual([
      ["./a", "static", false],
      ["~/b", "static", true],
      ["../c", "static", false],
      ["./side-effect", "static", false],
      ["~/d.server", "dynamic", false],
      ["./e", "mock", false],
      ["./f", "static", false],
    ]);
    const s = specifiersOf(text)[4];
    expect(text.slice(s.start, s.start + s.spec.length)).toBe(s.spec);
  });

  it("resolves ~/ to app/, adds extensions, and leaves packages alone", () => {
    expect(resolveSpecifier(root, "app/routes/app._index.tsx", "~/db.server")).toBe("app/db.server.ts");
    expect(resolveSpecifier(root, "scripts/architecture.test.ts", "./lib/module-graph")).toBe("scripts/lib/module-graph.ts");
    expect(resolveSpecifier(root, "app/db.server.ts", "@prisma/client")).toBeNull();
  });

  it("finds a cycle, however long", () => {
    const edges = new Map([
      ["a", new Set(["b"])],
      ["b", new Set(["c"])],
      ["c", new Set(["a", "d"])],
      ["d", new Set<string>()],
    ]);
    expect(importCycles({ files: ["a", "b", "c", "d"], edges })).toEqual([["a", "b", "c"]]);
  });
});

describe("the tree", () => {
  const graph = moduleGraph(root, ["app", "scripts", "tests", "extensions"]);

  it("has no import cycle, dynamic imports included", () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it(`has no folder under app/ with more than ${MAX_MODULES} modules, but those still being moved, which only shrink`, () => {
    const counts = modulesPerFolder(graph.files.filter((f) => f.startsWith("app/")));
    const crowded = Object.fromEntries([...counts].filter(([, n]) => n > MAX_MODULES));
    for (const [folder, n] of Object.entries(crowded)) {
      expect(CROWDED_UNTIL_MOVED[folder], `${folder} holds ${n} modules`).toBeDefined();
      expect(n, `${folder} grew`).toBeLessThanOrEqual(CROWDED_UNTIL_MOVED[folder]);
    }
    // A folder moved below the limit leaves the list.
    for (const folder of Object.keys(CROWDED_UNTIL_MOVED)) expect(crowded[folder], `${folder} is no longer crowded: remove it from the list`).toBeDefined();
  });

  it("keeps nothing on globalThis but in the dev-reload guard (app/singletons.server.ts)", () => {
    const offenders = graph.files
      .filter((f) => f.startsWith("app/") && !/\.test\.tsx?$/.test(f) && f !== "app/singletons.server.ts")
      .filter((f) => /\bglobalThis\.(?!fetch\b)/.test(fs.readFileSync(path.join(root, f), "utf8").replace(/\/\/[^\n]*/g, "")));
    expect(offenders).toEqual([]);
  });
});
