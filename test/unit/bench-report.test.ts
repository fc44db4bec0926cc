/**
 * The bench's JSON report, built from measurements without running a load:
 * scenario entries (systems side by side, the efficiency ratio) and the sweep's
 * rows, one per size with every system keyed by name (issue 14).
 */
import { describe, expect, it } from "vitest";
import type { LoadResult } from "../../bench/measure.js";
import { report, scenarioEntry, sweepRows } from "../../bench/report.js";
import { classroom, light } from "../../bench/scenarios.js";

function result(cpuPerPoint: number, framesPerS: number, cpuUsPerFrame: number): LoadResult {
  return {
    routing: "cookie",
    p50_ms: 1,
    p95_ms: 2,
    p99_ms: 3,
    max_ms: 4,
    delivered_points_per_s: 1000,
    offered_points_per_s: 1000,
    cpu_s_per_million_points: cpuPerPoint,
    cpu_s: { nodes: 1, redis: 0.1, balancer: 0.5 },
    server_cores: 0.3,
    generator_cores: 0.2,
    frames_per_s: framesPerS,
    cpu_us_per_frame: cpuUsPerFrame,
    cpu_us_per_frame_by_role: { nodes: cpuUsPerFrame / 2, redis: 0, balancer: cpuUsPerFrame / 2 },
    points_per_frame: 1000 / framesPerS,
    redis_messages_per_s: 0,
    redis_bytes_per_s: 0,
    clients: 50,
    failed_clients: 0,
    disconnects: 0,
    commits_acked: 0,
    commits_failed: 0,
    window_s: 6,
  };
}

describe("bench report", () => {
  it("light has classroom's shape at 5 boards x 10 people, 2 drawing at 60 Hz", () => {
    const l = light("quick");
    const c = classroom("quick");
    expect(l).toEqual({ ...c, name: "light", boards: 5 });
    expect([l.membersPerBoard, l.drawersPerBoard, l.pointerHz]).toEqual([10, 2, 60]);
  });

  it("a load scenario's entry keeps each system's CPU per frame and the efficiency ratio", () => {
    const entry = scenarioEntry(light("quick"), { baseline: result(40, 1000, 39), meshboard: result(20, 300, 68), floor: result(10, 1000, 8) });
    expect(entry.name).toBe("light");
    expect(entry.params).toMatchObject({ boards: 5, membersPerBoard: 10 });
    expect(entry.efficiency_ratio).toBe(2);
    expect((entry.meshboard as LoadResult).cpu_us_per_frame).toBe(68);
    expect(report([entry])).toContain("CPU µs/frame");
    // Without the floor cluster there is no ceiling to report.
    expect(entry.topology_floor_ratio).toBeNull();
  });

  it("reports what the floor gets in meshboard's topology beside meshboard's ratio", () => {
    const entry = scenarioEntry(classroom("quick"), {
      baseline: result(48, 27000, 48),
      meshboard: result(32, 9000, 110),
      "floor-cluster": result(16, 9000, 58),
    });
    expect(entry.efficiency_ratio).toBe(1.5);
    expect(entry.topology_floor_ratio).toBe(3);
    expect(report([entry])).toContain("classroom: efficiency ratio 1.5 (the floor in meshboard's topology: 3)");
  });

  it("groups the sweep's measurements by size, every system keyed by name", () => {
    const rows = sweepRows([
      { system: "baseline", boards: 5, result: result(40, 1000, 39) },
      { system: "meshboard", boards: 5, result: result(20, 300, 68) },
      { system: "floor", boards: 5, result: result(10, 1000, 8) },
      { system: "baseline", boards: 10, result: result(41, 2000, 40) },
      { system: "meshboard", boards: 10, result: result(19, 600, 66) },
    ]);
    expect(rows.map((r) => r.boards)).toEqual([5, 10]);
    expect(Object.keys(rows[0]).sort()).toEqual(["baseline", "boards", "floor", "meshboard"]);
    expect(rows[0].meshboard?.cpu_us_per_frame).toBe(68);
    // A system that failed at a size is absent from that row, not null.
    expect(rows[1]).not.toHaveProperty("floor");
    expect(JSON.parse(JSON.stringify({ sweep: rows })).sweep[1].baseline.cpu_us_per_frame).toBe(40);
  });
});
