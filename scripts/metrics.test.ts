import { describe, expect, it } from "vitest";
import { fixture, runScript } from "./lib/run-cli";

const march = ["--from", "2024-03-01", "--to", "2024-03-31"];

describe("scripts/metrics.ts", () => {
  it("prints the period's figures as one JSON object (hand-computed fixture)", () => {
    const run = runScript("scripts/metrics.ts", ["--csv", fixture("orders-march-2024.csv"), ...march]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]);
    expect(Object.keys(out).sort()).toEqual(
      [
        "activeCustomers",
        "averageOrderValue",
        "churnRate",
        "customerLifetimeValue",
        "ordersPerActiveCustomer",
        "purchaseFrequency",
        "repeatPurchaseRate",
        "retentionRate",
        "returningRevenueShare",
      ].sort(),
    );
    expect(out.retentionRate).toBe(0.6);
    expect(out.churnRate).toBeCloseTo(0.4, 15);
    expect(out.repeatPurchaseRate).toBe(0.5);
    expect(out.purchaseFrequency).toBe(1.5);
    expect(out.ordersPerActiveCustomer).toBe(1.5);
    expect(out.activeCustomers).toBe(4);
    expect(out.averageOrderValue).toBeCloseTo(77 / 6, 12);
    expect(out.returningRevenueShare).toBeCloseTo(42 / 77, 12);
    const perYear = (1.5 * 365.25) / 31;
    expect(out.customerLifetimeValue).toBeCloseTo((77 / 6) * perYear / (1 - 0.6 ** (365.25 / 31)), 8);
  });

  it("reports figures it cannot compute as null with reasons", () => {
    const run = runScript("scripts/metrics.ts", ["--csv", fixture("orders-march-2024.csv"), "--from", "2020-01-01", "--to", "2020-01-31"]);
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.retentionRate).toBeNull();
    expect(out.averageOrderValue).toBeNull();
    expect(out.activeCustomers).toBe(0);
    expect(out.reasons.retentionRate).toMatch(/no customers had ordered/);
  });

  it("rejects a bad CSV with the line and the problem, exit 2 and no stdout", () => {
    const run = runScript("scripts/metrics.ts", ["--csv", fixture("orders-bad-amount.csv"), ...march]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^metrics: line 3: amount "1,000.00" is not a decimal number/);
  });

  it("names the line of an order that belongs to two customers", () => {
    const run = runScript("scripts/metrics.ts", ["--csv", fixture("orders-two-customers.csv"), ...march]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/line 4: order 1 has events for two customers/);
  });

  it("rejects missing or invalid options", () => {
    const missing = runScript("scripts/metrics.ts", ["--csv", fixture("orders-march-2024.csv"), "--from", "2024-03-01"]);
    expect(missing.status).toBe(2);
    expect(missing.stdout).toBe("");
    expect(missing.stderr).toMatch(/--to is required/);
    const noFile = runScript("scripts/metrics.ts", ["--csv", fixture("does-not-exist.csv"), ...march]);
    expect(noFile.status).toBe(2);
    expect(noFile.stderr).toMatch(/cannot read .*ENOENT/);
  });
});
