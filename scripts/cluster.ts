/**
 * `npm run cluster [-- --routing cookie|board] [--nodes 3] [--port 3000]`:
 * redis-server, N meshboard nodes and HAProxy in front, until Ctrl-C.
 */
import { parseArgs } from "node:util";
import { DEFAULT_PORT } from "../src/shared/constants.js";
import { ROUTINGS, type Routing } from "./lib/haproxy-config.js";
import { startLocalCluster } from "./local-cluster.js";

const { values } = parseArgs({
  options: {
    routing: { type: "string", default: "cookie" },
    nodes: { type: "string", default: "3" },
    port: { type: "string", default: String(DEFAULT_PORT) },
    host: { type: "string", default: "127.0.0.1" },
  },
});
const routing = values.routing as Routing;
if (!ROUTINGS.includes(routing)) {
  console.error(`--routing must be one of ${ROUTINGS.join(", ")}`);
  process.exit(2);
}
const cluster = await startLocalCluster({ routing, nodes: Number(values.nodes), port: Number(values.port), host: values.host, nodeEnv: { LOG_LEVEL: "info" } });
console.log(`meshboard cluster up (routing: ${routing})`);
console.log(`  balancer  ${cluster.url}   <- open this`);
for (const n of cluster.nodes) console.log(`  ${n.nodeId.padEnd(9)} ${n.url}`);
console.log(`  redis     ${cluster.redis.url}`);
console.log("Ctrl-C stops everything.");

let stopping = false;
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    console.log("\nstopping…");
    void cluster.stop().finally(() => process.exit(0));
  });
}
