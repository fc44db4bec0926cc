/** The Prometheus alert rules only use metrics a node really exposes. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { NodeMetrics } from "../../src/server/observability/metrics.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const rules = parse(readFileSync(path.join(root, "deploy/prometheus/meshboard-alerts.yaml"), "utf8")) as {
  groups: Array<{ name: string; rules: Array<{ alert: string; expr: string; for: string }> }>;
};

describe("deploy/prometheus/meshboard-alerts.yaml", () => {
  it("alerts on storage with metrics a node exposes", async () => {
    const m = new NodeMetrics("n", "cluster");
    m.observeStore(async () => ({ boards: 1, bytes: 2, limitBytes: 3 }), () => 0);
    const body = (await m.scrape()).body;
    const exposed = new Set([...body.matchAll(/^# TYPE (\S+) \S+$/gm)].map((x) => x[1]));
    const all = rules.groups.flatMap((g) => g.rules);
    expect(all.map((r) => r.alert)).toEqual(["MeshboardStoreNearlyFull", "MeshboardStorageFull", "MeshboardBoardsFilling"]);
    for (const r of all) {
      const used = r.expr.match(/\bmeshboard_[a-z0-9_]+/g) ?? [];
      expect(used.length, r.alert).toBeGreaterThan(0);
      for (const name of used) expect(exposed, `${r.alert}: ${name}`).toContain(name);
    }
    expect(body).toMatch(/^meshboard_store_bytes\{node="n"\} 2$/m);
    expect(body).toMatch(/^meshboard_store_limit_bytes\{node="n"\} 3$/m);
    expect(body).toMatch(/^meshboard_stored_boards\{node="n"\} 1$/m);
  });
});
