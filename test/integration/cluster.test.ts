/**
 * Cluster mode with real processes: redis-server, 3 nodes, HAProxy in front.
 */
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { Fetch } from "engine.io-client";
import { NODE_HEADER } from "../../src/shared/constants.js";
import { startLocalCluster, type LocalCluster, type Routing } from "../../scripts/local-cluster.js";
import { BoardClient, ClientPool, newId, strokeOp, type BoardClientOptions } from "../helpers/board-client.js";
import { recordFetches } from "../helpers/recording-fetch.js";
import { freePort } from "../helpers/free-port.js";
import { startServer } from "../helpers/server-process.js";
import { startRedis } from "../../scripts/lib/redis-process.js";
import { waitFor } from "../helpers/wait.js";
import { createClient } from "redis";

const clusters: LocalCluster[] = [];
const clients = new ClientPool();
async function cluster(routing: Routing, nodeEnv?: Record<string, string>): Promise<LocalCluster> {
  const c = await startLocalCluster({ routing, nodes: 3, nodeEnv });
  clusters.push(c);
  return c;
}
const join = (url: string, boardId: string, opts?: BoardClientOptions) => clients.join(url, boardId, opts);
afterEach(() => {
  clients.closeAll();
});
afterAll(async () => {
  await Promise.all(clusters.map((c) => c.stop()));
});

/** Polling-only sessions through the balancer; returns the node each session's requests reached. */
async function pollingSessions(front: string, boards: string[]) {
  const rec = recordFetches(NODE_HEADER);
  try {
    const sessions = await Promise.all(boards.map((b) => join(front, b, { transports: [Fetch], upgrade: false })));
    // Some traffic on every session, so each makes several polling requests.
    await Promise.all(sessions.map((s) => s.socket.timeout(5000).emitWithAck("sync", { since: 0 })));
    const bySid = new Map<string, Set<string | null>>();
    for (const r of rec.requests) {
      if (!r.sid) continue;
      if (!bySid.has(r.sid)) bySid.set(r.sid, new Set());
      bySid.get(r.sid)!.add(r.node);
    }
    return { sessions, bySid, requests: rec.requests };
  } finally {
    rec.restore();
  }
}

describe.each(["cookie", "board"] as const)("routing by %s", (routing) => {
  it("keeps every polling request of a session on one node, and fans strokes out to every node", async () => {
    const c = await cluster(routing);
    const board = newId();
    // Cookie routing spreads sessions round-robin; board routing pins a board to one node,
    // so there the sessions use several boards to reach several nodes.
    const boards = routing === "cookie" ? Array(6).fill(board) : Array.from({ length: 9 }, (_, i) => (i === 0 ? board : newId()));
    const { sessions, bySid, requests } = await pollingSessions(c.url, boards);
    expect(requests.filter((r) => r.status !== 200)).toEqual([]);
    expect(bySid.size).toBe(sessions.length);
    for (const [sid, nodes] of bySid) expect([...nodes], `session ${sid}`).toHaveLength(1);
    const used = new Set([...bySid.values()].map((n) => [...n][0]));
    expect(used.size).toBeGreaterThan(1);
    for (const s of sessions) expect(s.welcome?.node).toMatch(/^node[123]$/);

    // A stroke drawn via node 1 reaches clients on nodes 2 and 3.
    const [n1, n2, n3] = c.nodes;
    const drawer = await join(n1.url, board);
    const watchers = [await join(n2.url, board), await join(n3.url, board)];
    expect(watchers.map((w) => w.welcome?.node)).toEqual(["node2", "node3"]);
    const op = strokeOp();
    expect(await drawer.submit(op)).toMatchObject({ ok: true });
    for (const w of [...watchers, ...sessions.filter((s) => s.boardId === board)]) {
      await waitFor(() => w.model.visibleIds().includes(op.item.id), { what: `stroke on ${w.welcome?.node}` });
    }
    // Presence crosses nodes too.
    await waitFor(() => watchers[1].peers.length === 3 + sessions.filter((s) => s.boardId === board).length, { what: "presence" });
  });
});

describe("without affinity (negative control)", () => {
  it("breaks polling: requests of one session reach other nodes and get 'Session ID unknown'", async () => {
    const c = await cluster("roundrobin");
    const rec = recordFetches(NODE_HEADER);
    const client = new BoardClient(c.url, newId(), { transports: [Fetch], upgrade: false, reconnection: false });
    try {
      await waitFor(() => rec.requests.some((r) => r.status === 400), { what: "a refused polling request" });
    } finally {
      rec.restore();
      client.close();
    }
    const refused = rec.requests.find((r) => r.status === 400)!;
    expect(refused.body).toMatch(/Session ID unknown/);
    const nodes = new Set(rec.requests.filter((r) => r.sid).map((r) => r.node));
    expect(nodes.size).toBeGreaterThan(1);
  });
});

