import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

// Four projects: fast pure tests (and services on a real database), integration against real PostgreSQL and real HTTP,
// the checkout extension under the ui-extensions tester, and a few real-Chromium tests.
process.env.TZ = "UTC";

export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    env: { TZ: "UTC" },
    // A worker exits when vitest does (tests/support/exit-with-run.ts).
    setupFiles: ["tests/support/exit-with-run.ts"],
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["app/**/*.test.ts", "scripts/**/*.test.ts", "server/**/*.test.ts", "tests/shopify-standin/**/*.test.ts"],
          environment: "node",
          // Service tests here use a real PostgreSQL database; 5 s and 10 s are too tight when files run side by
          // side on 2 cores.
          globalSetup: ["tests/support/database-setup.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          globalSetup: ["tests/support/database-setup.ts", "tests/support/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
      {
        extends: true,
        test: {
          name: "extensions",
          include: ["extensions/**/*.test.{ts,tsx}"],
          environment: "happy-dom",
          server: { deps: { inline: [/@shopify\/ui-extensions/] } },
        },
      },
      {
        extends: true,
        test: {
          name: "browser",
          include: ["tests/browser/**/*.test.ts"],
          environment: "node",
          globalSetup: ["tests/support/database-setup.ts", "tests/support/global-setup.ts", "tests/support/browser-setup.ts"],
          testTimeout: 180_000,
          hookTimeout: 300_000,
        },
      },
      // The app behind a real PgBouncer (tests/pooler): `npm run test:pooler`, run by .ci/run; not part of
      // `npm test`, since it needs the pgbouncer binary a user's machine does not have.
      ...(process.env.TREUE_POOLER_CHECK === "1"
        ? [
            {
              extends: true as const,
              test: {
                name: "pooler",
                include: ["tests/pooler/**/*.test.ts"],
                environment: "node",
                globalSetup: ["tests/support/database-setup.ts", "tests/support/global-setup.ts"],
                testTimeout: 120_000,
                hookTimeout: 300_000,
              },
            },
          ]
        : []),
    ],
  },
});
