/** The doctor's diagnoses from fabricated observations, and its cookie jar. */
import { describe, expect, it } from "vitest";
import { CookieJar } from "../../src/cli/doctor/cookie-jar.js";
import { diagnose, exitCode, stats, type Observations } from "../../src/cli/doctor/diagnose.js";
import type { PollingProbeResult } from "../../src/cli/doctor/polling-probe.js";
import type { RequestRecord } from "../../src/cli/doctor/polling-session.js";
import type { ProbeClient, StrokeProbeResult } from "../../src/cli/doctor/stroke-probe.js";

const ok = (node: string, method: "GET" | "POST" = "GET"): RequestRecord => ({ method, status: 200, node, ms: 3 });

function session(nodes: string[], extra: Partial<PollingProbeResult> = {}): PollingProbeResult {
  const requests = nodes.map((n, i) => ok(n, i % 2 ? "POST" : "GET"));
  return {
    board: "doctor-x",
    requests,
    nodes: [...new Set(nodes)],
    handshakeNode: nodes[0] ?? null,
    welcomeNode: nodes[0] ?? null,
    completed: true,
    cookies: ["io"],
    ...extra,
  };
}

function wsClient(node: string | null, extra: Partial<ProbeClient> = {}): ProbeClient {
  return { kind: "websocket", node, connectMs: node ? 4 : null, ...extra };
}

/** Clients on the given nodes; the first client on each node draws and everybody else receives within 5 ms. */
function stroke(nodes: string[], lost: (from: string, to: string) => boolean = () => false): StrokeProbeResult {
  const clients = nodes.map((n) => wsClient(n));
  const drawers = [...new Set(nodes)];
  return {
    board: "doctor-s",
    clients,
    strokes: drawers.map((d) => {
      const drawerIndex = nodes.indexOf(d);
      return {
        drawerNode: d,
        ackMs: 2,
        deliveries: nodes.filter((_, i) => i !== drawerIndex).map((to) => ({ node: to, ms: lost(d, to) ? null : 5 })),
      };
    }),
  };
}

function observe(partial: Partial<Observations>): Observations {
  return {
    url: "http://mesh.example",
    reach: { ok: true, status: 200, node: "node1", ms: 2 },
    polling: [session(["node1", "node1", "node1"]), session(["node2", "node2", "node2"]), session(["node3", "node3", "node3"])],
    stroke: stroke(["node1", "node2", "node3", "node1"]),
    signedLinks: false,
    deliveryTimeoutMs: 3000,
    ...partial,
  };
}

const failures = (o: Observations) => diagnose(o).filter((f) => f.status === "fail");

