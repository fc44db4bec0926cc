/**
 * `meshboard doctor` as operators run it (the bin, a child process) against a
 * single node and against the local cluster behind HAProxy: sticky by cookie
 * (passes), round robin (fails, naming the missing affinity) and board affinity.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { DoctorReport } from "../../src/cli/doctor.js";
import { startLocalCluster, type LocalCluster } from "../../scripts/local-cluster.js";
import { startServer, type ServerProcess } from "../helpers/server-process.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = path.join(root, "bin/meshboard.js");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function doctor(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, "doctor", ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

async function doctorJson(url: string, ...args: string[]): Promise<{ run: Run; report: DoctorReport }> {
  const run = await doctor(url, "--json", ...args);
  return { run, report: JSON.parse(run.stdout) as DoctorReport };
}

const started: Array<{ stop(): Promise<unknown> }> = [];
afterAll(async () => {
  await Promise.all(started.map((s) => s.stop()));
});

describe("doctor on a single node", () => {
  let node: ServerProcess;

  it("passes, warning that crossing nodes could not be tested", async () => {
    node = await startServer();
    started.push(node);
    const run = await doctor(node.url);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/ok {4}affinity {2}6 polling sessions \(\d+ requests\): every session stayed on one node/);
    expect(run.stdout).toMatch(/WARN {2}stroke .*strokes crossing nodes were not tested/);
    expect(run.stdout).toMatch(/ok {4}upgrade {3}2 of 2 polling sessions upgraded to websocket/);
    expect(run.stdout).toMatch(/Diagnosis: healthy, with 2 warning\(s\) above\./);
  });

  it("fails when fewer nodes than expected take sessions, and on usage errors", async () => {
    const { run, report } = await doctorJson(node.url, "--expect-nodes", "2", "--sessions", "2", "--ws-clients", "1", "--upgrade-clients", "0");
    expect(run.code).toBe(1);
    expect(report.findings.filter((f) => f.status === "fail")).toEqual([
      { check: "spread", status: "fail", message: expect.stringMatching(new RegExp(`^sessions reached 1 of the 2 expected nodes \\(${node.nodeId}: `)) },
    ]);
    expect((await doctor()).code).toBe(2);
    expect((await doctor("not-a-url")).code).toBe(2);
    expect((await doctor(node.url, "--sessions", "many")).stderr).toMatch(/--sessions takes a whole number/);
  });

  it("passes with access control on, opening its test boards through the signed links GET / hands out", async () => {
    const guarded = await startServer({ env: { ACCESS_SECRET: "doctor-test-secret-0123456789abcdef" } });
    started.push(guarded);
    const { run, report } = await doctorJson(guarded.url, "--sessions", "2", "--ws-clients", "2", "--upgrade-clients", "1");
    expect(run.code, JSON.stringify(report.findings, null, 2)).toBe(0);
    expect(report.findings[0].message).toMatch(/access control on: test boards opened through signed links/);
    expect(report.observations.polling.every((p) => p.completed && !p.board.startsWith("doctor-"))).toBe(true);
    // The tokens stay out of the report.
    expect(run.stdout).not.toMatch(/edit\.[A-Za-z0-9_-]{43}/);
  });

  it("fails, saying so, when nothing answers", async () => {
    const gone = await startServer();
    await gone.stop();
    const run = await doctor(gone.url, "--timeout", "2000");
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`could not reach ${gone.url}: ECONNREFUSED`);
  });
});

describe("doctor on the local cluster", () => {
  // One cluster per test, stopped after it: a 2-core machine runs other test files meanwhile.
  const running: LocalCluster[] = [];
  const cluster = async (routing: "cookie" | "roundrobin" | "board", opts: { nodes?: number; nodeEnv?: Record<string, string> } = {}) => {
    const c = await startLocalCluster({ routing, nodes: opts.nodes ?? 3, nodeEnv: opts.nodeEnv });
    running.push(c);
    return c;
  };
  afterEach(async () => {
    await Promise.all(running.splice(0).map((c) => c.stop()));
  });

  it("passes behind a sticky (cookie) HAProxy: sessions stay put, spread over nodes, strokes cross nodes", async () => {
    const c = await cluster("cookie");
    const { run, report } = await doctorJson(c.url, "--expect-nodes", "3");
    expect(run.code, JSON.stringify(report.findings, null, 2)).toBe(0);
    expect(report.findings.filter((f) => f.status !== "ok")).toEqual([]);
    const polling = report.observations.polling;
    expect(polling.every((p) => p.completed && p.nodes.length === 1 && p.cookies.includes("io"))).toBe(true);
    const stroke = report.observations.stroke!;
    const nodes = new Set(stroke.clients.map((x) => x.node));
    expect(nodes).toEqual(new Set(c.nodes.map((n) => n.nodeId)));
    // A stroke drawn on each node reached every other client, those on other nodes included.
    expect(stroke.strokes).toHaveLength(3);
    for (const s of stroke.strokes) {
      expect(s.ackMs).not.toBeNull();
      expect(s.deliveries.every((d) => d.ms !== null)).toBe(true);
      expect(s.deliveries.some((d) => d.node !== s.drawerNode)).toBe(true);
    }
    expect(report.latency.crossNodeDeliveryMs?.count).toBeGreaterThan(0);
    // The cluster's adapters really carried the strokes: their publish and receive counters moved.
    for (const n of c.nodes) {
      const text = await (await fetch(`${n.url}/metrics`)).text();
      expect(text).toMatch(new RegExp(`meshboard_adapter_messages_total\\{direction="publish",node="${n.nodeId}"\\} [1-9]`));
      expect(text).toMatch(new RegExp(`meshboard_adapter_messages_total\\{direction="receive",node="${n.nodeId}"\\} [1-9]`));
      expect(text).toContain(`meshboard_redis_connected{node="${n.nodeId}"} 1`);
    }
  });

  it("fails behind a round-robin HAProxy, naming the missing affinity", async () => {
    const c = await cluster("roundrobin");
    const run = await doctor(c.url);
    expect(run.code).toBe(1);
    const diagnosis = run.stdout.slice(run.stdout.indexOf("Diagnosis:"));
    expect(diagnosis).toMatch(/- polling requests of one session reached [23] nodes: the balancer has no session affinity/);
    // Websocket-only clients need no affinity: they still work, and strokes still cross nodes.
    expect(run.stdout).toMatch(/ok {4}websocket/);
    expect(run.stdout).toMatch(/ok {4}stroke {4}test strokes drawn on/);
    expect(run.stdout).toMatch(/FAIL {2}upgrade .*a consequence of the missing session affinity/);
    // Each session's own story.
    expect(run.stdout).toMatch(/polling #1 {2}2 requests, on node\d → node\d; stopped: HTTP 400: Session ID unknown/);
  });

  it("passes behind a board-affinity HAProxy, warning that one board never crosses nodes", async () => {
    const c = await cluster("board");
    const { run, report } = await doctorJson(c.url);
    expect(run.code, JSON.stringify(report.findings, null, 2)).toBe(0);
    expect(report.findings.filter((f) => f.status !== "ok").map((f) => f.check)).toEqual(["stroke"]);
    expect(new Set(report.observations.stroke!.clients.map((x) => x.node)).size).toBe(1);
  });

  it("fails when the nodes share no adapter, naming the nodes a stroke did not reach", async () => {
    // Nodes without REDIS_URL run embedded: each alone, behind one sticky balancer.
    const c = await cluster("cookie", { nodes: 2, nodeEnv: { REDIS_URL: "" } });
    const { run, report } = await doctorJson(c.url, "--sessions", "2", "--upgrade-clients", "0");
    expect(run.code).toBe(1);
    const failures = report.findings.filter((f) => f.status === "fail");
    expect(failures.map((f) => f.check)).toEqual(["stroke", "stroke"]);
    const [a, b] = c.nodes.map((n) => n.nodeId);
    expect(failures.map((f) => f.message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^a stroke drawn on ${a} did not reach the clients on ${b} within 3000 ms: broadcasts do not cross nodes`)),
        expect.stringMatching(new RegExp(`^a stroke drawn on ${b} did not reach the clients on ${a} within 3000 ms`)),
      ]),
    );
  });
});
