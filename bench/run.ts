/**
 * `npm run bench`: load scenarios against meshboard, the seed's design and a
 * raw-ws floor on this machine, then a table (and `--json`: one JSON object,
 * last on stdout). Progress goes to stderr.
 *
 *   --smoke            tiny loads, well under a minute (CI; no thresholds)
 *   --quick            full-size scenarios, short windows (< 3 min on 2 cores)
 *   (default)          full-size scenarios, 20 s windows
 *   --json             print the result object last on stdout
 *   --scenarios a,b    subset of light,classroom,stadium,connections
 *   --systems a,b      subset of baseline,meshboard,floor,floor-cluster (the default: floor-cluster is
 *                      the floor in meshboard's topology, --env FLOOR_FLUSH_MS=0 relays at once), lab
 *   --boards N         classroom size (also --members, --drawers per board); --window S; --warmup S; --workers N
 *   --pointer-hz N     drawers' pointer rate (default 60; the meshboard client sends one draft
 *                      per 60 Hz frame, the seed's client a segment per move, throttled to 10 ms)
 *   meshboard levers:  --routing cookie|board|roundrobin  --samples-per-draft N
 *                      --parser default|msgpack  --no-commit  --no-ink-clock  --env KEY=VALUE (repeatable)
 *   --sweep 5,10,20    classroom at these board counts per system instead of the
 *                      scenarios; writes latency-against-load charts to bench/charts/
 *   --levers           the levers of issue 6 one by one on classroom (bench/levers/steps.ts);
 *                      --only 0,3,7 picks steps by index; --repeat N runs the steps N
 *                      times in turn and reports medians (the machine is shared)
 *   --markdown         tables as Markdown
 *   --label NAME       tag for the results file in bench/results/
 *   --meshboard-entry F  run another build of the server as meshboard (a prototype)
 *   --perf DIR         perf record (cpu-clock) the server processes over each window into DIR
 *   --idle             clients connect, nobody draws (fixed costs)
 *   --no-build         do not rebuild dist/server (the bench itself is always compiled)
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpus, totalmem, release } from "node:os";
import { mkdirSync, writeFileSync, statSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { lineChart, type Series } from "./lib/svg-chart.js";
import { renderTable } from "./lib/table.js";
import { routingFor, runConnections, runLoad, withSystem, type ConnectionsResult, type LoadKnobs, type LoadResult } from "./measure.js";
import { report, scenarioEntry, sweepRows, type ScenarioResult, type SweepMeasurement, type SystemResults } from "./report.js";
import { classroom, connections, light, stadium, TIMING, type Mode, type Scenario } from "./scenarios.js";
import { LEVER_STEPS } from "./levers/steps.js";
import { ALL_SYSTEMS, SYSTEMS, type RunningSystem, type SystemName } from "./systems.js";
import { ROUTINGS, type Routing } from "../scripts/lib/haproxy-config.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const t0 = Date.now();
const log = (s: string) => process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${s}\n`);

const { values: args } = parseArgs({
  options: {
    smoke: { type: "boolean", default: false },
    quick: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    scenarios: { type: "string" },
    systems: { type: "string" },
    boards: { type: "string" },
    window: { type: "string" },
    warmup: { type: "string" },
    workers: { type: "string" },
    routing: { type: "string" },
    "samples-per-draft": { type: "string" },
    parser: { type: "string", default: "default" },
    "no-commit": { type: "boolean", default: false },
    "no-ink-clock": { type: "boolean", default: false },
    env: { type: "string", multiple: true },
    "no-build": { type: "boolean", default: false },
    sweep: { type: "string" },
    levers: { type: "boolean", default: false },
    markdown: { type: "boolean", default: false },
    only: { type: "string" },
    idle: { type: "boolean", default: false },
    repeat: { type: "string", default: "1" },
    "meshboard-entry": { type: "string" },
    members: { type: "string" },
    "pointer-hz": { type: "string" },
    perf: { type: "string" },
    drawers: { type: "string" },
    label: { type: "string" },
  },
  strict: true,
});

const mode: Mode = args.smoke ? "smoke" : args.quick ? "quick" : "full";
const timing = { ...TIMING[mode] };
if (args.window) timing.windowS = Number(args.window);
if (args.warmup) timing.warmupS = Number(args.warmup);
if (args.workers) timing.workers = Number(args.workers);
const list = <T extends string>(v: string | undefined, all: readonly T[]): T[] => {
  if (!v) return [...all];
  const picked = v.split(",").map((s) => s.trim()) as T[];
  for (const p of picked) if (!all.includes(p)) throw new Error(`unknown ${p}; expected one of ${all.join(", ")}`);
  return picked;
};
const systems = args.systems ? list(args.systems, ALL_SYSTEMS) : [...SYSTEMS];
const scenarioNames = list(args.scenarios, ["light", "classroom", "stadium", "connections"] as const);
if (args.routing && !ROUTINGS.includes(args.routing as Routing)) throw new Error(`--routing: one of ${ROUTINGS.join(", ")}`);
if (args.parser !== "default" && args.parser !== "msgpack") throw new Error("--parser: default or msgpack");
const knobs: LoadKnobs = {
  samplesPerDraft: args["samples-per-draft"] ? Number(args["samples-per-draft"]) : undefined,
  parser: args.parser,
  commitStrokes: !args["no-commit"],
  inkClock: !args["no-ink-clock"],
  routing: args.routing as Routing | undefined,
  idle: args.idle,
  entry: args["meshboard-entry"] ? path.resolve(args["meshboard-entry"]) : undefined,
  perfDir: args.perf ? path.resolve(args.perf) : undefined,
  env: Object.fromEntries((args.env ?? []).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)])),
};

/** classroom, resized by --boards, --members and --drawers. */
function classroomScenario(boards?: number) {
  const c = classroom(mode, boards ?? (args.boards ? Number(args.boards) : undefined));
  if (args.members) c.membersPerBoard = Number(args.members);
  if (args.drawers) c.drawersPerBoard = Number(args.drawers);
  if (args["pointer-hz"]) c.pointerHz = Number(args["pointer-hz"]);
  return c;
}
function stadiumScenario() {
  const s = stadium(mode);
  if (args["pointer-hz"]) s.pointerHz = Number(args["pointer-hz"]);
  return s;
}
/** light: classroom's shape, smaller (--members, --drawers and --pointer-hz apply; --boards does not). */
function lightScenario() {
  return { ...classroomScenario(light(mode).boards), name: "light" };
}
const scenarios: Scenario[] = scenarioNames.map((n) =>
  n === "light" ? lightScenario() : n === "classroom" ? classroomScenario() : n === "stadium" ? stadiumScenario() : connections(mode),
);

