/** Runs one scenario against one system and measures it. */
import { readFileSync, rmSync, existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { sleep } from "./lib/clock.js";
import { CpuMeter, processTree } from "./lib/proc-cpu.js";
import { RedisMeter } from "./lib/redis-info.js";
import { LoadPool } from "./load/pool.js";
import type { ClientSpec, WorkerPlan } from "./load/messages.js";
import type { Routing } from "../scripts/local-cluster.js";
import type { ConnectionsScenario, LoadScenario, Scenario, Timing } from "./scenarios.js";
import { BENCH_BUILD, floorFlushMs, startSystem, type RunningSystem, type SystemName } from "./systems.js";
import { isAlive } from "../scripts/lib/pid.js";

const WORKER = path.join(BENCH_BUILD, "load/worker.js");

export interface LoadResult {
  routing: string;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
  delivered_points_per_s: number;
  offered_points_per_s: number;
  cpu_s_per_million_points: number;
  /** Server-side CPU seconds over the window, by role. */
  cpu_s: Record<string, number>;
  /** Server-side cores busy on average. */
  server_cores: number;
  generator_cores: number;
  frames_per_s: number;
  /**
   * Server-side CPU (nodes + HAProxy + Redis, from /proc, user + system) over
   * the window, in microseconds, divided by the outbound frames delivered in it:
   * the WebSocket messages carrying live ink that watchers received (a `draft`
   * or `drafts` event for meshboard, a `drawing` event for the seed's design, a
   * text frame for the floor), as counted by the load generator. Inbound frames
   * (drawers' sends), commits, presence and clock traffic are not counted in the
   * denominator; their cost is in the numerator. See BENCHMARKS.md.
   */
  cpu_us_per_frame: number;
  /** The same, split by role (nodes, balancer, redis). */
  cpu_us_per_frame_by_role: Record<string, number>;
  points_per_frame: number;
  redis_messages_per_s: number;
  redis_bytes_per_s: number;
  clients: number;
  failed_clients: number;
  disconnects: number;
  commits_acked: number;
  commits_failed: number;
  window_s: number;
}

export interface ConnectionsResult {
  sockets: number;
  failed: number;
  heap_bytes_per_socket: number;
  rss_bytes_per_socket: number;
  connect_per_s: number;
}

/** What a run may vary for meshboard (levers) besides the scenario. */
export interface LoadKnobs {
  /** Pointer samples per draft the meshboard client sends; default: one draft per 60 Hz animation frame. */
  samplesPerDraft?: number;
  /** false: the meshboard client sends a draft per animation frame instead of on the server's ink clock. */
  inkClock?: boolean;
  parser: WorkerPlan["parser"];
  commitStrokes: boolean;
  /** Extra environment for meshboard nodes. */
  env?: Record<string, string>;
  /** Overrides the scenario's routing for meshboard. */
  routing?: Routing;
  /** Clients connect but nobody draws: what the systems cost at rest. */
  idle?: boolean;
  /** Another build of the meshboard server to run instead of dist/ (prototypes of server changes). */
  entry?: string;
  /** Record the server processes with `perf record -e cpu-clock` over the window into this directory. */
  perfDir?: string;
}

/** On-CPU samples of every server process over the window (perf's software clock works in VMs). */
async function recordPerf(dir: string, sys: RunningSystem, seconds: number): Promise<void> {
  const { spawn } = await import("node:child_process");
  const roles = Object.entries(sys.cpuGroups).flatMap(([role, pids]) => processTree(pids).map((pid) => `${pid}=${role}`));
  const file = path.join(dir, `${sys.name}-${Date.now()}.perf.data`);
  writeFileSync(`${file}.pids`, roles.join("\n") + "\n");
  const pids = roles.map((r) => r.split("=")[0]).join(",");
  await new Promise<void>((resolve) => {
    const p = spawn("perf", ["record", "-q", "-e", "cpu-clock", "-F", "999", "-g", "-p", pids, "-o", file, "--", "sleep", String(seconds)], { stdio: "ignore" });
    p.on("exit", () => resolve());
    p.on("error", () => resolve());
  });
}

function plan(scenario: LoadScenario, url: string): ClientSpec[] {
  const specs: ClientSpec[] = [];
  for (let b = 0; b < scenario.boards; b++) {
    const board = `bench-${scenario.name}-${b}`;
    for (let m = 0; m < scenario.membersPerBoard; m++) specs.push({ url, board, draws: m < scenario.drawersPerBoard });
  }
  return specs;
}

const round = (v: number, digits = 2) => (Number.isFinite(v) ? Number(v.toFixed(digits)) : null) as number;

/** Whether the levers (knobs) apply to this system. */
export const tunable = (system: SystemName) => system === "meshboard" || system === "lab" || system === "floor-cluster";

/**
 * Pointer samples a client sends together: one per 60 Hz animation frame; the
 * floor cluster's clients send a tick's samples together, as meshboard's do on
 * the ink clock (unaligned to the relay's tick: the floor has no clock protocol).
 */
function defaultSamplesPerDraft(system: SystemName, scenario: LoadScenario, knobs: LoadKnobs): number {
  const perFrame = Math.max(1, Math.round(scenario.pointerHz / 60));
  if (system !== "floor-cluster") return perFrame;
  return Math.max(perFrame, Math.round((floorFlushMs(knobs.env) * scenario.pointerHz) / 1000));
}

/** The balancer routing a system gets in a scenario. */
export function routingFor(system: SystemName, scenario: Scenario, knobs: LoadKnobs): Routing {
  if (tunable(system) && knobs.routing) return knobs.routing;
  if (scenario.kind === "connections" || system === "floor") return "cookie";
  return tunable(system) ? scenario.routing.meshboard : scenario.routing.baseline;
}

/** The heap probe's settings (BENCH_HEAP_*) reach every system: they change what is measured, not the server. */
function probeOnly(env: Record<string, string> | undefined): Record<string, string> | undefined {
  const picked = Object.entries(env ?? {}).filter(([k]) => k.startsWith("BENCH_HEAP_"));
  return picked.length ? Object.fromEntries(picked) : undefined;
}

/** Starts a system for one measurement and stops it afterwards. */
export async function withSystem<T>(system: SystemName, routing: Routing, knobs: LoadKnobs, run: (sys: RunningSystem) => Promise<T>): Promise<T> {
  const sys = await startSystem(system, { routing, nodes: 3, env: tunable(system) ? knobs.env : probeOnly(knobs.env), entry: knobs.entry });
  try {
    return await run(sys);
  } finally {
    await sys.stop();
  }
}

export async function runLoad(
  sys: RunningSystem,
  scenario: LoadScenario,
  timing: Timing,
  knobs: LoadKnobs,
  log: (s: string) => void,
): Promise<LoadResult> {
  const system = sys.name;
  const tuned = tunable(system);
  let pool: LoadPool | undefined;
  try {
    const clients = plan(scenario, sys.url);
    const started = Date.now();
    const res = await LoadPool.start(
      WORKER,
      timing.workers,
      {
        protocol: sys.protocol,
        pointerHz: scenario.pointerHz,
        samplesPerDraft: tuned ? (knobs.samplesPerDraft ?? defaultSamplesPerDraft(system, scenario, knobs)) : 1,
        inkClock: tuned && system !== "floor-cluster" && knobs.inkClock !== false,
        strokePoints: 120,
        commitStrokes: knobs.commitStrokes,
        parser: knobs.parser,
        connectConcurrency: timing.connectConcurrency,
        connectTimeoutMs: 15_000,
        connectBudgetMs: timing.connectBudgetS * 1000,
      },
      clients,
    );
    pool = res.pool;
    log(`  ${system}: ${res.connect.ok}/${clients.length} clients in ${((Date.now() - started) / 1000).toFixed(1)} s${res.connect.failed ? ` (${res.connect.failed} failed: ${res.connect.errors.join("; ")})` : ""}`);
    if (!knobs.idle) pool.draw(true);
    await sleep(timing.warmupS * 1000);
    const cpu = new CpuMeter(sys.cpuGroups);
    const redis = sys.redisUrl ? new RedisMeter(sys.redisUrl) : null;
    await redis?.begin();
    cpu.begin();
    const t0 = performance.now();
    await pool.mark();
    const perf = knobs.perfDir ? recordPerf(knobs.perfDir, sys, timing.windowS) : null;
    await sleep(timing.windowS * 1000);
    await perf;
    const stats = await pool.mark();
    const cpuS = cpu.end();
    const windowS = (performance.now() - t0) / 1000;
    const traffic = await redis?.end();
    pool.draw(false);
    const dead = Object.values(sys.cpuGroups).flat().filter((pid) => !isAlive(pid));
    if (dead.length) throw new Error(`server process(es) ${dead.join(", ")} died during the run`);

    const drawers = scenario.boards * scenario.drawersPerBoard;
    const connectedShare = res.connect.ok / clients.length;
    const offered = drawers * scenario.pointerHz * (scenario.membersPerBoard - 1) * connectedShare;
    const total = Object.values(cpuS).reduce((a, b) => a + b, 0);
    return {
      routing: sys.routing,
      p50_ms: round(stats.latency.percentile(50)),
      p95_ms: round(stats.latency.percentile(95)),
      p99_ms: round(stats.latency.percentile(99)),
      max_ms: round(stats.latency.max),
      delivered_points_per_s: Math.round(stats.points / windowS),
      offered_points_per_s: Math.round(offered),
      cpu_s_per_million_points: round(stats.points ? (total / stats.points) * 1e6 : NaN),
      cpu_s: Object.fromEntries(Object.entries(cpuS).map(([k, v]) => [k, round(v)])),
      server_cores: round(total / windowS),
      generator_cores: round(stats.generatorCpuS / windowS),
      frames_per_s: Math.round(stats.frames / windowS),
      cpu_us_per_frame: round(stats.frames ? (total / stats.frames) * 1e6 : NaN, 1),
      cpu_us_per_frame_by_role: Object.fromEntries(Object.entries(cpuS).map(([k, v]) => [k, round(stats.frames ? (v / stats.frames) * 1e6 : NaN, 1)])),
      points_per_frame: round(stats.points / Math.max(1, stats.frames)),
      redis_messages_per_s: traffic ? Math.round(traffic.publishes / windowS) : 0,
      redis_bytes_per_s: traffic ? Math.round((traffic.bytes_in + traffic.bytes_out) / windowS) : 0,
      clients: res.connect.ok,
      failed_clients: res.connect.failed,
      disconnects: stats.disconnects,
      commits_acked: stats.commitsAcked,
      commits_failed: stats.commitsFailed,
      window_s: round(windowS),
    };
  } finally {
    await pool?.close();
  }
}

/** Asks the heap probe in `pid` for its memory figures (after a full GC). */
async function heapOf(dir: string, pid: number): Promise<{ heapUsed: number; rss: number }> {
  const file = path.join(dir, `${pid}.json`);
  rmSync(file, { force: true });
  process.kill(pid, "SIGUSR2");
  const deadline = Date.now() + 15_000;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`heap probe in ${pid} did not answer`);
    await sleep(50);
  }
  return JSON.parse(readFileSync(file, "utf8")) as { heapUsed: number; rss: number };
}

