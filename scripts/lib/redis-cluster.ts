/** A real 3-master Redis Cluster on free loopback ports (redis-server --cluster-enabled). */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { startRedis, type RedisProcess } from "./redis-process.js";
import { waitFor } from "./wait.js";

const run = promisify(execFile);

export interface RedisClusterProcess {
  /** Comma-separated node URLs: meshboard's REDIS_URL for Redis Cluster. */
  url: string;
  masters: RedisProcess[];
  stop(): Promise<void>;
}

export async function startRedisCluster(masters = 3): Promise<RedisClusterProcess> {
  const nodes = await Promise.all(
    Array.from({ length: masters }, () =>
      startRedis({ appendonly: false, extraArgs: ["--cluster-enabled", "yes", "--cluster-node-timeout", "2000", "--cluster-config-file", "nodes.conf"] }),
    ),
  );
  try {
    await run("redis-cli", ["--cluster", "create", ...nodes.map((n) => `127.0.0.1:${n.port}`), "--cluster-replicas", "0", "--cluster-yes"]);
    await waitFor(
      async () => {
        const { stdout } = await run("redis-cli", ["-p", String(nodes[0].port), "cluster", "info"]);
        return stdout.includes("cluster_state:ok");
      },
      { timeoutMs: 20_000, what: "redis cluster state ok" },
    );
  } catch (err) {
    await Promise.all(nodes.map((n) => n.kill()));
    throw err;
  }
  return {
    url: nodes.map((n) => n.url).join(","),
    masters: nodes,
    stop: async () => {
      await Promise.all(nodes.map((n) => n.stop()));
    },
  };
}
