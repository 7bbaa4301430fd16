// What one app process keeps for its lifetime (the database handle, the session cache, the job engine, the
// dashboard caches), one instance each, by name. Vite's dev server re-evaluates modules on every change, so in
// development they live on globalThis and survive the reload (as Shopify's template keeps Prisma): the only use
// of globalThis in the app. Everywhere else, a plain module-level map.
const held = new Map<string, unknown>();

function store(): Map<string, unknown> {
  if (process.env.NODE_ENV !== "development") return held;
  const g = globalThis as { treueDevSingletons?: Map<string, unknown> };
  g.treueDevSingletons ??= new Map();
  return g.treueDevSingletons;
}

/** The process's instance named `name`, created by `create` the first time. */
export function processSingleton<T>(name: string, create: () => T): T {
  const s = store();
  if (!s.has(name)) s.set(name, create());
  return s.get(name) as T;
}

/** The instance if one was created, else undefined (to stop or clear only what exists). */
export function existingSingleton<T>(name: string): T | undefined {
  return store().get(name) as T | undefined;
}