describe("doctor diagnosis", () => {
  it("passes a healthy three-node deployment", () => {
    const findings = diagnose(observe({}));
    expect(findings.filter((f) => f.status !== "ok")).toEqual([]);
    expect(exitCode(findings)).toBe(0);
    expect(findings.find((f) => f.check === "spread")?.message).toMatch(/node1: \d+, node2: \d+, node3: \d+/);
  });

  it("names the missing affinity when one session's polling requests reach two nodes", () => {
    const o = observe({
      polling: [
        session(["node1", "node2"], { completed: false, error: "HTTP 400: Session ID unknown", engineCode: 1 }),
        session(["node3", "node3", "node3"]),
      ],
    });
    const [first, ...rest] = failures(o);
    expect(first.check).toBe("affinity");
    expect(first.message).toMatch(/^polling requests of one session reached 2 nodes: the balancer has no session affinity/);
    expect(first.message).toContain("1 of 2 sessions were split");
    expect(rest).toEqual([]);
    expect(exitCode(diagnose(o))).toBe(1);
  });

  it("calls a lost polling session a missing affinity even when nodes do not name themselves", () => {
    const o = observe({ polling: [session(["node1"], { completed: false, engineCode: 1, error: "HTTP 400: Session ID unknown" })] });
    expect(failures(o).map((f) => f.message)).toEqual([expect.stringMatching(/lost between two requests \("Session ID unknown" from node1\)/)]);
  });

  it("fails without the node header and stops at an unreachable URL", () => {
    expect(failures(observe({ reach: { ok: true, status: 200, node: null, ms: 1 } }))[0].message).toMatch(/no x-meshboard-node header/);
    const down = diagnose(observe({ reach: { ok: false, status: 0, node: null, ms: 1, error: "ECONNREFUSED" } }));
    expect(down).toEqual([{ check: "reach", status: "fail", message: "could not reach http://mesh.example: ECONNREFUSED" }]);
  });

  it("reports a node that refuses sessions with the protocol's reason", () => {
    const refused = session(["node2", "node2", "node2"], {
      completed: false,
      refused: { code: "storage_unavailable", message: "this node is not serving; retry" },
      error: "the node refused the session",
    });
    const [f] = failures(observe({ polling: [session(["node1", "node1"]), refused] }));
    expect(f.message).toBe("1 of 2 polling sessions failed on node2: the node refused the session with storage_unavailable (this node is not serving; retry)");
  });

  it("warns, without failing, when polling is off (websocket-only deployments need no affinity)", () => {
    const off = (): PollingProbeResult => ({
      ...session([]),
      requests: [{ method: "GET", status: 400, node: "node1", ms: 1, error: "Transport unknown" }],
      nodes: ["node1"],
      completed: false,
      engineCode: 0,
    });
    const findings = diagnose(observe({ polling: [off(), off()] }));
    expect(findings.find((f) => f.check === "affinity")).toMatchObject({ status: "warn", message: expect.stringMatching(/refuses HTTP long-polling/) });
    expect(exitCode(findings)).toBe(0);
  });

  it("says which nodes a stroke did not reach, and why that matters", () => {
    const o = observe({ stroke: stroke(["node1", "node2", "node1"], (from, to) => from === "node1" && to === "node2") });
    const [f, ...rest] = failures(o);
    expect(f.message).toMatch(/^a stroke drawn on node1 did not reach the clients on node2 within 3000 ms: broadcasts do not cross nodes/);
    expect(rest).toEqual([]);
  });

  it("fails a stroke that a same-node client missed, and one that was not acknowledged", () => {
    const s = stroke(["node1", "node1"], () => true);
    s.strokes[0].ackMs = null;
    s.strokes[0].ackError = "storage_unavailable: the board could not be saved; retry later";
    const messages = failures(observe({ stroke: s })).map((f) => f.message);
    expect(messages).toEqual([
      expect.stringMatching(/^the test stroke drawn on node1 was not acknowledged \(storage_unavailable/),
      expect.stringMatching(/did not reach 1 other client on the same node/),
    ]);
  });

  it("warns when every stroke client landed on one node (board affinity), and when all sessions did", () => {
    const o = observe({ polling: [session(["node1", "node1"])], stroke: stroke(["node1", "node1", "node1"]) });
    const findings = diagnose(o);
    expect(exitCode(findings)).toBe(0);
    expect(findings.filter((f) => f.status === "warn").map((f) => f.check)).toEqual(["spread", "stroke"]);
    expect(failures({ ...o, expectNodes: 3 })[0].message).toMatch(/^sessions reached 1 of the 3 expected nodes \(node1: 4\)/);
  });

  it("blames websockets when websocket-only clients cannot join, and the upgrade when polling clients stay on polling", () => {
    const s = stroke(["node1", "node2"]);
    s.clients.push(wsClient(null, { error: "websocket error" }));
    s.clients.push({ kind: "upgrade", node: "node1", connectMs: 5, transport: "polling", upgradeError: "still on polling after 5000 ms" });
    const messages = failures(observe({ stroke: s })).map((f) => f.message);
    expect(messages).toEqual([
      "1 of 3 websocket-only clients could not connect (websocket error)",
      expect.stringMatching(/^1 of 1 polling sessions did not upgrade to websocket \(still on polling after 5000 ms\)/),
    ]);
  });

  it("summarizes latencies with nearest-rank percentiles", () => {
    expect(stats([5, 1, 3, 2, 4])).toEqual({ count: 5, p50: 3, p95: 5, max: 5 });
    expect(stats([])).toBeNull();
  });
});

describe("doctor cookie jar", () => {
  it("keeps cookies across responses like a browser, honouring deletion and Max-Age", () => {
    const jar = new CookieJar();
    expect(jar.header()).toBeUndefined();
    jar.store(["io=srv2; path=/; HttpOnly", 'pref="a b"; Max-Age=60']);
    expect(jar.header()).toBe("io=srv2; pref=a b");
    jar.store(["io=srv3"]);
    expect(jar.header()).toBe("io=srv3; pref=a b");
    jar.store(["pref=x; Max-Age=0"]);
    expect(jar.header()).toBe("io=srv3");
    jar.store(["io=gone; Expires=Thu, 01 Jan 1970 00:00:00 GMT"]);
    expect(jar.header()).toBeUndefined();
    jar.store(["late=1; Max-Age=1"], 0);
    expect(jar.header(500)).toBe("late=1");
    expect(jar.header(1000)).toBeUndefined();
  });
});
