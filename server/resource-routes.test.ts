import { describe, expect, it } from "vitest";
import { resourceRouteTables } from "./resource-routes.mjs";

const page = { default: () => null, loader: () => null };
const resource = { loader: () => null };
const routes = {
  root: { id: "root", path: "", module: page },
  "routes/_index": { id: "routes/_index", parentId: "root", index: true, module: page },
  "routes/api.loyalty": { id: "routes/api.loyalty", parentId: "root", path: "api/loyalty", module: resource },
  "routes/api.loyalty.redemptions": { id: "routes/api.loyalty.redemptions", parentId: "routes/api.loyalty", path: "redemptions", module: resource },
  "routes/healthz": { id: "routes/healthz", parentId: "root", path: "healthz", module: resource },
  "routes/app": { id: "routes/app", parentId: "root", path: "app", module: page },
  "routes/app.export": { id: "routes/app.export", parentId: "routes/app", path: "export", module: resource },
  "routes/auth.$": { id: "routes/auth.$", parentId: "root", path: "auth/*", module: resource },
  "routes/orders.$id": { id: "routes/orders.$id", parentId: "root", path: "orders/:id", module: resource },
  "routes/lang.($l)": { id: "routes/lang.($l)", parentId: "root", path: "lang/:l?", module: resource },
  "routes/news": { id: "routes/news", parentId: "root", path: "news", module: resource },
  "routes/news._index": { id: "routes/news._index", parentId: "routes/news", index: true, module: page },
};

describe("resourceRouteTables", () => {
  const tables = resourceRouteTables(routes);

  it("takes the resource routes at fixed paths, nested ones at their full path", () => {
    expect([...tables.keys()].sort()).toEqual(["/api/loyalty", "/api/loyalty/redemptions", "/healthz"]);
  });

  it("gives each path a table of its route, the routes above it and the root, as the build gave them", () => {
    const nested = tables.get("/api/loyalty/redemptions")!;
    expect(Object.keys(nested).sort()).toEqual(["root", "routes/api.loyalty", "routes/api.loyalty.redemptions"]);
    expect(nested["routes/api.loyalty.redemptions"]).toBe(routes["routes/api.loyalty.redemptions"]);
    expect(nested.root).toBe(routes.root);
    expect(Object.keys(tables.get("/healthz")!).sort()).toEqual(["root", "routes/healthz"]);
  });

  it("leaves pages, what a layout encloses, dynamic paths and a path an index page shows to the full table", () => {
    for (const path of ["/", "/app", "/app/export", "/auth/*", "/orders/:id", "/lang/:l?", "/news"]) expect(tables.has(path)).toBe(false);
  });

  it("is empty for a build with no resource routes", () => {
    expect(resourceRouteTables({ root: routes.root, "routes/app": routes["routes/app"] }).size).toBe(0);
  });
});
