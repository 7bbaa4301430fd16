// The build's resource routes at fixed paths (the buyer APIs, the app proxy, Flow actions, health checks,
// mail links), each served by a Remix handler whose route table holds only that route, the routes above it
// and the root (docs/decisions/034-resource-routes-apart.md). Remix matches a request against its whole route
// table twice (its own match and its router's), compiling a regular expression for each route it tries: with
// every admin page in the table that was the largest single cost of a buyer's API call after the database.
// @ts-check

/**
 * @typedef {{ id: string; parentId?: string; path?: string; index?: boolean; module: Record<string, unknown> }} BuildRoute
 */

/**
 * The resource routes (no page: no default export) whose path has no dynamic or optional segment, and whose
 * routes above them are such routes too (up to the root), by URL path: for each, a route table of it, the
 * routes above it and the root. Pages, what a layout encloses, dynamic paths and a path an index page shows
 * stay with the full table.
 * @param {Record<string, BuildRoute>} routes the build's `routes`
 * @returns {Map<string, Record<string, BuildRoute>>}
 */
export function resourceRouteTables(routes) {
  // A route with an index child: Remix shows the child at its path, so it stays with the full table.
  const withIndex = new Set(Object.values(routes).filter((r) => r.index && r.parentId).map((r) => r.parentId));
  /** @type {Map<string, string | null>} route id → its full path, or null when it does not qualify */
  const pathOf = new Map();
  /** @param {BuildRoute} route @returns {string | null} */
  const fullPath = (route) => {
    if (pathOf.has(route.id)) return /** @type {string | null} */ (pathOf.get(route.id));
    pathOf.set(route.id, null); // a cycle never qualifies
    let path = null;
    const own = route.path ?? "";
    const fixed = !route.index && !withIndex.has(route.id) && own !== "" && !/[:*?$()]/.test(own) && !("default" in route.module);
    if (fixed && route.parentId) {
      const parent = routes[route.parentId];
      const above = !parent ? null : parent.id === "root" ? "" : fullPath(parent);
      if (above !== null) path = `${above}/${own.replace(/^\/+|\/+$/g, "")}`;
    }
    pathOf.set(route.id, path);
    return path;
  };
  /** @type {Map<string, Record<string, BuildRoute>>} */
  const tables = new Map();
  if (!routes.root) return tables;
  for (const route of Object.values(routes)) {
    if (route.id === "root") continue;
    const path = fullPath(route);
    if (path === null) continue;
    /** @type {Record<string, BuildRoute>} */
    const table = { root: routes.root };
    for (let r = route; r.id !== "root"; r = routes[/** @type {string} */ (r.parentId)]) table[r.id] = r;
    tables.set(path, table);
  }
  return tables;
}
