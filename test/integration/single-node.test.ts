/** A real single node (embedded storage) and real socket.io clients. */
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io } from "socket.io-client";
import { AFFINITY_COOKIE, NODE_HEADER } from "../../src/shared/constants.js";
import { PROTOCOL_VERSION } from "../../src/shared/protocol.js";
import { ClientPool, connect, newId, strokeOp, type BoardClientOptions } from "../helpers/board-client.js";
import { startServer, type ServerProcess } from "../helpers/server-process.js";
import { waitFor } from "../helpers/wait.js";

let server: ServerProcess;
const clients = new ClientPool();
const join = (boardId: string, opts?: BoardClientOptions) => clients.join(server.url, boardId, opts);

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  clients.closeAll();
  await server?.stop();
});

describe("HTTP", () => {
  it("GET / redirects to a new, unguessable board", async () => {
    const a = await fetch(`${server.url}/`, { redirect: "manual" });
    const b = await fetch(`${server.url}/`, { redirect: "manual" });
    expect(a.status).toBe(302);
    expect(a.headers.get("location")).toMatch(/^\/b\/[A-Za-z0-9_-]{10,64}$/);
    expect(a.headers.get("location")).not.toBe(b.headers.get("location"));
  });

  it("serves board pages and refuses bad ids with a 400 page", async () => {
    const ok = await fetch(`${server.url}/b/my-board_1`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toMatch(/text\/html/);
    for (const bad of ["a%20b", "x".repeat(65), "%3Cscript%3E", "..%2F..%2Fetc"]) {
      const r = await fetch(`${server.url}/b/${bad}`);
      expect(r.status, bad).toBe(400);
      expect(await r.text()).not.toContain("<script>");
    }
  });

  it("names the node on every response, Socket.IO's polling included, and never sets the io cookie", async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.headers.get(NODE_HEADER)).toBe(server.nodeId);
    expect(await health.json()).toMatchObject({ status: "ok" });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    const polling = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling&board=abc`);
    expect(polling.status).toBe(200);
    expect(polling.headers.get(NODE_HEADER)).toBe(server.nodeId);
    const unknownSid = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling&sid=nope`);
    expect(unknownSid.status).toBe(400);
    expect(unknownSid.headers.get(NODE_HEADER)).toBe(server.nodeId);
    for (const r of [health, ready, polling]) expect(r.headers.get("set-cookie") ?? "").not.toMatch(new RegExp(`(^|[;,\\s])${AFFINITY_COOKIE}=`));
  });
});

