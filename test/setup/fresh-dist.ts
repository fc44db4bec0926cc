/**
 * Vitest global setup of the integration and e2e projects: their tests run
 * dist/ in real node processes (and serve dist/client to Chromium), so a dist/
 * older than src/ would test yesterday's code. Refuses to start, saying what to
 * run, instead. `npm run test:integration` and `test:e2e` build first.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** What the build reads: the sources and the build's own configuration. */
const INPUTS = ["src", "tsconfig.json", "tsconfig.server.json", "vite.config.ts", "package-lock.json"];
/** One file of each build step's output; each step rewrites all of its output (tsc, and vite with emptyOutDir). */
const OUTPUTS = ["dist/server/main.js", "dist/client/index.html"];

/** The most recently modified file under `p`, with its mtime. */
function newest(p: string): { file: string; mtimeMs: number } {
  const stat = statSync(p);
  if (!stat.isDirectory()) return { file: p, mtimeMs: stat.mtimeMs };
  let best = { file: p, mtimeMs: 0 };
  for (const entry of readdirSync(p)) {
    const n = newest(path.join(p, entry));
    if (n.mtimeMs > best.mtimeMs) best = n;
  }
  return best;
}

/** Why dist/ cannot be trusted, or null when every build output is newer than every input. */
export function staleDist(dir = root): string | null {
  const missing = OUTPUTS.filter((o) => !existsSync(path.join(dir, o)));
  if (missing.length) return `${missing.join(", ")} missing`;
  const built = Math.min(...OUTPUTS.map((o) => statSync(path.join(dir, o)).mtimeMs));
  const changed = INPUTS.filter((i) => existsSync(path.join(dir, i)))
    .map((i) => newest(path.join(dir, i)))
    .filter((n) => n.mtimeMs > built);
  if (!changed.length) return null;
  const latest = changed.reduce((a, b) => (b.mtimeMs > a.mtimeMs ? b : a));
  return `${path.relative(dir, latest.file)} changed after the last build (${new Date(latest.mtimeMs).toISOString()} > ${new Date(built).toISOString()})`;
}

export default function checkDist(): void {
  const why = staleDist();
  if (why) throw new Error(`dist/ is stale: ${why}. These tests run dist/: run \`npm run build\` first (npm run test:integration / test:e2e do).`);
}
