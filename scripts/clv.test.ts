import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { cdnowToPurchasesCsv } from "./lib/cdnow";
import { fixture, runScript } from "./lib/run-cli";

const cdnowSample =
  process.env.CDNOW_SAMPLE ?? fileURLToPath(new URL("../data/cdnow/CDNOW_sample.txt", import.meta.url));
const workDir = mkdtempSync(join(tmpdir(), "treue-clv-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

function parseSingleJson(stdout: string) {
  const lines = stdout.trim().split("\n");
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]);
}

describe("scripts/clv.ts", () => {
  it("reproduces the published CDNOW fits from the converted sample", () => {
    const csv = join(workDir, "cdnow.csv");
    writeFileSync(csv, cdnowToPurchasesCsv(readFileSync(cdnowSample, "utf8")));
    const run = runScript("scripts/clv.ts", ["--csv", csv, "--calibration-end", "1997-09-30"]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const out = parseSingleJson(run.stdout);
    expect(Object.keys(out)).toEqual(["customers", "bgnbd", "gammaGamma"]);
    expect(Object.keys(out.bgnbd)).toEqual(["r", "alpha", "a", "b", "logLikelihood"]);
    expect(Object.keys(out.gammaGamma)).toEqual(["p", "q", "gamma"]);
    expect(out.customers).toBe(2357);
    expect(out.bgnbd.r.toFixed(3)).toBe("0.243");
    expect(out.bgnbd.alpha.toFixed(3)).toBe("4.414");
    expect(out.bgnbd.a.toFixed(3)).toBe("0.793");
    expect(out.bgnbd.b.toFixed(3)).toBe("2.426");
    expect(out.bgnbd.logLikelihood.toFixed(1)).toBe("-9582.4");
    expect(out.gammaGamma.p.toFixed(2)).toBe("6.25");
    expect(out.gammaGamma.q.toFixed(2)).toBe("3.74");
    expect(out.gammaGamma.gamma.toFixed(2)).toBe("15.44");
  });

  it("fits a small export and prints one JSON object of finite numbers", () => {
    const run = runScript("scripts/clv.ts", ["--csv", fixture("purchases-small.csv"), "--calibration-end", "2024-06-30"]);
    expect(run.status).toBe(0);
    const out = parseSingleJson(run.stdout);
    expect(out.customers).toBe(12);
    for (const v of [...Object.values(out.bgnbd), ...Object.values(out.gammaGamma)]) {
      expect(Number.isFinite(v)).toBe(true);
    }
    expect(out.bgnbd.logLikelihood).toBeLessThan(0);
  });

  it("rejects a bad CSV with the line and the problem, exit 2 and no stdout", () => {
    const run = runScript("scripts/clv.ts", ["--csv", fixture("purchases-bad-date.csv"), "--calibration-end", "2024-06-30"]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^clv: line 3: date "02\/03\/2024" is not a date/);
  });

  it("rejects a calibration end before every purchase", () => {
    const run = runScript("scripts/clv.ts", ["--csv", fixture("purchases-small.csv"), "--calibration-end", "2023-01-01"]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/no purchases on or before the calibration end/);
  });
});