describe("live ink", () => {
  /** SPUBLISH calls Redis has served so far (the sharded adapter's cross-node messages). */
  async function spublishes(redisUrl: string): Promise<number> {
    const r = createClient({ url: redisUrl });
    await r.connect();
    try {
      const info = await r.info("commandstats");
      return Number(/cmdstat_spublish:calls=(\d+)/.exec(info)?.[1] ?? 0);
    } finally {
      r.destroy();
    }
  }
  /** Draws `n` drafts, one per ink tick (each waits until `watcher` has the previous one). */
  async function draw(drawer: BoardClient, watcher: BoardClient, itemId: string, from: number, n: number): Promise<void> {
    for (let i = from; i < from + n; i++) {
      drawer.socket.emit("draft", { itemId, color: "#1e1e1e", width: 2, from: i, points: [i, i] });
      await waitFor(() => watcher.drafts.some((d) => d.itemId === itemId && d.from + d.points.length / 2 > i), { what: `draft ${i} at the watcher` });
    }
  }

  it("stays off Redis while a board has members on one node only, and reaches a member who joins on another", async () => {
    // A fixed ink clock: the counts below assume one flush per tick at a steady period.
    const c = await cluster("cookie", { INK_TICK_MS: "33" });
    const board = newId();
    const item = newId();
    const alice = await join(c.nodes[0].url, board);
    const local = await join(c.nodes[0].url, board);
    // Presence always goes through the adapter (a coalesced delta, up to 200 ms after a join):
    // once alice lists local, the delta's SPUBLISH is done and cannot land in the counts below.
    await alice.waitForPeers((p) => p.some((x) => x.sessionId === local.welcome!.sessionId), "local listed at alice");
    await draw(alice, local, item, 0, 3); // the node learns that only it hosts the board
    await waitFor(async () => {
      const before = await spublishes(c.redis.url);
      await draw(alice, local, item, 3, 1);
      return (await spublishes(c.redis.url)) === before;
    }, { what: "a flush kept off Redis" });
    const before = await spublishes(c.redis.url);
    await draw(alice, local, item, 4, 10);
    expect(await spublishes(c.redis.url)).toBe(before);
    // Someone joins on node 2: within the reach's refresh, alice's ink reaches them through Redis.
    const remote = await join(c.nodes[1].url, board);
    let next = 14;
    await waitFor(async () => {
      await draw(alice, local, item, next++, 1);
      return remote.drafts.some((d) => d.itemId === item);
    }, { what: "ink on node 2", timeoutMs: 5_000 });
  });
});

describe("failover", () => {
  it("shows a late joiner on node 3 everything, after node 1 (where it was drawn) was killed", async () => {
    const c = await cluster("cookie");
    const board = newId();
    const drawer = await join(c.nodes[0].url, board, { reconnection: false });
    const ops = Array.from({ length: 30 }, () => strokeOp());
    for (const o of ops) expect((await drawer.submit(o)).ok).toBe(true);
    await c.nodes[0].kill();
    const late = await join(c.nodes[2].url, board);
    expect(late.model.visibleIds()).toEqual(ops.map((o) => o.item.id));
  });

  it("works websocket-only through the balancer", async () => {
    const c = await cluster("board");
    const board = newId();
    const a = await join(c.url, board, { transports: ["websocket"] });
    const b = await join(c.url, board, { transports: ["websocket"] });
    expect(a.socket.io.engine.transport.name).toBe("websocket");
    const op = strokeOp();
    await a.submit(op);
    await waitFor(() => b.model.visibleIds().includes(op.item.id), { what: "stroke over websocket" });
  });

  it("loses nothing acknowledged and duplicates nothing when Redis restarts mid-session", async () => {
    const c = await cluster("cookie");
    const board = newId();
    const a = await join(c.url, board);
    const b = await join(c.url, board);
    let drops = 0;
    a.socket.on("disconnect", () => drops++);
    const acked = new Map<string, number>();
    let stop = false;
    // A drawer that keeps drawing and retries what was not acknowledged, like the browser's outbox.
    const drawing = (async () => {
      let pending = strokeOp();
      for (let i = 0; i < 400 && !stop; i++) {
        const ack = await a.submit(pending, 2000).catch(() => null);
        if (ack?.ok) {
          acked.set(pending.item.id, ack.seq);
          pending = strokeOp();
        } else {
          await waitFor(() => a.socket.connected, { timeoutMs: 20_000, what: "drawer reconnected" });
        }
      }
    })();
    await waitFor(() => acked.size >= 10, { what: "ops before the restart" });
    const readyz = () => fetch(`${c.nodes[0].url}/readyz`).then((r) => r.status);
    await c.redis.restart();
    await waitFor(async () => (await readyz()) === 200, { timeoutMs: 20_000, what: "node ready again" });
    const before = acked.size;
    await waitFor(() => acked.size >= before + 10, { timeoutMs: 20_000, what: "ops after the restart" });
    stop = true;
    await drawing;
    // Losing Redis sent the clients away; they came back and resent what was pending.
    expect(drops).toBeGreaterThan(0);
    const head = Math.max(...acked.values());
    await a.waitForHead(head, 20_000);
    await b.waitForHead(head, 20_000);
    const late = await join(c.url, board);
    for (const client of [a, b, late]) {
      const adds = [...client.model.items.values()].map((x) => x.seq);
      expect(new Set(adds).size).toBe(adds.length);
      const ids = client.model.visibleItems().map((i) => i.id);
      expect(ids.length).toBe(acked.size);
    }
    expect(late.model.head).toBe(acked.size);
    expect(late.model.visibleItems().map((i) => i.id).sort()).toEqual([...acked.keys()].sort());
  });

  it("reports not ready while Redis is down and recovers by itself", async () => {
    const c = await cluster("cookie");
    await c.redis.kill();
    await waitFor(async () => (await fetch(`${c.nodes[1].url}/readyz`)).status === 503, { what: "not ready" });
    const body = await (await fetch(`${c.nodes[1].url}/readyz`)).json();
    expect(body.failing).toContain("redis");
    await c.redis.restart();
    await waitFor(async () => (await fetch(`${c.nodes[1].url}/readyz`)).status === 200, { timeoutMs: 20_000, what: "ready again" });
  });
});

