/**
 * `npm run test:containers` (through test/containers/run.sh, which starts the
 * engine and builds the images first). A config of its own: these files are
 * named *.containers.ts so `npm test` never picks them up.
 */
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: new URL("../..", import.meta.url).pathname,
    include: ["test/containers/**/*.containers.ts"],
    // One compose topology at a time on a 2-core machine.
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 300_000,
    reporters: ["default"],
  },
});
