/**
 * Bounded storage with real processes (issue 16): a board's byte budget
 * (board_full), Redis at maxmemory (storage_full), compaction while people draw
 * and a node dies, and what a late joiner of a mostly erased board receives.
 */
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createClient } from "redis";
import type { BoardOp, OpAck } from "../../src/shared/protocol.js";
import { startRedis, type RedisProcess } from "../../scripts/lib/redis-process.js";
import { startLocalCluster, type LocalCluster } from "../../scripts/local-cluster.js";
import { auditStored, itemsBySeq, storedBoard } from "../helpers/board-audit.js";
import { ClientPool, newId, strokeOp, type BoardClient } from "../helpers/board-client.js";
import { Drawer } from "../helpers/drawer.js";
import { startServer, type ServerProcess } from "../helpers/server-process.js";
import { waitFor } from "../helpers/wait.js";

const pool = new ClientPool();
const stops: Array<() => Promise<unknown>> = [];
const drawers: Drawer[] = [];
afterEach(() => {
  pool.closeAll();
  for (const d of drawers.splice(0)) d.close();
});
afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
});

async function redisServer(extraArgs: string[] = []): Promise<RedisProcess> {
  const redis = await startRedis({ extraArgs });
  stops.push(() => redis.stop());
  return redis;
}

async function node(redis: RedisProcess, env: Record<string, string> = {}): Promise<ServerProcess> {
  const server = await startServer({ env: { REDIS_URL: redis.url, RATE_LIMITS: "off", LOG_LEVEL: "info", ...env } });
  stops.push(() => server.stop());
  return server;
}

/** A stroke of `points` points (~11 bytes each in JSON). */
function bigStroke(points: number): BoardOp & { type: "add" } {
  return strokeOp(Array.from({ length: points * 2 }, (_, i) => 100.125 + i));
}

function measured(scenario: string, values: Record<string, unknown>): void {
  console.log(`measured: ${scenario} ${JSON.stringify(values)}`);
}

describe("board budget (BOARD_MAX_BYTES)", () => {
  it("refuses with board_full after the budget, keeps everything acknowledged before, and clearing frees room", async () => {
    const redis = await redisServer();
    const server = await node(redis, { BOARD_MAX_BYTES: String(256 * 1024) });
    const board = newId();
    const client = await pool.join(server.url, board);
    const acked = new Map<string, number>();
    let refusal: OpAck | undefined;
    for (let i = 0; i < 200 && !refusal; i++) {
      const op = bigStroke(200);
      const ack = await client.submit(op);
      if (ack.ok) acked.set(op.opId, ack.seq);
      else refusal = ack;
    }
    expect(refusal).toMatchObject({ ok: false, error: { code: "board_full" } });
    expect(refusal!.ok === false && refusal!.error.message).toBe("this board is full (it holds at most 256 KiB): erase or clear something to make room");
    expect(acked.size).toBeGreaterThan(20);
    // Still full for the next add, whoever sends it.
    expect(await client.submit(bigStroke(200))).toMatchObject({ ok: false, error: { code: "board_full" } });

    const stored = auditStored(await storedBoard(redis.url, board), acked);
    expect([stored.lost, stored.seqGaps, stored.duplicated]).toEqual([[], [], []]);
    expect(stored.head).toBe(acked.size);

    expect(await client.submit({ type: "clear", opId: newId() })).toMatchObject({ ok: true });
    const after = await client.submit(bigStroke(200));
    expect(after).toMatchObject({ ok: true, seq: acked.size + 2 });
    // A late joiner sees the board as it is: the one stroke after the clear.
    const joiner = await pool.join(server.url, board);
    expect(joiner.visibleIds()).toHaveLength(1);
    expect(server.output()).toContain("board compacted");
  });
});

describe("Redis at maxmemory (noeviction)", () => {
  it("answers storage_full, keeps the nodes up and every acknowledged op, and recovers when memory frees", async () => {
    const redis = await redisServer(["--maxmemory", "12mb", "--maxmemory-policy", "noeviction"]);
    const server = await node(redis);
    const board = newId();
    const client = await pool.join(server.url, board);
    // Other keys fill Redis until it refuses writes, then leave ~1 MB of room.
    const filler = createClient({ url: redis.url });
    await filler.connect();
    const chunk = "x".repeat(256 * 1024);
    let fillers = 0;
    for (;;) {
      try {
        await filler.set(`filler:${fillers}`, chunk);
        fillers++;
      } catch {
        break;
      }
    }
    for (let i = 1; i <= 4; i++) await filler.del(`filler:${fillers - i}`);

    const acked = new Map<string, number>();
    let refused: BoardOp | undefined;
    let ack: OpAck | undefined;
    for (let i = 0; i < 2000 && !refused; i++) {
      const op = bigStroke(300);
      ack = await client.submit(op);
      if (ack.ok) acked.set(op.opId, ack.seq);
      else refused = op;
    }
    expect(ack).toMatchObject({ ok: false, error: { code: "storage_full" } });
    expect(acked.size).toBeGreaterThan(10);
    // Refused again while full; the node stays up and keeps answering.
    expect(await client.submit(refused!)).toMatchObject({ ok: false, error: { code: "storage_full" } });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(server.child.exitCode).toBeNull();
    expect(client.socket.connected).toBe(true);

    const stored = auditStored(await storedBoard(redis.url, board), acked);
    expect([stored.lost, stored.seqGaps, stored.duplicated]).toEqual([[], [], []]);

    // Memory frees: the same op (still in the client's outbox) goes through.
    for (let i = 0; i < fillers; i++) await filler.del(`filler:${i}`);
    await filler.close();
    const resumed = await client.submit(refused!);
    expect(resumed).toMatchObject({ ok: true, seq: acked.size + 1, duplicate: false });
    expect(await client.submit(bigStroke(10))).toMatchObject({ ok: true });
    // Logged once per interval with a count (and the store's own words), not once per op.
    const logged = server.output().split("\n").filter((l) => l.includes('"msg":"append failed"'));
    expect(logged.length).toBeGreaterThanOrEqual(1);
    expect(logged.length).toBeLessThanOrEqual(3);
    expect(logged[0]).toContain("OOM");
    measured("redis-maxmemory", { acknowledgedBeforeFull: acked.size });
  });
});

