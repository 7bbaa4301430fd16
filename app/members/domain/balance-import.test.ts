// Reading a points-balance export: which columns the header means, and each line's values or problems.
import { describe, expect, it } from "vitest";
import { parseCsvRecords } from "~/analytics/domain/csv";
import { guessBalanceColumns, readBalanceLines } from "./balance-import";

describe("guessBalanceColumns", () => {
  it("reads the exports of the leading loyalty apps", () => {
    expect(guessBalanceColumns(["email", "points"])).toEqual({ email: 0, points: 1, tier: null });
    expect(guessBalanceColumns(["Customer ID", "Email", "Lifetime points", "Pending points", "Approved points", "Tier"])).toEqual({ email: 1, points: 4, tier: 5 });
    expect(guessBalanceColumns(["customer_email", "points_balance", "vip_tier"])).toEqual({ email: 0, points: 1, tier: 2 });
    expect(guessBalanceColumns(["E-Mail", "Punktestand", "Stufe"])).toEqual({ email: 0, points: 1, tier: 2 });
  });

  it("never takes a lifetime, pending or redeemed count for the balance, and says so when nothing fits", () => {
    expect(guessBalanceColumns(["email", "lifetime points", "points redeemed", "pending points"])).toEqual({ email: 0, points: null, tier: null });
    expect(guessBalanceColumns(["name", "amount"])).toEqual({ email: null, points: null, tier: null });
  });
});

describe("readBalanceLines", () => {
  const read = (text: string) => readBalanceLines(parseCsvRecords(text), { email: 0, points: 1, tier: 2 });

  it("gives each line's e-mail in lower case, its whole balance and its tier", () => {
    expect(read("email,points,tier\nAda@Example.com , 120 ,Gold\nbo@example.com,0,\n")).toEqual({
      lines: [
        { line: 2, email: "ada@example.com", points: 120, tier: "Gold" },
        { line: 3, email: "bo@example.com", points: 0, tier: null },
      ],
      problems: [],
    });
  });

  it("names each line's problems: a broken e-mail, a balance that is not a whole number from 0, an e-mail given twice", () => {
    const { lines, problems } = read(
      'email,points,tier\nnot-an-email,5,\nada@example.com,"1,200",\nbo@example.com,-3,\ncy@example.com,2.5,\nada@example.com,7,\nADA@example.com,8,\ndy@example.com,,\neve@example.com,+9,\n',
    );
    expect(lines).toEqual([{ line: 9, email: "eve@example.com", points: 9, tier: null }]);
    expect(problems).toEqual([
      { line: 2, code: "badEmail", value: "not-an-email" },
      { line: 3, code: "badPoints", value: "1,200" },
      { line: 4, code: "badPoints", value: "-3" },
      { line: 5, code: "badPoints", value: "2.5" },
      { line: 6, code: "duplicateEmail", value: "ada@example.com" },
      { line: 7, code: "duplicateEmail", value: "ADA@example.com" },
      { line: 8, code: "badPoints", value: "" },
    ]);
  });
});
