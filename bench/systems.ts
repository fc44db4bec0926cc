/**
 * The three systems under test, started on loopback:
 * - baseline: the seed's design (bench/baseline/server.ts) as 3 nodes + Redis + HAProxy (cookie affinity);
 * - meshboard: the real server (dist/server/main.js) as 3 nodes + Redis + HAProxy;
 * - floor: a raw ws relay in one process (bench/floor/server.ts);
 * - floor-cluster: the same relay in meshboard's topology, 3 of them behind HAProxy,
 *   gathering a board's ink per tick (FLOOR_FLUSH_MS, 33 unless set) and fanning out
 *   through Redis only when the routing spreads a board over nodes.
 * Each reports the pids whose CPU counts as "server side".
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startLocalCluster, type Routing } from "../scripts/local-cluster.js";
import { startServer } from "../scripts/lib/node-process.js";
import type { Protocol } from "./load/messages.js";

/** `lab` is bench/levers/server.ts: meshboard's draft path with switchable levers (not part of the default run). */
export type SystemName = "baseline" | "meshboard" | "floor" | "floor-cluster" | "lab";
/** Measured in every run; the floor cluster only under load (idle sockets on one node are the floor's). */
export const SYSTEMS: readonly SystemName[] = ["baseline", "meshboard", "floor", "floor-cluster"];
export const ALL_SYSTEMS: readonly SystemName[] = [...SYSTEMS, "lab"];

/** The floor cluster's tick: what meshboard's ink clock settles on when busy. */
export const FLOOR_CLUSTER_FLUSH_MS = 33;
/** How long the floor cluster gathers a board's ink before writing it (0: relays at once). */
export const floorFlushMs = (env: Record<string, string> | undefined) => Number(env?.FLOOR_FLUSH_MS ?? FLOOR_CLUSTER_FLUSH_MS);

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const BENCH_BUILD = path.join(root, "dist-bench", "bench");

/**
 * Every simulated person connects from 127.0.0.1 (and reaches a node through the
 * one balancer), so meshboard's per-address guards would treat the whole crowd
 * as one abuser. They are switched off for the bench; per-socket limits stay on.
 */
export const MESHBOARD_BENCH_ENV: Record<string, string> = {
  RATE_IP_OP: "off",
  RATE_IP_LIVE: "off",
  RATE_IP_CONTROL: "off",
  MAX_CONNECTIONS_PER_IP: "off",
  RATE_IP_CONNECT: "off",
};

export interface SystemOptions {
  routing: Routing;
  nodes: number;
  /** Extra environment for every server process (e.g. the heap probe). */
  env?: Record<string, string>;
  /** meshboard only: another build of the server to run (a prototype of a change). */
  entry?: string;
}

export interface RunningSystem {
  name: SystemName;
  protocol: Protocol;
  /** Where clients connect: the balancer, or the floor's only process. */
  url: string;
  nodes: Array<{ url: string; pid: number }>;
  /** Server-side processes by role, for the CPU meter. */
  cpuGroups: Record<string, number[]>;
  redisUrl?: string;
  routing: Routing | "none";
  /** Where the heap probe loaded into every server process answers (see probe/heap-probe.ts). */
  heapDir: string;
  stop(): Promise<void>;
}

/** Every server process carries the (passive) heap probe, so any run can read heap figures. */
function probeEnv(extra: Record<string, string> | undefined, heapDir: string): Record<string, string> {
  const probe = `--import=${pathToFileURL(path.join(BENCH_BUILD, "probe/heap-probe.js")).href}`;
  const nodeOptions = [probe, extra?.NODE_OPTIONS].filter(Boolean).join(" ");
  return { ...extra, NODE_OPTIONS: nodeOptions, BENCH_HEAP_DIR: heapDir };
}

export async function startSystem(name: SystemName, opts: SystemOptions): Promise<RunningSystem> {
  const heapDir = mkdtempSync(path.join(tmpdir(), "meshboard-bench-heap-"));
  const cleanup = () => rmSync(heapDir, { recursive: true, force: true });
  const env = probeEnv(opts.env, heapDir);
  if (name === "floor") {
    const floor = await startServer({ entry: path.join(BENCH_BUILD, "floor/server.js"), nodeId: "floor", env });
    return {
      name,
      protocol: "floor",
      url: floor.url,
      nodes: [{ url: floor.url, pid: floor.pid }],
      cpuGroups: { nodes: [floor.pid] },
      routing: "none",
      heapDir,
      stop: async () => {
        await floor.stop();
        cleanup();
      },
    };
  }
  const entries: Partial<Record<SystemName, string>> = {
    baseline: path.join(BENCH_BUILD, "baseline/server.js"),
    lab: path.join(BENCH_BUILD, "levers/server.js"),
    "floor-cluster": path.join(BENCH_BUILD, "floor/server.js"),
    meshboard: opts.entry,
  };
  const floorEnv: Record<string, string> =
    name === "floor-cluster" ? { FLOOR_FLUSH_MS: String(floorFlushMs(opts.env)), FLOOR_FANOUT: opts.routing === "board" ? "local" : "redis" } : {};
  const cluster = await startLocalCluster({
    nodes: opts.nodes,
    routing: opts.routing,
    entry: entries[name],
    nodeEnv: { LOG_LEVEL: "warn", ...(name === "meshboard" ? MESHBOARD_BENCH_ENV : {}), ...floorEnv, ...env },
    // The baseline's own store is none; meshboard's Redis keeps its default persistence.
  });
  // Under board affinity the floor cluster never touches Redis: its CPU is not the floor's.
  const redisCounts = name !== "floor-cluster" || floorEnv.FLOOR_FANOUT === "redis";
  return {
    name,
    protocol: name === "baseline" ? "seed" : name === "floor-cluster" ? "floor" : "meshboard",
    url: cluster.url,
    nodes: cluster.nodes.map((n) => ({ url: n.url, pid: n.pid })),
    cpuGroups: {
      nodes: cluster.nodes.map((n) => n.pid),
      ...(redisCounts ? { redis: [cluster.redis.pid] } : {}),
      balancer: [cluster.haproxyPid],
    },
    redisUrl: cluster.redis.url,
    routing: opts.routing,
    heapDir,
    stop: async () => {
      await cluster.stop();
      cleanup();
    },
  };
}