/**
 * Idle sockets on one node: connects a tenth of them, reads the heap, connects
 * the rest, reads it again; the per-socket figure is the slope, so the node's
 * fixed costs do not flatter it.
 */
export async function runConnections(
  sys: RunningSystem,
  scenario: ConnectionsScenario,
  timing: Timing,
  knobs: Pick<LoadKnobs, "parser">,
  log: (s: string) => void,
): Promise<ConnectionsResult> {
  const system = sys.name;
  const dir = sys.heapDir;
  const pools: LoadPool[] = [];
  try {
    const node = sys.nodes[0];
    const specs = (from: number, to: number): ClientSpec[] =>
      Array.from({ length: to - from }, (_, i) => ({ url: node.url, board: `idle-${Math.floor((from + i) / scenario.membersPerBoard)}`, draws: false }));
    const base = {
      protocol: sys.protocol,
      pointerHz: 60,
      samplesPerDraft: 1,
      inkClock: false,
      strokePoints: 120,
      commitStrokes: false,
      parser: knobs.parser,
      connectConcurrency: timing.connectConcurrency * 2,
      connectTimeoutMs: 30_000,
      connectBudgetMs: timing.connectBudgetS * 2000,
    };
    const first = Math.max(1, Math.round(scenario.sockets / 10));
    const a = await LoadPool.start(WORKER, timing.workers, base, specs(0, first));
    pools.push(a.pool);
    await sleep(timing.settleS * 1000);
    const h1 = await heapOf(dir, node.pid);
    const started = Date.now();
    const b = await LoadPool.start(WORKER, timing.workers, base, specs(first, scenario.sockets));
    pools.push(b.pool);
    const connectS = (Date.now() - started) / 1000;
    await sleep(timing.settleS * 1000);
    const h2 = await heapOf(dir, node.pid);
    const ok = a.connect.ok + b.connect.ok;
    const added = b.connect.ok;
    log(`  ${system}: ${ok}/${scenario.sockets} idle sockets on one node${b.connect.failed + a.connect.failed ? ` (${a.connect.failed + b.connect.failed} failed: ${[...a.connect.errors, ...b.connect.errors].slice(0, 3).join("; ")})` : ""}`);
    return {
      sockets: ok,
      failed: a.connect.failed + b.connect.failed,
      heap_bytes_per_socket: added ? Math.round((h2.heapUsed - h1.heapUsed) / added) : NaN,
      rss_bytes_per_socket: added ? Math.round((h2.rss - h1.rss) / added) : NaN,
      connect_per_s: Math.round(added / connectS),
    };
  } finally {
    for (const p of pools) await p.close();
  }
}