describe("realtime", () => {
  it("delivers A's stroke to B, live ink included, and acknowledges it with a seq", async () => {
    const board = newId();
    const a = await join(board);
    const b = await join(board);
    const op = strokeOp();
    a.socket.emit("draft", { itemId: op.item.id, color: "#1e1e1e", width: 4, from: 0, points: [10, 10, 11, 11] });
    await waitFor(() => b.drafts.find((d) => d.itemId === op.item.id), { what: "draft at B" });
    expect(a.drafts).toHaveLength(0);
    const ack = await a.submit(op);
    expect(ack).toEqual({ ok: true, seq: 1, duplicate: false });
    await b.waitForHead(1);
    expect(b.model.visibleItems()).toEqual([op.item]);
    await waitFor(() => b.peers.length === 2, { what: "presence of 2" });
    expect(b.welcome?.node).toBe(server.nodeId);
  });

  it("gives a late joiner the whole history, across catch-up pages", async () => {
    const board = newId();
    const a = await join(board);
    const ops = Array.from({ length: 1205 }, () => strokeOp([1, 2, 3, 4]));
    const acks = await Promise.all(ops.map((o) => a.submit(o)));
    expect(acks.every((x) => x.ok)).toBe(true);
    const late = await join(board);
    expect(late.model.head).toBe(1205);
    expect(late.model.visibleIds()).toEqual(ops.map((o) => o.item.id));
  });

  it("sends a reconnecting client only what it missed, and lands its resends exactly once", async () => {
    const board = newId();
    const a = await join(board);
    const b = await join(board);
    await a.submit(strokeOp());
    await b.waitForHead(1);
    b.socket.disconnect();
    const missed = [strokeOp(), strokeOp()];
    for (const o of missed) await a.submit(o);
    b.received.length = 0;
    b.socket.connect();
    await b.ready();
    expect(b.received.map((s) => s.seq)).toEqual([2, 3]);
    // An op that was sent but whose ack was lost is resent: stored once.
    const resent = strokeOp();
    const first = await b.submit(resent);
    const second = await b.submit(resent);
    expect(first).toMatchObject({ ok: true, seq: 4, duplicate: false });
    expect(second).toEqual({ ok: true, seq: 4, duplicate: true });
    await a.waitForHead(4);
    expect(a.received.filter((s) => s.op.opId === resent.opId)).toHaveLength(1);
  });

  it("answers bad payloads with error events and leaves the board and other clients unaffected", async () => {
    const board = newId();
    const bad = await join(board);
    const good = await join(board);
    await good.submit(strokeOp());
    const nan = strokeOp([1, Number.NaN]);
    const huge = strokeOp(Array.from({ length: 20_000 }, (_, i) => i % 100));
    expect(await bad.submit(nan)).toMatchObject({ ok: false, error: { code: "invalid_payload", event: "op" } });
    expect(await bad.submit(huge)).toMatchObject({ ok: false, error: { code: "invalid_payload" } });
    expect(await bad.submit({ type: "add", opId: 12 } as never)).toMatchObject({ ok: false, error: { code: "invalid_payload" } });
    (bad.socket as unknown as { emit: (...a: unknown[]) => void }).emit("explode", { x: 1 });
    bad.socket.emit("draft", { itemId: "x" } as never);
    await waitFor(() => bad.errors.length >= 2, { what: "error events" });
    expect(bad.errors.map((e) => e.code).sort()).toEqual(["invalid_payload", "unknown_event"]);
    expect(await good.submit(strokeOp())).toMatchObject({ ok: true, seq: 2 });
    await bad.waitForHead(2);
    expect(bad.model.visibleIds()).toEqual(good.model.visibleIds());
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it("refuses a handshake without a valid board id or with another protocol", async () => {
    for (const [query, auth, code] of [
      [{ board: "../x" }, { protocol: PROTOCOL_VERSION, clientId: newId() }, "invalid_board"],
      [{}, { protocol: PROTOCOL_VERSION, clientId: newId() }, "invalid_board"],
      [{ board: "fine" }, { protocol: PROTOCOL_VERSION + 1, clientId: newId() }, "protocol_mismatch"],
      [{ board: "fine" }, { protocol: PROTOCOL_VERSION, clientId: "x" }, "invalid_payload"],
    ] as const) {
      const s = io(server.url, { query, auth, reconnection: false, forceNew: true });
      const err = await new Promise<Error & { data?: { code: string } }>((resolve) => s.once("connect_error", resolve));
      s.close();
      expect(err.data?.code).toBe(code);
    }
  });
});

describe("presence", () => {
  it("sends a joiner one snapshot and members deltas: a member's presence traffic stays linear as 40 others join", async () => {
    const board = newId();
    const first = await join(board, { name: "first" });
    await first.waitForPeers((p) => p.length === 1, "first lists itself");
    const joiners = await Promise.all(Array.from({ length: 40 }, (_, i) => join(board, { name: `joiner ${i}` })));
    const everyone = new Set([first, ...joiners].map((c) => c.welcome!.sessionId));
    const complete = (peers: { sessionId: string }[]) => peers.length === 41 && peers.every((p) => everyone.has(p.sessionId));
    await first.waitForPeers(complete, "first lists all 41");
    // Every joiner converges too: its snapshot plus the deltas that raced it.
    for (const j of joiners) await j.waitForPeers(complete, `${j.opts.name} lists all 41`);

    const t = first.presenceTraffic;
    // One snapshot (its own join); each of the 40 joins (and its own) announced once, in at most one delta per join.
    expect(t.snapshots).toBe(1);
    expect(t.peers).toBeLessThanOrEqual(1 + 41);
    expect(t.deltas).toBeGreaterThanOrEqual(1);
    expect(t.deltas).toBeLessThanOrEqual(41);
    expect(t.left).toBe(0);
    // Linear: about one peer's worth per join. Full lists on every join sent ~41 x 42 / 2 = 861 peers.
    const onePeer = JSON.stringify(first.peers).length / 41;
    expect(t.bytes).toBeLessThan(onePeer * (42 + 41) + t.deltas * 40);
    for (const j of joiners) {
      expect(j.presenceTraffic.snapshots).toBe(1);
      expect(j.presenceTraffic.peers).toBeLessThanOrEqual(2 * 41);
    }
    for (const j of joiners) j.close();
    await first.waitForPeers((p) => p.length === 1, "the joiners gone");
    expect(first.presenceTraffic.left).toBe(40);
    expect(first.presenceTraffic.snapshots).toBe(1);
  });

  it("announces a rename and a leave to the others as deltas", async () => {
    const board = newId();
    const a = await join(board, { name: "Ada" });
    const b = await join(board, { name: "Bob" });
    await a.waitForPeers((p) => p.some((x) => x.name === "Bob"), "a lists Bob");
    expect(b.peers.map((p) => p.name).sort()).toEqual(["Ada", "Bob"]);
    b.socket.emit("profile", { name: "  Bobby  " });
    const renamed = await a.waitForPeers((p) => p.some((x) => x.name === "Bobby"), "a sees the rename");
    expect(renamed.map((p) => p.name).sort()).toEqual(["Ada", "Bobby"]);
    expect(renamed.find((p) => p.name === "Bobby")).toMatchObject({ sessionId: b.welcome!.sessionId, node: server.nodeId, readOnly: false });
    b.close();
    await a.waitForPeers((p) => p.length === 1 && p[0].name === "Ada", "b gone from a's list");
    expect(a.presenceTraffic.snapshots).toBe(1);
    // A reconnect gets a fresh snapshot (under a new session).
    a.socket.disconnect();
    a.socket.connect();
    await a.ready();
    await a.waitForPeers((p) => p.length === 1 && p[0].sessionId === a.welcome!.sessionId, "a's new session alone");
    expect(a.presenceTraffic.snapshots).toBe(2);
    // Every snapshot and delta matched the protocol's schemas.
    expect([...a.malformed, ...b.malformed]).toEqual([]);
  });
});

describe("restart", () => {
  it("keeps every acknowledged stroke across a restart", async () => {
    const first = await startServer();
    const board = newId();
    const a = await connect(first.url, board);
    const ops = Array.from({ length: 25 }, () => strokeOp());
    for (const o of ops) expect((await a.submit(o)).ok).toBe(true);
    a.close();
    expect(await first.stop()).toBe(0);
    const second = await startServer({ dataDir: first.dataDir });
    try {
      const late = await connect(second.url, board);
      expect(late.model.visibleIds()).toEqual(ops.map((o) => o.item.id));
      late.close();
    } finally {
      await second.stop();
    }
  });

  it("sends everything again to a client whose history the board no longer has (store rolled back, seq reused)", async () => {
    const first = await startServer();
    const board = newId();
    const keeper = await connect(first.url, board);
    const [op1, op2, lost] = [strokeOp(), strokeOp(), strokeOp()];
    for (const o of [op1, op2, lost]) await keeper.submit(o);
    await keeper.waitForHead(3);
    keeper.socket.disconnect();
    expect(await first.stop()).toBe(0);
    // What a crash of the storage host can do: the last acknowledged op is gone.
    const db = new Database(path.join(first.dataDir, "meshboard.sqlite"));
    db.prepare("DELETE FROM ops WHERE board = ? AND seq = 3").run(board);
    db.prepare("UPDATE boards SET head = 2, items = 2 WHERE board = ?").run(board);
    db.close();
    const second = await startServer({ dataDir: first.dataDir });
    try {
      const other = await connect(second.url, board);
      const reused = strokeOp();
      expect(await other.submit(reused)).toMatchObject({ ok: true, seq: 3 });
      // The keeper comes back holding seq 3 = `lost`: same seq, another op.
      (keeper.socket.io as unknown as { uri: string }).uri = second.url;
      keeper.socket.connect();
      await waitFor(() => keeper.welcome?.node === second.nodeId && keeper.model.head === 3, { what: "keeper resynced" });
      expect(keeper.welcome?.from).toBe(0);
      expect(keeper.model.visibleIds()).toEqual([op1.item.id, op2.item.id, reused.item.id]);
      other.close();
    } finally {
      keeper.close();
      await second.stop();
    }
  });

  it("refuses bad configuration with a clear message", async () => {
    const bad = await startServer({ env: { PORT: "not-a-port", LOG_LEVEL: "loud" }, waitReady: false });
    expect(await bad.exited).toBe(2);
    expect(bad.output()).toMatch(/invalid configuration/);
    expect(bad.output()).toMatch(/PORT/);
    expect(bad.output()).toMatch(/LOG_LEVEL/);
  });
});
