import { classroom, TIMING } from "./scenarios.js";
import { routingFor, runLoad, withSystem, type LoadKnobs } from "./measure.js";
import type { SystemName } from "./systems.js";
const timing = { ...TIMING.quick };
const proto = "/tmp/mbx/dist/server/main.js";
const configs: Array<[string, SystemName, Partial<LoadKnobs>]> = JSON.parse(process.env.CONFIGS!);
const rows = new Map<string, string[]>();
for (let round = 0; round < Number(process.env.ROUNDS ?? 2); round++)
  for (const [label, system, k] of configs) {
    const sc = classroom("quick");
    const knobs: LoadKnobs = { samplesPerDraft: 1, parser: "default", commitStrokes: true, ...k };
    if (knobs.entry === "proto") knobs.entry = proto;
    const r = await withSystem(system, routingFor(system, sc, knobs), knobs, (sys) => runLoad(sys, sc, timing, knobs, () => {}));
    const line = `${r.cpu_s_per_million_points} (p50 ${r.p50_ms} p99 ${r.p99_ms} del ${(r.delivered_points_per_s / 1000).toFixed(1)}k ppf ${r.points_per_frame})`;
    console.error(label, line, JSON.stringify(r.cpu_s));
    rows.set(label, [...(rows.get(label) ?? []), line]);
  }
for (const [k, v] of rows) console.log(k.padEnd(34), v.join("  |  "));
