/** GET /metrics on a real node after real traffic; the token option; what the logs say and never say. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io } from "socket.io-client";
import { METRICS_PATH, NODE_HEADER } from "../../src/shared/constants.js";
import { PROTOCOL_VERSION } from "../../src/shared/protocol.js";
import { startLocalCluster } from "../../scripts/local-cluster.js";
import { BoardClient, connect, newId, strokeOp } from "../helpers/board-client.js";
import { startServer, type ServerProcess } from "../helpers/server-process.js";
import { waitFor } from "../helpers/wait.js";

/** `name{labels}` → value, for every sample line. */
async function scrape(url: string, headers: Record<string, string> = {}): Promise<Map<string, number>> {
  const res = await fetch(`${url}${METRICS_PATH}`, { headers });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  const out = new Map<string, number>();
  for (const line of (await res.text()).split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const i = line.lastIndexOf(" ");
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

const SECRET = "handshake-token-7f3a9c1e5b";

/** A handshake refused for another protocol version, carrying the token. */
async function refusedHandshake(): Promise<void> {
  const old = io(server.url, {
    query: { board: "fine" },
    auth: { protocol: PROTOCOL_VERSION + 1, clientId: newId(), token: SECRET },
    reconnection: false,
    forceNew: true,
  });
  await new Promise((resolve) => old.once("connect_error", resolve));
  old.close();
}
let server: ServerProcess;
const clients: BoardClient[] = [];

beforeAll(async () => {
  // Debug level: the most a node ever logs, so the token check covers every line.
  server = await startServer({ env: { LOG_LEVEL: "debug" } });
});
afterAll(async () => {
  for (const c of clients) c.close();
  await server?.stop();
});

describe("GET /metrics", () => {
  it("counts sockets, boards, ops in and out by type, rejections, acks and refused handshakes", async () => {
    const node = server.nodeId;
    const series = (name: string, labels = "") => `${name}{${labels}${labels ? "," : ""}node="${node}"}`;
    const before = await scrape(server.url);
    expect(before.get(series("meshboard_connected_sockets"))).toBe(0);
    expect(before.get(series("meshboard_node_info", `mode="embedded",protocol="${PROTOCOL_VERSION}"`))).toBe(1);

    const boardA = newId();
    const a1 = await connect(server.url, boardA, { token: SECRET });
    const a2 = await connect(server.url, boardA, { transports: ["polling"], upgrade: false });
    const b1 = await connect(server.url, newId(), { transports: ["websocket"] });
    clients.push(a1, a2, b1);

    const strokes = [strokeOp(), strokeOp(), strokeOp()];
    for (const s of strokes) expect((await a1.submit(s)).ok).toBe(true);
    expect(await a1.submit({ type: "remove", opId: newId(), itemIds: [strokes[0].item.id] })).toMatchObject({ ok: true });
    expect(await b1.submit({ type: "clear", opId: newId() })).toMatchObject({ ok: true });
    expect(await a1.submit(strokeOp([1, Number.NaN]))).toMatchObject({ ok: false, error: { code: "invalid_payload" } });
    (b1.socket as unknown as { emit: (...a: unknown[]) => void }).emit("explode", {});
    b1.socket.emit("draft", { itemId: "nope" } as never);
    await waitFor(() => b1.errors.length >= 2, { what: "error events at b1" });
    await a2.waitForHead(4);
    // A late joiner on board A gets the 4 ops as catch-up: 4 more ops out.
    const late = await connect(server.url, boardA);
    clients.push(late);
    await refusedHandshake();
    // What a balancer without affinity causes: a polling request for a session this node does not know.
    expect((await fetch(`${server.url}/socket.io/?EIO=4&transport=polling&sid=elsewhere`)).status).toBe(400);
    expect((await fetch(`${server.url}/socket.io/?EIO=4&transport=carrier-pigeon`)).status).toBe(400);

    const m = await scrape(server.url);
    expect(m.get(series("meshboard_connected_sockets"))).toBe(4);
    expect(m.get(series("meshboard_active_boards"))).toBe(2);
    expect(m.get(series("meshboard_ops_in_total", 'type="add"'))).toBe(3);
    expect(m.get(series("meshboard_ops_in_total", 'type="remove"'))).toBe(1);
    expect(m.get(series("meshboard_ops_in_total", 'type="clear"'))).toBe(1);
    // Live: 3 adds and 1 remove to both members of board A, the clear to b1 alone; catch-up: 3 adds and 1 remove to the late joiner.
    expect(m.get(series("meshboard_ops_out_total", 'type="add"'))).toBe(3 * 2 + 3);
    expect(m.get(series("meshboard_ops_out_total", 'type="remove"'))).toBe(2 + 1);
    expect(m.get(series("meshboard_ops_out_total", 'type="clear"'))).toBe(1);
    expect(m.get(series("meshboard_ops_rejected_total", 'reason="invalid_payload"'))).toBe(1);
    expect(m.get(series("meshboard_events_rejected_total", 'event="unknown",reason="unknown_event"'))).toBe(1);
    expect(m.get(series("meshboard_events_rejected_total", 'event="draft",reason="invalid_payload"'))).toBe(1);
    expect(m.get(series("meshboard_handshakes_refused_total", 'reason="protocol_mismatch"'))).toBe(1);
    expect(m.get(series("meshboard_transport_errors_total", 'reason="session_id_unknown"'))).toBe(1);
    expect(m.get(series("meshboard_transport_errors_total", 'reason="transport_unknown"'))).toBe(1);
    expect(m.get(series("meshboard_transport_errors_total", 'reason="forbidden"'))).toBe(0);
    expect(m.get(series("meshboard_op_ack_seconds_count"))).toBe(5);
    expect(m.get(series("meshboard_op_ack_seconds_bucket", 'le="+Inf"'))).toBe(5);
    expect(m.get(series("meshboard_op_ack_seconds_sum"))).toBeGreaterThan(0);
    expect(m.get(series("meshboard_adapter_messages_total", 'direction="publish"'))).toBe(0);
    expect(m.get(series("meshboard_process_resident_memory_bytes"))).toBeGreaterThan(0);
    expect(m.get(series("meshboard_nodejs_eventloop_lag_seconds"))).toBeGreaterThanOrEqual(0);
    // Embedded mode has no Redis to report on.
    expect([...m.keys()].some((k) => k.startsWith("meshboard_redis_connected"))).toBe(false);
    for (const key of m.keys()) expect(key).toMatch(new RegExp(`^meshboard_[a-z0-9_]+\\{.*node="${node}"`));

    // Leaving: gauges follow.
    a1.close();
    a2.close();
    late.close();
    await waitFor(async () => {
      const after = await scrape(server.url);
      return after.get(series("meshboard_connected_sockets")) === 1 && after.get(series("meshboard_active_boards")) === 1;
    }, { what: "gauges back to one socket on one board" });
  });

  it("names the node on the response", async () => {
    const res = await fetch(`${server.url}${METRICS_PATH}`);
    expect(res.headers.get(NODE_HEADER)).toBe(server.nodeId);
  });
});

describe("realtime logs", () => {
  it("log sessions with node, board and socket ids, and never the handshake token", async () => {
    const board = newId();
    const c = await connect(server.url, board, { token: SECRET, name: "logged" });
    expect((await c.submit(strokeOp())).ok).toBe(true);
    const socketId = c.socket.id;
    c.close();
    await refusedHandshake();
    await waitFor(() => server.output().includes(`"socket":"${socketId}","reason"`), { what: "session end logged" });
    const lines = server
      .output()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const started = lines.filter((l) => l.msg === "session started");
    expect(started.length).toBeGreaterThanOrEqual(4);
    for (const l of started) {
      expect(l).toMatchObject({ node: server.nodeId, level: 30 });
      expect(l.board).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(l.socket).toMatch(/^[A-Za-z0-9_-]{20}$/);
      expect(["polling", "websocket"]).toContain(l.transport);
    }
    expect(lines.find((l) => l.msg === "handshake refused")).toMatchObject({ code: "protocol_mismatch", board: "fine", node: server.nodeId });
    const ended = lines.find((l) => l.msg === "session ended" && l.socket === socketId);
    expect(ended).toMatchObject({ node: server.nodeId, board, reason: "client namespace disconnect" });
    expect(started.find((l) => l.socket === socketId)).toMatchObject({ board });
    expect(server.output()).not.toContain(SECRET);
  });
});

describe("METRICS_TOKEN", () => {
  it("asks for the bearer token when one is configured, and never prints it", async () => {
    const token = "metrics-token-0123456789abcdef";
    const guarded = await startServer({ env: { METRICS_TOKEN: token } });
    try {
      const bare = await fetch(`${guarded.url}${METRICS_PATH}`);
      expect(bare.status).toBe(401);
      expect(bare.headers.get("www-authenticate")).toMatch(/^Bearer/);
      const wrong = await fetch(`${guarded.url}${METRICS_PATH}`, { headers: { authorization: `Bearer ${token.replace(/f$/, "e")}` } });
      expect(wrong.status).toBe(401);
      const m = await scrape(guarded.url, { authorization: `Bearer ${token}` });
      expect(m.get(`meshboard_connected_sockets{node="${guarded.nodeId}"}`)).toBe(0);
      // Everything else stays open.
      expect((await fetch(`${guarded.url}/healthz`)).status).toBe(200);
    } finally {
      await guarded.stop();
    }
    expect(guarded.output()).not.toContain(token);
    const short = await startServer({ env: { METRICS_TOKEN: "short-secret" }, waitReady: false });
    expect(await short.exited).toBe(2);
    expect(short.output()).toMatch(/METRICS_TOKEN=\(hidden\): at least 16 characters/);
    expect(short.output()).not.toContain("short-secret");
  });
});

describe("GET /metrics in cluster mode", () => {
  it("counts adapter traffic both ways, ops delivered on the node that did not sequence them, and Redis state", async () => {
    const c = await startLocalCluster({ routing: "cookie", nodes: 2 });
    try {
      const [n1, n2] = c.nodes;
      const metric = async (n: ServerProcess, name: string, labels = "") =>
        (await scrape(n.url)).get(`${name}{${labels}${labels ? "," : ""}node="${n.nodeId}"}`);
      expect(await metric(n1, "meshboard_redis_connected")).toBe(1);
      expect(await metric(n1, "meshboard_node_info", `mode="cluster",protocol="${PROTOCOL_VERSION}"`)).toBe(1);

      const board = newId();
      const drawer = await connect(n1.url, board, { transports: ["websocket"] });
      const watcher = await connect(n2.url, board, { transports: ["websocket"] });
      clients.push(drawer, watcher);
      const published = (await metric(n1, "meshboard_adapter_messages_total", 'direction="publish"'))!;
      const received = (await metric(n2, "meshboard_adapter_messages_total", 'direction="receive"'))!;
      for (let i = 0; i < 3; i++) expect((await drawer.submit(strokeOp())).ok).toBe(true);
      await watcher.waitForHead(3);

      expect(await metric(n1, "meshboard_ops_in_total", 'type="add"')).toBe(3);
      expect(await metric(n2, "meshboard_ops_in_total", 'type="add"')).toBe(0);
      // Node 2 sequenced nothing, yet wrote the three ops to its client.
      expect(await metric(n2, "meshboard_ops_out_total", 'type="add"')).toBe(3);
      expect(await metric(n1, "meshboard_ops_out_total", 'type="add"')).toBe(3);
      expect(await metric(n1, "meshboard_adapter_messages_total", 'direction="publish"')).toBeGreaterThanOrEqual(published + 3);
      expect(await metric(n2, "meshboard_adapter_messages_total", 'direction="receive"')).toBeGreaterThanOrEqual(received + 3);
      expect(await metric(n1, "meshboard_active_boards")).toBe(1);
      expect(await metric(n2, "meshboard_connected_sockets")).toBe(1);

      await c.redis.kill();
      await waitFor(async () => (await metric(n1, "meshboard_redis_connected")) === 0 && (await metric(n2, "meshboard_redis_connected")) === 0, {
        what: "redis_connected 0 on both nodes",
      });
    } finally {
      await c.stop();
    }
  });
});
