/**
 * The benchmark's smoke run, as CI runs it (tiny loads, no thresholds), holding
 * `--json` to the shape issues 6 and 14 define: one JSON object last on stdout,
 * every scenario (light, classroom, stadium, connections) with the systems (the
 * seed's design, meshboard, the floor, and under load the floor in meshboard's
 * topology), the efficiency ratio as the seed's CPU per point over meshboard's
 * (and over the floor cluster's), and each system's server CPU per outbound frame. The sweep's shape: test/unit/bench-report.test.ts.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const run = promisify(execFile);

const load = z.object({
  p50_ms: z.number(),
  p95_ms: z.number(),
  p99_ms: z.number(),
  delivered_points_per_s: z.number().positive(),
  cpu_s_per_million_points: z.number().positive(),
  cpu_us_per_frame: z.number().positive(),
  cpu_us_per_frame_by_role: z.record(z.string(), z.number()),
});
const sockets = z.object({ sockets: z.number().int().positive(), heap_bytes_per_socket: z.number().positive() });
const loadScenario = (name: string) =>
  z.object({
    name: z.literal(name),
    baseline: load,
    meshboard: load,
    floor: load,
    "floor-cluster": load,
    efficiency_ratio: z.number().positive(),
    topology_floor_ratio: z.number().positive(),
  });
const report = z.object({
  scenarios: z.tuple([
    loadScenario("light"),
    loadScenario("classroom"),
    loadScenario("stadium"),
    z.object({ name: z.literal("connections"), meshboard: sockets }),
  ]),
});

describe("npm run bench -- --smoke --json", () => {
  it("runs every scenario against every system and prints the report last", async () => {
    const { stdout } = await run("npx", ["tsx", "bench/run.ts", "--smoke", "--json"], { timeout: 240_000, maxBuffer: 16 * 1024 * 1024 });
    const last = stdout.trim().split("\n").at(-1) ?? "";
    const parsed = report.parse(JSON.parse(last));
    type Entry = { baseline: z.infer<typeof load>; meshboard: z.infer<typeof load>; "floor-cluster": z.infer<typeof load>; efficiency_ratio: number; topology_floor_ratio: number };
    for (const s of parsed.scenarios.slice(0, 3) as Entry[]) {
      expect(s.efficiency_ratio).toBeCloseTo(s.baseline.cpu_s_per_million_points / s.meshboard.cpu_s_per_million_points, 1);
      expect(s.topology_floor_ratio).toBeCloseTo(s.baseline.cpu_s_per_million_points / s["floor-cluster"].cpu_s_per_million_points, 1);
    }
    // The human table comes first.
    expect(stdout).toContain("efficiency ratio");
  }, 300_000);
});
