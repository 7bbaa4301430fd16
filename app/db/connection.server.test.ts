import { describe, expect, it } from "vitest";
import { databaseTarget } from "./connection.server";

describe("databaseTarget", () => {
  it("connects to a PostgreSQL server for postgres:// and postgresql:// URLs", () => {
    expect(databaseTarget("postgresql://u@h:5432/db")).toEqual({ kind: "postgres", url: "postgresql://u@h:5432/db" });
    expect(databaseTarget(" postgres://h/db ")).toEqual({ kind: "postgres", url: "postgres://h/db" });
  });

  it("says what to set when DATABASE_URL is missing", () => {
    expect(() => databaseTarget(undefined)).toThrow(/DATABASE_URL is not set.*postgresql:\/\/user:password@host:5432\/database/);
    expect(() => databaseTarget("  ")).toThrow(/DATABASE_URL is not set/);
  });

  it("refuses other databases with a message that says what is accepted", () => {
    expect(() => databaseTarget("mysql://h/db")).toThrow(/must start with postgresql:\/\/ \(got "mysql:\.\.\."\)/);
    expect(() => databaseTarget("pglite:memory")).toThrow(/must start with postgresql:\/\//);
  });
});
