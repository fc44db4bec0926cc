import { defineConfig } from "vitest/config";

/**
 * Three projects (`npm run test:unit`, `test:integration`, `test:e2e`; `npm test`
 * runs them all): unit tests run sources in this process; integration and e2e
 * tests run dist/ in real node processes (and Chromium), so they refuse a stale
 * dist/ (test/setup/fresh-dist.ts).
 */
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration and browser tests start real processes (nodes, Redis, HAProxy,
    // Chromium) on a 2-core machine: one file at a time keeps their timings honest
    // (two at a time made the fault tests' windows flaky once the suite grew).
    fileParallelism: false,
    maxWorkers: 1,
    reporters: ["default"],
    projects: [
      { extends: true, test: { name: "unit", include: ["test/unit/**/*.test.ts"] } },
      { extends: true, test: { name: "integration", include: ["test/integration/**/*.test.ts"], globalSetup: ["test/setup/fresh-dist.ts"] } },
      { extends: true, test: { name: "e2e", include: ["test/e2e/**/*.test.ts"], globalSetup: ["test/setup/fresh-dist.ts"] } },
    ],
  },
});
