/**
 * The bench's report, as data: one scenario's entry (systems side by side and
 * the efficiency ratio), the sweep's rows grouped by size, and the human table.
 * Pure functions, so the JSON's shape is unit tested without running a load.
 */
import { renderTable } from "./lib/table.js";
import type { ConnectionsResult, LoadResult } from "./measure.js";
import type { Scenario } from "./scenarios.js";
import { ALL_SYSTEMS, type SystemName } from "./systems.js";

export type SystemResults = Partial<Record<SystemName, LoadResult | ConnectionsResult>>;

export interface ScenarioResult extends SystemResults {
  name: string;
  params: Record<string, unknown>;
  /** CPU per point, the seed's design over meshboard's (load scenarios with both; else null). */
  efficiency_ratio?: number | null;
  /**
   * CPU per point, the seed's design over the floor cluster's: the ratio a raw
   * relay gets in meshboard's topology, batching as meshboard does (load
   * scenarios with both; else null).
   */
  topology_floor_ratio?: number | null;
}

/** The seed's CPU per point over a system's, two decimals (null when either is missing). */
function ratioTo(scenario: Scenario, seed: LoadResult | undefined, other: LoadResult | undefined): number | null {
  if (scenario.kind !== "load" || !seed || !other || !other.cpu_s_per_million_points) return null;
  return Number((seed.cpu_s_per_million_points / other.cpu_s_per_million_points).toFixed(2));
}

/** One scenario's entry in the JSON report. */
export function scenarioEntry(scenario: Scenario, bySystem: SystemResults): ScenarioResult {
  const { kind: _kind, name, ...params } = scenario;
  const entry: ScenarioResult = { name, params, ...bySystem };
  const seed = bySystem.baseline as LoadResult | undefined;
  entry.efficiency_ratio = ratioTo(scenario, seed, bySystem.meshboard as LoadResult | undefined);
  entry.topology_floor_ratio = ratioTo(scenario, seed, bySystem["floor-cluster"] as LoadResult | undefined);
  return entry;
}

export interface SweepMeasurement {
  system: SystemName;
  boards: number;
  result: LoadResult;
}

/** One size of the sweep: every system measured at it, keyed as in a scenario. */
export type SweepRow = { boards: number } & Partial<Record<SystemName, LoadResult>>;

/** The sweep's measurements grouped by board count, in the order the sizes were run. */
export function sweepRows(measurements: SweepMeasurement[]): SweepRow[] {
  const rows = new Map<number, SweepRow>();
  for (const { system, boards, result } of measurements) {
    let row = rows.get(boards);
    if (!row) rows.set(boards, (row = { boards }));
    row[system] = result;
  }
  return [...rows.values()];
}

/** The human table: load scenarios, then idle sockets. */
export function report(results: ScenarioResult[], markdown = false): string {
  const loadRows: Array<Array<string | number>> = [];
  const connRows: Array<Array<string | number>> = [];
  for (const r of results) {
    for (const system of ALL_SYSTEMS) {
      const v = r[system];
      if (!v) continue;
      if ("p99_ms" in v) {
        loadRows.push([
          `${r.name} / ${system}`,
          v.p50_ms,
          v.p95_ms,
          v.p99_ms,
          v.delivered_points_per_s,
          v.offered_points_per_s,
          v.cpu_s_per_million_points,
          v.cpu_us_per_frame,
          v.server_cores,
          v.points_per_frame,
          v.redis_messages_per_s,
          Math.round(v.redis_bytes_per_s / 1024),
        ]);
      } else {
        connRows.push([`${r.name} / ${system}`, v.sockets, v.heap_bytes_per_socket, v.rss_bytes_per_socket, v.connect_per_s]);
      }
    }
    if (r.efficiency_ratio !== undefined && r.name !== "connections") {
      const ceiling = r.topology_floor_ratio ? ` (the floor in meshboard's topology: ${r.topology_floor_ratio})` : "";
      loadRows.push([`${r.name}: efficiency ratio ${r.efficiency_ratio ?? "-"}${ceiling}`, "", "", "", "", "", "", "", "", "", "", ""]);
    }
  }
  const parts: string[] = [];
  if (loadRows.length) {
    parts.push(
      renderTable(
        ["scenario / system", "p50 ms", "p95 ms", "p99 ms", "points/s", "offered/s", "CPU-s/M pts", "CPU µs/frame", "cores", "pts/frame", "redis msg/s", "redis KiB/s"],
        loadRows,
        markdown,
      ),
    );
  }
  if (connRows.length) parts.push(renderTable(["scenario / system", "sockets", "heap B/socket", "RSS B/socket", "connects/s"], connRows, markdown));
  return parts.join("\n\n");
}