describe("compaction", () => {
  it("a late joiner of 5,000 ops of which 4,500 were erased gets within 2x of the live items' size", async () => {
    const redis = await redisServer();
    const server = await node(redis);
    const board = newId();
    const author = await pool.join(server.url, board);
    const adds = Array.from({ length: 5000 }, () => bigStroke(30));
    for (let i = 0; i < adds.length; i += 250) {
      const acks = await Promise.all(adds.slice(i, i + 250).map((op) => author.submit(op, 30_000)));
      expect(acks.every((a) => a.ok)).toBe(true);
    }
    // 4,500 erased, 100 at a time (a selection deleted, an eraser dragged across).
    for (let i = 0; i < 4500; i += 100) {
      const ack = await author.submit({ type: "remove", opId: newId(), itemIds: adds.slice(i, i + 100).map((op) => op.item.id) });
      expect(ack.ok).toBe(true);
    }
    await author.waitForHead(5045, 30_000);
    const live = author.model.visibleItems();
    expect(live).toHaveLength(500);
    const liveBytes = JSON.stringify(live).length;

    const joiner = await pool.join(server.url, board);
    expect(joiner.snapshots).toBe(1);
    expect(joiner.model.head).toBe(5045);
    expect(joiner.visibleIds()).toEqual(author.visibleIds());
    expect(joiner.catchUpBytes).toBeLessThanOrEqual(2 * liveBytes);
    measured("late-joiner-catch-up", { liveBytes, catchUpBytes: joiner.catchUpBytes, ratio: +(joiner.catchUpBytes / liveBytes).toFixed(2) });
  }, 120_000);

  it("compacts while two clients draw and a node is killed, losing and duplicating nothing", async () => {
    const c: LocalCluster = await startLocalCluster({ routing: "cookie", nodes: 2, nodeEnv: { RATE_LIMITS: "off", LOG_LEVEL: "info" } });
    stops.push(() => c.stop());
    const board = newId();
    const ds = [0, 1].map((i) => new Drawer(c.url, board, { name: `drawer${i}`, strokeEveryMs: 15 }));
    drawers.push(...ds);
    await waitFor(() => ds.every((d) => d.connected), { what: "drawers connected" });
    for (const d of ds) d.start();
    const compactions = () => c.nodes.reduce((n, s) => n + (s.output().match(/"board compacted"/g)?.length ?? 0), 0);
    // Late joiners, alternating between the nodes, make the board compact as it grows.
    const joinUntil = async (target: number, nodes: ServerProcess[]) => {
      for (let i = 0; compactions() < target; i++) {
        const head = Math.max(...ds.map((d) => d.model.head));
        await waitFor(() => Math.max(...ds.map((d) => d.model.head)) >= head + 220, { timeoutMs: 30_000, what: "more strokes" });
        const j: BoardClient = await pool.join(nodes[i % nodes.length].url, board);
        j.close();
      }
    };
    await joinUntil(2, c.nodes);
    const victim = c.nodes[0];
    await victim.kill();
    await joinUntil(compactions() + 2, [c.nodes[1]]);
    for (const d of ds) d.stop();
    await Promise.all(ds.map((d) => d.settled(30_000)));

    const stored = await storedBoard(c.redis.url, board);
    const result = auditStored(stored, ds.flatMap((d) => [...d.acked]));
    expect(stored.snapshotSeq).toBeGreaterThan(0);
    expect([result.seqGaps, result.duplicated, result.lost]).toEqual([[], [], []]);
    for (const d of ds) {
      expect(d.rejected).toEqual([]);
      expect(d.acked.size).toBe(d.drawn.length);
    }
    await Promise.all(ds.map((d) => d.waitForHead(result.head)));
    for (const d of ds) expect(itemsBySeq(d.model), `${d.opts.name}'s board`).toEqual(itemsBySeq(stored.model));
    const late = await pool.join(c.nodes[1].url, board);
    expect(itemsBySeq(late.model)).toEqual(itemsBySeq(stored.model));
    measured("compaction-under-load", { ops: result.head, acknowledged: result.acknowledged, compactions: compactions(), snapshotSeq: stored.snapshotSeq });
  }, 180_000);
});