/** Newest mtime of the .ts files under a directory. */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith(".ts")) t = Math.max(t, statSync(path.join(e.parentPath, e.name)).mtimeMs);
  }
  return t;
}
const mtime = (f: string) => {
  try {
    return statSync(f).mtimeMs;
  } catch {
    return 0;
  }
};

/** Builds the server when it is stale (unless told not to) and always compiles the bench (incremental). */
function build(server: boolean): void {
  const serverMain = path.join(root, "dist/server/main.js");
  const stale = Math.max(newest(path.join(root, "src/server")), newest(path.join(root, "src/shared"))) > mtime(serverMain);
  // The smoke run (CI, right after `npm test` built everything) only builds what is missing.
  if (server && systems.includes("meshboard") && (mode === "smoke" ? !mtime(serverMain) : stale)) {
    log("building the server (npm run build:server)");
    const r = spawnSync("npm", ["run", "--silent", "build:server"], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
    if (r.status !== 0 && !mtime(serverMain)) throw new Error("the server does not build");
  }
  if (stale && mode === "smoke") log("note: dist/server is older than src/ (npm run build:server to measure the current code)");
  log("compiling the bench (bench/tsconfig.json → dist-bench/)");
  const r = spawnSync(process.execPath, [path.join(root, "node_modules/typescript/bin/tsc"), "-p", path.join(root, "bench/tsconfig.json")], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (r.status !== 0) throw new Error("the bench does not compile");
}

function machine() {
  const cpu = cpus();
  let haproxy = "";
  let redis = "";
  try {
    haproxy = execFileSync("haproxy", ["-v"], { encoding: "utf8" }).split("\n")[0];
    redis = execFileSync("redis-server", ["--version"], { encoding: "utf8" }).trim();
  } catch {
    /* reported as empty */
  }
  return { cpus: cpu.length, cpu_model: cpu[0]?.model ?? "", memory_gib: Math.round(totalmem() / 2 ** 30), kernel: release(), node: process.version, haproxy, redis };
}

/** Idle sockets on one node: the floor cluster's would be the floor's. */
const measures = (system: SystemName, scenario: Scenario) => scenario.kind === "load" || system !== "floor-cluster";

async function main(): Promise<void> {
  const begun = Date.now();
  build(!args["no-build"]);
  if (args.sweep) return sweep(args.sweep.split(",").map(Number), begun);
  if (args.levers) return levers(begun);
  const per = new Map<string, SystemResults>(scenarios.map((sc) => [sc.name, {}]));
  const measure = (sys: RunningSystem, scenario: Scenario): Promise<LoadResult | ConnectionsResult> =>
    scenario.kind === "load" ? runLoad(sys, scenario, timing, knobs, log) : runConnections(sys, scenario, timing, knobs, log);
  const failed = (system: SystemName, err: unknown) => {
    log(`  ${system}: FAILED: ${(err as Error).stack ?? String(err)}`);
    process.exitCode = 1;
  };
  if (mode === "smoke") {
    // Tiny loads: one cluster per system serves every scenario (cookie affinity), to stay well under a minute.
    for (const system of systems) {
      try {
        await withSystem(system, routingFor(system, scenarios[0], { ...knobs, routing: knobs.routing ?? "cookie" }), knobs, async (sys) => {
          for (const scenario of scenarios.filter((sc) => measures(system, sc))) {
            log(`== ${scenario.name} (${mode})`);
            per.get(scenario.name)![system] = await measure(sys, scenario);
          }
        });
      } catch (err) {
        failed(system, err);
      }
    }
  } else {
    for (const scenario of scenarios) {
      log(`== ${scenario.name} (${mode})`);
      for (const system of systems.filter((sy) => measures(sy, scenario))) {
        try {
          per.get(scenario.name)![system] = await withSystem(system, routingFor(system, scenario, knobs), knobs, (sys) => measure(sys, scenario));
        } catch (err) {
          failed(system, err);
        }
      }
    }
  }
  const results: ScenarioResult[] = scenarios.map((scenario) => scenarioEntry(scenario, per.get(scenario.name)!));
  const output = {
    mode,
    date: new Date().toISOString(),
    machine: machine(),
    timing,
    knobs,
    duration_s: Math.round((Date.now() - begun) / 1000),
    scenarios: results,
  };
  save(`${mode}`, output);

  process.stdout.write(`\n${report(results, args.markdown)}\n`);
  log(`done in ${output.duration_s} s`);
  if (args.json) process.stdout.write(`${JSON.stringify(output)}\n`);
}

function save(kind: string, output: { date: string }): void {
  mkdirSync(path.join(root, "bench/results"), { recursive: true });
  const name = `${kind}${args.label ? `-${args.label}` : ""}-${output.date.replace(/[:.]/g, "-")}.json`;
  writeFileSync(path.join(root, "bench/results", name), JSON.stringify(output, null, 2));
  log(`results: bench/results/${name}`);
}

const COLORS: Record<SystemName, string> = { baseline: "#c92a2a", meshboard: "#1971c2", floor: "#2f9e44", "floor-cluster": "#e8590c", lab: "#862e9c" };

/** Classroom at growing sizes: latency and cost against delivered load, per system. */
async function sweep(boardCounts: number[], begun: number): Promise<void> {
  const rows: SweepMeasurement[] = [];
  for (const boards of boardCounts) {
    const scenario = classroomScenario(boards);
    log(`== classroom sweep: ${boards} boards`);
    for (const system of systems) {
      try {
        const result = await withSystem(system, routingFor(system, scenario, knobs), knobs, (sys) => runLoad(sys, scenario, timing, knobs, log));
        rows.push({ system, boards, result });
      } catch (err) {
        log(`  ${system}: FAILED: ${(err as Error).message}`);
      }
    }
  }
  const output = { mode, date: new Date().toISOString(), machine: machine(), timing, knobs, sweep: sweepRows(rows), duration_s: Math.round((Date.now() - begun) / 1000) };
  save("sweep", output);
  const series = (metric: (r: LoadResult) => number, dashed = false, suffix = "") =>
    systems.map<Series>((system) => ({
      name: `${system}${suffix}`,
      color: COLORS[system],
      dashed,
      points: rows.filter((r) => r.system === system).map((r) => ({ x: r.result.delivered_points_per_s, y: metric(r.result) })),
    }));
  mkdirSync(path.join(root, "bench/charts"), { recursive: true });
  writeFileSync(
    path.join(root, "bench/charts/classroom-latency.svg"),
    lineChart([...series((r) => r.p99_ms, false, " p99"), ...series((r) => r.p50_ms, true, " p50")], {
      title: "classroom: latency against delivered load",
      xLabel: "points delivered to watchers per second",
      yLabel: "pointer sample → watcher, ms",
      logY: true,
      reference: { y: 50, label: "p99 budget 50 ms" },
    }),
  );
  writeFileSync(
    path.join(root, "bench/charts/classroom-cpu.svg"),
    lineChart(series((r) => r.server_cores), {
      title: "classroom: server CPU against delivered load",
      xLabel: "points delivered to watchers per second",
      yLabel: "server-side cores busy (nodes + Redis + HAProxy)",
    }),
  );
  log("charts: bench/charts/classroom-latency.svg, bench/charts/classroom-cpu.svg");
  const table = renderTable(
    ["system", "boards", "offered/s", "points/s", "p50 ms", "p99 ms", "CPU-s/M pts", "CPU µs/frame", "cores"],
    rows.map((r) => [
      r.system,
      r.boards,
      r.result.offered_points_per_s,
      r.result.delivered_points_per_s,
      r.result.p50_ms,
      r.result.p99_ms,
      r.result.cpu_s_per_million_points,
      r.result.cpu_us_per_frame,
      r.result.server_cores,
    ]),
  );
  process.stdout.write(`\n${table}\n`);
  if (args.json) process.stdout.write(`${JSON.stringify(output)}\n`);
}

/** Each lever step on classroom, in order; ratios against the first step. */
async function levers(begun: number): Promise<void> {
  const scenario = classroomScenario();
  const only = args.only?.split(",").map(Number);
  const steps = only ? LEVER_STEPS.filter((_, i) => only.includes(i)) : LEVER_STEPS;
  const runs: Array<{ label: string; system: SystemName; round: number; result: LoadResult }> = [];
  const repeat = Math.max(1, Number(args.repeat));
  for (let round = 1; round <= repeat; round++) {
    for (const step of steps) {
      log(`== lever: ${step.label}${repeat > 1 ? ` (round ${round}/${repeat})` : ""}`);
      try {
        const stepKnobs: LoadKnobs = { ...knobs, ...step.knobs, routing: step.routing ?? knobs.routing, env: { ...knobs.env, ...step.env } };
        const result = await withSystem(step.system, routingFor(step.system, scenario, stepKnobs), stepKnobs, (sys) =>
          runLoad(sys, scenario, timing, stepKnobs, log),
        );
        runs.push({ label: step.label, system: step.system, round, result });
      } catch (err) {
        log(`  FAILED: ${(err as Error).message}`);
      }
    }
  }
  // Median per step over the rounds (by CPU per point; the other columns come from that same run).
  const rows = steps.flatMap((step) => {
    const mine = runs.filter((r) => r.label === step.label).sort((a, b) => a.result.cpu_s_per_million_points - b.result.cpu_s_per_million_points);
    return mine.length ? [{ ...mine[Math.floor((mine.length - 1) / 2)], spread: mine.map((r) => r.result.cpu_s_per_million_points) }] : [];
  });
  const output = { mode, date: new Date().toISOString(), machine: machine(), timing, scenario, levers: rows, runs, duration_s: Math.round((Date.now() - begun) / 1000) };
  save("levers", output);
  const base = rows[0]?.result.cpu_s_per_million_points ?? NaN;
  const table = renderTable(
    ["step", "routing", "p50 ms", "p99 ms", "points/s", "CPU-s/M pts", "vs seed", "pts/frame", "redis msg/s", ...(repeat > 1 ? ["all rounds"] : [])],
    rows.map((r) => [
      r.label,
      r.result.routing,
      r.result.p50_ms,
      r.result.p99_ms,
      r.result.delivered_points_per_s,
      r.result.cpu_s_per_million_points,
      `${(base / r.result.cpu_s_per_million_points).toFixed(2)}x`,
      r.result.points_per_frame,
      r.result.redis_messages_per_s,
      ...(repeat > 1 ? [r.spread.join(" ")] : []),
    ]),
    args.markdown,
  );
  process.stdout.write(`\n${table}\n`);
  if (args.json) process.stdout.write(`${JSON.stringify(output)}\n`);
}

main().catch((err) => {
  log(`bench failed: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
