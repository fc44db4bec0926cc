/**
 * Writes deploy/haproxy/haproxy-<routing>.cfg for docker-compose from the same
 * renderer the local cluster uses (`npx tsx scripts/render-haproxy.ts`).
 * A test fails when the files and the renderer disagree.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { composeHaproxyConfig, COMPOSE_ROUTINGS } from "./lib/compose-haproxy.js";

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../deploy/haproxy");
for (const routing of COMPOSE_ROUTINGS) {
  const file = path.join(dir, `haproxy-${routing}.cfg`);
  writeFileSync(file, composeHaproxyConfig(routing));
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
