/** The Grafana dashboard only queries metrics a node really exposes, through its own data source and node variables. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { NodeMetrics } from "../../src/server/observability/metrics.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const dashboard = JSON.parse(readFileSync(path.join(root, "deploy/grafana/meshboard-dashboard.json"), "utf8")) as {
  uid: string;
  panels: Array<{ type: string; title: string; datasource?: { uid: string }; targets?: Array<{ expr: string }>; gridPos: { x: number; y: number; w: number; h: number } }>;
  templating: { list: Array<{ name: string; query?: unknown }> };
};

async function exposedSeriesNames(): Promise<Set<string>> {
  const m = new NodeMetrics("n", "cluster");
  m.watchRedis(() => true);
  m.observeStore(async () => ({ boards: 0, bytes: 0, limitBytes: 0 }), () => 0);
  const names = new Set<string>();
  // Every family is declared by a TYPE line, even one with no series yet.
  for (const [, name, type] of (await m.scrape()).body.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    if (type === "histogram") for (const suffix of ["_bucket", "_sum", "_count"]) names.add(name + suffix);
    else names.add(name);
  }
  return names;
}

describe("deploy/grafana/meshboard-dashboard.json", () => {
  const panels = dashboard.panels.filter((p) => p.type !== "row");
  const exprs = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));

  it("queries only series a node exposes", async () => {
    const exposed = await exposedSeriesNames();
    const used = new Set(exprs.flatMap((e) => e.expr.match(/\bmeshboard_[a-z0-9_]+/g) ?? []));
    expect(used.size).toBeGreaterThan(10);
    for (const name of used) expect(exposed, `${name} is not exposed by NodeMetrics`).toContain(name);
    // The instruments all have a panel.
    for (const needed of [
      "meshboard_connected_sockets",
      "meshboard_active_boards",
      "meshboard_ops_in_total",
      "meshboard_ops_out_total",
      "meshboard_ops_rejected_total",
      "meshboard_op_ack_seconds_bucket",
      "meshboard_adapter_messages_total",
      "meshboard_redis_connected",
      "meshboard_process_cpu_seconds_total",
    ]) {
      expect(used, needed).toContain(needed);
    }
  });

  it("filters every query by the node variable and uses the data source variable", () => {
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(["datasource", "node"]);
    for (const p of panels) {
      expect(p.datasource?.uid, p.title).toBe("${datasource}");
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
    }
    for (const { panel, expr } of exprs) {
      for (const selector of expr.match(/meshboard_[a-z0-9_]+(\{[^}]*\})?/g) ?? []) expect(selector, panel).toContain('node=~"$node"');
    }
  });

  it("lays panels out without overlaps on the 24-column grid", () => {
    const cells = new Set<string>();
    for (const p of dashboard.panels) {
      const { x, y, w, h } = p.gridPos;
      expect(x + w, p.title).toBeLessThanOrEqual(24);
      for (let i = x; i < x + w; i++) {
        for (let j = y; j < y + h; j++) {
          expect(cells.has(`${i},${j}`), `${p.title} overlaps at ${i},${j}`).toBe(false);
          cells.add(`${i},${j}`);
        }
      }
    }
  });
});
