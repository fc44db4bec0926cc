/**
 * A whole meshboard cluster on one machine: a real redis-server, N nodes and
 * HAProxy in front, each on a free loopback port. Used by `npm run cluster`,
 * the integration tests, the benchmark and the doctor's tests.
 */
import { startHaproxy, type HaproxyProcess } from "./lib/haproxy-process.js";
import type { Routing } from "./lib/haproxy-config.js";
import { startServer, type ServerProcess } from "./lib/node-process.js";
import { freePort } from "./lib/free-port.js";
import { startRedis, type RedisOptions, type RedisProcess } from "./lib/redis-process.js";

export type { Routing };

export interface LocalClusterOptions {
  nodes?: number;
  routing: Routing;
  /** Port of the balancer (default: a free one). */
  port?: number;
  /** Interface the balancer binds (default 127.0.0.1). */
  host?: string;
  /** Extra environment for every node. */
  nodeEnv?: Record<string, string>;
  /** Script to run as a node instead of the meshboard server (benchmark baseline). */
  entry?: string;
  readyPath?: string;
  redis?: RedisOptions;
}

export interface LocalCluster {
  /** The balancer's URL. */
  url: string;
  nodes: ServerProcess[];
  redis: RedisProcess;
  haproxy: HaproxyProcess;
  haproxyPid: number;
  /** Starts node i again (same id and port) after it was stopped or killed. */
  restartNode(i: number): Promise<ServerProcess>;
  stop(): Promise<void>;
}

export async function startLocalCluster(opts: LocalClusterOptions): Promise<LocalCluster> {
  const count = opts.nodes ?? 3;
  const redis = await startRedis(opts.redis);
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  const nodeOptions = (i: number) => ({
    port: ports[i],
    nodeId: `node${i + 1}`,
    entry: opts.entry,
    readyPath: opts.readyPath,
    // One proxy (HAProxy, `option forwardfor`) stands between clients and nodes.
    env: { REDIS_URL: redis.url, LOG_LEVEL: "warn", TRUST_PROXY: "1", ...opts.nodeEnv },
  });
  const nodes: ServerProcess[] = [];
  try {
    nodes.push(...(await Promise.all(ports.map((_, i) => startServer(nodeOptions(i))))));
    const haproxy = await startHaproxy({
      routing: opts.routing,
      port: opts.port,
      host: opts.host,
      servers: nodes.map((n) => ({ name: n.nodeId, address: `127.0.0.1:${n.port}` })),
    });
    const cluster: LocalCluster = {
      url: haproxy.url,
      nodes,
      redis,
      haproxy,
      haproxyPid: haproxy.pid,
      restartNode: async (i) => {
        await nodes[i].kill();
        nodes[i] = await startServer({ ...nodeOptions(i), dataDir: nodes[i].dataDir });
        return nodes[i];
      },
      stop: async () => {
        await haproxy.stop();
        await Promise.all(nodes.map((n) => n.stop()));
        await redis.stop();
      },
    };
    return cluster;
  } catch (err) {
    await Promise.all(nodes.map((n) => n.kill()));
    await redis.kill();
    throw err;
  }
}