describe("presence across nodes", () => {
  // Short-lived peers (heartbeat every 4/3 s) so a dead node's peers expire within the test.
  const ttl = { PRESENCE_TTL_SECONDS: "4" };

  it("shows a member on node 1 a peer joining, renaming and leaving on node 2, by deltas", async () => {
    const c = await cluster("cookie", ttl);
    const [n1, n2] = c.nodes;
    const board = newId();
    const member = await join(n1.url, board, { name: "member" });
    await member.waitForPeers((p) => p.length === 1, "member alone");
    const visitor = await join(n2.url, board, { name: "visitor" });
    // The visitor's snapshot already lists the member on node 1.
    expect(visitor.presence.hasSnapshot).toBe(true);
    expect(visitor.peers.map((p) => `${p.name}@${p.node}`).sort()).toEqual(["member@node1", "visitor@node2"]);
    await member.waitForPeers((p) => p.some((x) => x.sessionId === visitor.welcome!.sessionId && x.name === "visitor" && x.node === "node2"), "visitor on node 2");
    visitor.socket.emit("profile", { name: "renamed" });
    await member.waitForPeers((p) => p.some((x) => x.sessionId === visitor.welcome!.sessionId && x.name === "renamed"), "the rename");
    visitor.close();
    await member.waitForPeers((p) => p.length === 1 && p[0].sessionId === member.welcome!.sessionId, "the visitor gone");
    // All of it by deltas: the member's only full list was its own join's.
    expect(member.presenceTraffic.snapshots).toBe(1);
    expect(member.presenceTraffic.deltas).toBeGreaterThanOrEqual(3);
    expect([...member.malformed, ...visitor.malformed]).toEqual([]);
  });

  it("reports the peers of a killed node as left, once they expire", async () => {
    const c = await cluster("cookie", ttl);
    const [n1, n2, n3] = c.nodes;
    const board = newId();
    const member = await join(n1.url, board, { name: "member" });
    const other = await join(n2.url, board, { name: "other" });
    const doomed = await Promise.all(["doomed 1", "doomed 2"].map((name) => join(n3.url, board, { name, reconnection: false })));
    await member.waitForPeers((p) => p.length === 4, "all four");
    await n3.kill();
    const doomedIds = new Set(doomed.map((d) => d.welcome!.sessionId));
    for (const c of [member, other]) {
      const left = await c.waitForPeers((p) => !p.some((x) => doomedIds.has(x.sessionId)), `node 3's peers gone on ${c.welcome!.node}`, 20_000);
      expect(left.map((p) => p.name).sort()).toEqual(["member", "other"]);
      expect(c.presenceTraffic.snapshots).toBe(1);
    }
    // Reported once: each node that sweeps the board may find them, only one reports each.
    expect(member.presenceTraffic.left).toBe(2);
    // And a new joiner's snapshot does not list them either.
    const late = await join(n2.url, board, { name: "late" });
    expect(late.peers.map((p) => p.name).sort()).toEqual(["late", "member", "other"]);
  });
});

describe("Redis down at start", () => {
  it("starts not ready with a clear error, keeps retrying, and is ready once Redis answers", async () => {
    const port = await freePort();
    const node = await startServer({ waitReady: false, env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
    try {
      await waitFor(async () => (await fetch(`${node.url}/readyz`).catch(() => null))?.status === 503, { what: "503 while Redis is missing" });
      expect(await (await fetch(`${node.url}/readyz`)).json()).toMatchObject({ status: "not_ready", failing: expect.arrayContaining(["redis"]) });
      expect((await fetch(`${node.url}/healthz`)).status).toBe(200);
      await waitFor(() => node.output().includes("cannot reach Redis"), { what: "a clear log line" });
      const redis = await startRedis({ port });
      try {
        await waitFor(async () => (await fetch(`${node.url}/readyz`)).status === 200, { timeoutMs: 20_000, what: "ready once Redis answers" });
        const c = await clients.join(node.url, newId());
        expect(await c.submit(strokeOp())).toMatchObject({ ok: true, seq: 1 });
      } finally {
        clients.closeAll();
        await redis.stop();
      }
    } finally {
      await node.kill();
    }
  });
});
