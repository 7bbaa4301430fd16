import { describe, expect, it } from "vitest";
import path from "node:path";
import { databaseTarget } from "./connection.server";

describe("databaseTarget", () => {
  it("uses the embedded database in the demo data folder when DATABASE_URL is unset", () => {
    expect(databaseTarget(undefined, "/tmp/demo")).toEqual({ kind: "pglite", dataDir: "/tmp/demo/pgdata" });
    expect(databaseTarget("  ", "/tmp/demo")).toEqual({ kind: "pglite", dataDir: "/tmp/demo/pgdata" });
  });

  it("connects to a PostgreSQL server for postgres:// and postgresql:// URLs", () => {
    expect(databaseTarget("postgresql://u@h:5432/db")).toEqual({ kind: "postgres", url: "postgresql://u@h:5432/db" });
    expect(databaseTarget("postgres://h/db").kind).toBe("postgres");
  });

  it("accepts pglite: with a folder or memory", () => {
    expect(databaseTarget("pglite:memory")).toEqual({ kind: "pglite", dataDir: null });
    expect(databaseTarget("pglite:./data/x")).toEqual({ kind: "pglite", dataDir: path.resolve("data/x") });
  });

  it("refuses other databases with a message that says what is accepted", () => {
    expect(() => databaseTarget("mysql://h/db")).toThrow(/postgresql:\/\/ or pglite:/);
    expect(() => databaseTarget("file:dev.sqlite")).toThrow(/leave it unset/);
  });
});
