import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration and browser tests start real processes on a 2-core machine:
    // run files one or two at a time so timings stay honest.
    fileParallelism: true,
    maxWorkers: 2,
    reporters: ["default"],
  },
});
