/**
 * Checks members' cached point totals against their ledger entries, and with --fix rebuilds them.
 *
 *   npm run ledger:check -- [--fix] [--shop SHOP.myshopify.com]
 *
 * Reads DATABASE_URL (while `npm run demo` runs, it prints its database's URL). Prints one line per member
 * whose totals drifted and a summary. Exit code 0 when nothing drifted or everything was fixed, 1 when
 * drift was found and not fixed, 2 on bad arguments.
 */
import { databaseTarget, openDatabase } from "../app/db/connection.server";
import { checkLedger } from "../app/points/points-jobs.server";

const USAGE = "usage: npm run ledger:check -- [--fix] [--shop SHOP]";
const args = process.argv.slice(2);
let fix = false;
let shop: string | undefined;
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--fix") fix = true;
  else if (args[i] === "--shop" && args[i + 1]) shop = args[++i];
  else {
    console.error(`ledger:check: unknown argument ${args[i]}\n${USAGE}`);
    process.exit(2);
  }
}

let target;
try {
  target = databaseTarget(process.env.DATABASE_URL);
} catch (error) {
  console.error(`ledger:check: ${(error as Error).message}`);
  process.exit(2);
}
const db = await openDatabase(target);
try {
  const report = await checkLedger(db.prisma, { fix, shop });
  for (const d of report.drifted) {
    const diff = (Object.keys(d.rebuilt) as (keyof typeof d.rebuilt)[])
      .filter((k) => d.stored[k] !== d.rebuilt[k])
      .map((k) => `${k} ${d.stored[k]} → ${d.rebuilt[k]}`)
      .join(", ");
    console.log(`${d.shop} customer ${d.customerId} (member ${d.memberId}): ${diff}`);
  }
  console.log(
    `${report.membersChecked} member(s) checked, ${report.drifted.length} drifted` + (fix ? `, ${report.fixed} fixed.` : report.drifted.length ? "; run with --fix to rebuild them." : "."),
  );
  process.exitCode = report.drifted.length > report.fixed ? 1 : 0;
} catch (error) {
  console.error(`ledger:check failed: ${(error as Error).message}`);
  process.exitCode = 2;
} finally {
  await db.close();
}
