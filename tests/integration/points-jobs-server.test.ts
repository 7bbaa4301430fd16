// The periodic jobs start with the server: a birthday due today is granted without anyone calling a job.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTreue, TEST_SHOP, type TreueHarness } from "../support/treue-harness";

let t: TreueHarness;

beforeAll(async () => {
  t = await startTreue({ appEnv: { WEBHOOK_WORKER: "1", PERIODIC_JOBS: "1", PERIODIC_JOBS_FIRST_RUN_MS: "4000" } });
});
afterAll(async () => {
  if (process.env.SHOW_APP_OUTPUT) console.log(t?.app.output());
  await t?.close();
});

it("GIVEN a birthday bonus and a member whose birthday is today WHEN the server has started THEN the bonus is posted once", async () => {
  const today = new Date();
  const birthday = `${String(today.getUTCMonth() + 1).padStart(2, "0")}-${String(today.getUTCDate()).padStart(2, "0")}`;
  await t.db.prisma.loyaltyProgram.upsert({ where: { shop: TEST_SHOP }, create: { shop: TEST_SHOP, settings: { birthdayBonus: 25 } }, update: { settings: { birthdayBonus: 25 } } });
  await t.db.prisma.member.create({ data: { shop: TEST_SHOP, customerId: "9001", birthday } });
  await expect
    .poll(() => t.db.prisma.ledgerEntry.findMany({ where: { shop: TEST_SHOP, customerId: "9001" }, select: { idempotencyKey: true, points: true } }), { timeout: 30_000, interval: 500 })
    .toEqual([{ idempotencyKey: `birthday:9001:${today.getUTCFullYear()}`, points: 25 }]);
  expect(await t.db.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop: TEST_SHOP, customerId: "9001" } } })).toMatchObject({ points: 25, entryCount: 1 });
});
