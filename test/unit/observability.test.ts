/** Node metrics (registry, tallies, adapter wrapping) and log redaction, without a server. */
import { PROTOCOL_VERSION } from "../../src/shared/protocol.js";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { countAdapterTraffic } from "../../src/server/observability/adapter-traffic.js";
import { createLogger } from "../../src/server/observability/logger.js";
import { NodeMetrics } from "../../src/server/observability/metrics.js";
import type { SequencedOp } from "../../src/shared/protocol.js";

/** `name{labels} value` lines of an exposition, as a map from series to value. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const i = line.lastIndexOf(" ");
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

const seq = (type: "add" | "remove" | "clear", n: number): SequencedOp => ({
  seq: n,
  op: type === "add" ? { type, opId: `op-${n}-xxxxx`, item: { kind: "stroke", id: `it-${n}-xxxxx`, color: "#000000", width: 2, points: [0, 0] } } : type === "remove" ? { type, opId: `op-${n}-xxxxx`, itemIds: ["it-1-xxxxx"] } : { type, opId: `op-${n}-xxxxx` },
  author: "someone1",
  at: 0,
});

describe("NodeMetrics", () => {
  it("labels every series with the node, counts ops by type and reason, and reads gauges at scrape time", async () => {
    const m = new NodeMetrics("node-7", "cluster");
    let sockets = 3;
    m.observe({ sockets: () => sockets, boards: () => 2 });
    m.opReceived("add");
    m.opReceived("add");
    m.opReceived("clear");
    m.opsDelivered([seq("add", 1), seq("remove", 2)]);
    m.opsDelivered([seq("add", 3)]);
    m.opRejected("invalid_payload");
    m.eventRejected("draft", "read_only");
    m.eventRejected("explode", "unknown_event");
    m.handshakeRefused("protocol_mismatch");
    m.transportError(1);
    m.transportError(99);
    m.opAcknowledged(performance.now() - 3);
    m.adapterPublished.inc();
    m.watchRedis(() => sockets > 0);
    sockets = 5;

    const s = samples((await m.scrape()).body);
    expect(s.get('meshboard_connected_sockets{node="node-7"}')).toBe(5);
    expect(s.get('meshboard_active_boards{node="node-7"}')).toBe(2);
    expect(s.get('meshboard_ops_in_total{type="add",node="node-7"}')).toBe(2);
    expect(s.get('meshboard_ops_in_total{type="clear",node="node-7"}')).toBe(1);
    expect(s.get('meshboard_ops_in_total{type="remove",node="node-7"}')).toBe(0);
    expect(s.get('meshboard_ops_out_total{type="add",node="node-7"}')).toBe(2);
    expect(s.get('meshboard_ops_out_total{type="remove",node="node-7"}')).toBe(1);
    expect(s.get('meshboard_ops_rejected_total{reason="invalid_payload",node="node-7"}')).toBe(1);
    expect(s.get('meshboard_ops_rejected_total{reason="board_full",node="node-7"}')).toBe(0);
    expect(s.get('meshboard_events_rejected_total{event="draft",reason="read_only",node="node-7"}')).toBe(1);
    expect(s.get('meshboard_events_rejected_total{event="unknown",reason="unknown_event",node="node-7"}')).toBe(1);
    // Rare combinations appear only once they happen.
    expect([...s.keys()].filter((k) => k.startsWith("meshboard_events_rejected_total"))).toHaveLength(2);
    expect(s.get('meshboard_handshakes_refused_total{reason="protocol_mismatch",node="node-7"}')).toBe(1);
    expect(s.get('meshboard_transport_errors_total{reason="session_id_unknown",node="node-7"}')).toBe(1);
    expect([...s.keys()].filter((k) => k.startsWith("meshboard_transport_errors_total"))).toHaveLength(6);
    expect(s.get('meshboard_op_ack_seconds_count{node="node-7"}')).toBe(1);
    expect(s.get('meshboard_op_ack_seconds_bucket{le="0.001",node="node-7"}')).toBe(0);
    expect(s.get('meshboard_op_ack_seconds_bucket{le="0.005",node="node-7"}')).toBe(1);
    expect(s.get('meshboard_adapter_messages_total{direction="publish",node="node-7"}')).toBe(1);
    expect(s.get('meshboard_adapter_messages_total{direction="receive",node="node-7"}')).toBe(0);
    expect(s.get('meshboard_redis_connected{node="node-7"}')).toBe(1);
    expect(s.get(`meshboard_node_info{mode="cluster",protocol="${PROTOCOL_VERSION}",node="node-7"}`)).toBe(1);
    expect(s.get('meshboard_process_cpu_user_seconds_total{node="node-7"}')).toBeGreaterThanOrEqual(0);
    // Every series is meshboard_* and names its node.
    for (const key of s.keys()) {
      expect(key).toMatch(/^meshboard_/);
      expect(key).toContain('node="node-7"');
    }
    sockets = 0;
    expect(samples((await m.scrape()).body).get('meshboard_redis_connected{node="node-7"}')).toBe(0);
  });

  it("has no Redis gauge on an embedded node, and separate registries per node", async () => {
    const a = new NodeMetrics("a", "embedded");
    const b = new NodeMetrics("b", "embedded");
    a.opReceived("add");
    const sa = samples((await a.scrape()).body);
    const sb = samples((await b.scrape()).body);
    expect([...sa.keys()].some((k) => k.startsWith("meshboard_redis_connected"))).toBe(false);
    expect(sa.get('meshboard_ops_in_total{type="add",node="a"}')).toBe(1);
    expect(sb.get('meshboard_ops_in_total{type="add",node="b"}')).toBe(0);
  });
});

describe("countAdapterTraffic", () => {
  it("counts a cluster adapter's publishes and the messages of other nodes, and leaves in-memory adapters alone", () => {
    const calls: string[] = [];
    const adapter = {
      uid: "me",
      doPublish(message: { uid: string }) {
        calls.push(`publish ${message.uid}`);
        return Promise.resolve("");
      },
      doPublishResponse() {
        return Promise.resolve();
      },
      onMessage(message: { uid: string }) {
        calls.push(`message ${message.uid}`);
      },
      onResponse() {},
    };
    const counts = { published: 0, received: 0 };
    const counters = { adapterPublished: { inc: () => counts.published++ }, adapterReceived: { inc: () => counts.received++ } };
    expect(countAdapterTraffic(adapter, counters)).toBe(true);
    void adapter.doPublish({ uid: "me" });
    void adapter.doPublishResponse();
    adapter.onMessage({ uid: "other" });
    adapter.onMessage({ uid: "me" });
    adapter.onResponse();
    expect(counts).toEqual({ published: 2, received: 2 });
    // The originals still run, with their arguments and `this`.
    expect(calls).toEqual(["publish me", "message other", "message me"]);
    expect(countAdapterTraffic({ broadcast() {} }, counters)).toBe(false);
  });
});

describe("logger", () => {
  it("never writes tokens, auth payloads or credentials, wherever a caller puts them", () => {
    let out = "";
    const sink = new Writable({
      write(chunk, _enc, cb) {
        out += chunk;
        cb();
      },
    });
    const log = createLogger("debug", "node-1", sink);
    const secret = "tok-SECRET-4242";
    log.info({ token: secret }, "top");
    log.info({ handshake: { auth: { token: secret, clientId: "abc" }, headers: { authorization: `Bearer ${secret}`, cookie: `s=${secret}` } } }, "handshake");
    log.child({ board: "b1", socket: "s1" }).warn({ auth: { token: secret }, req: { headers: { authorization: secret } } }, "child");
    log.info({ nested: { deeper: { token: secret } }, password: secret }, "deep");
    expect(out).not.toContain(secret);
    const lines = out.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    expect(lines[2]).toMatchObject({ node: "node-1", board: "b1", socket: "s1", auth: "[redacted]" });
  });
});
