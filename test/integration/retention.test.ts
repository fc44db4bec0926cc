/**
 * Retention with real processes (issue 16): BOARD_RETENTION_SECONDS=2 and
 * RETENTION_SWEEP_SECONDS=1 on three nodes sharing a real Redis, and on one
 * embedded node.
 */
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { startRedis } from "../../scripts/lib/redis-process.js";
import { storedBoard } from "../helpers/board-audit.js";
import { ClientPool, newId, strokeOp } from "../helpers/board-client.js";
import { startServer, type ServerProcess } from "../helpers/server-process.js";
import { waitFor } from "../helpers/wait.js";

const RETENTION = { BOARD_RETENTION_SECONDS: "2", RETENTION_SWEEP_SECONDS: "1", LOG_LEVEL: "info" };
const pool = new ClientPool();
const stops: Array<() => Promise<unknown>> = [];
afterEach(() => pool.closeAll());
afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
});

/** A board with one stroke, its author gone. */
async function idleBoard(url: string): Promise<string> {
  const board = newId();
  const c = await pool.join(url, board);
  expect(await c.submit(strokeOp())).toMatchObject({ ok: true });
  c.close();
  return board;
}

const deletions = (nodes: ServerProcess[], board: string) =>
  nodes.reduce((n, s) => n + s.output().split("\n").filter((l) => l.includes('"retention: idle board deleted"') && l.includes(board)).length, 0);

describe("retention", () => {
  it("three nodes: an idle board is gone within 5 s, a board with someone connected survives, each board is deleted once", async () => {
    const redis = await startRedis();
    stops.push(() => redis.stop());
    const nodes = await Promise.all([1, 2, 3].map((i) => startServer({ nodeId: `node${i}`, env: { REDIS_URL: redis.url, ...RETENTION } })));
    stops.push(() => Promise.all(nodes.map((n) => n.stop())));

    const kept = newId();
    const watcher = await pool.join(nodes[0].url, kept);
    expect(await watcher.submit(strokeOp())).toMatchObject({ ok: true });
    const idle = await Promise.all(nodes.map((n) => idleBoard(n.url)));
    const started = Date.now();
    await waitFor(async () => (await Promise.all(idle.map((b) => storedBoard(redis.url, b)))).every((s) => s.model.head === 0), {
      timeoutMs: 5_000,
      what: "idle boards deleted",
    });
    const goneAfterMs = Date.now() - started;

    // Sweeps go on (a board idle since after the first ones is deleted too); the watched board stays.
    const later = await idleBoard(nodes[1].url);
    await waitFor(async () => (await storedBoard(redis.url, later)).model.head === 0, { timeoutMs: 5_000, what: "a later idle board deleted" });
    expect((await storedBoard(redis.url, kept)).model.head).toBe(1);
    expect(watcher.socket.connected).toBe(true);
    expect(await watcher.submit(strokeOp())).toMatchObject({ ok: true, seq: 2 });

    // No double work: every deleted board was deleted by exactly one node, and no node logged an error.
    for (const b of [...idle, later]) expect(deletions(nodes, b), `deletions of ${b}`).toBe(1);
    for (const n of nodes) expect(n.output()).not.toMatch(/"level":(50|60)/);

    // A deleted board opens as a new, empty board.
    const reopened = await pool.join(nodes[2].url, idle[0]);
    expect([reopened.model.head, reopened.visibleIds()]).toEqual([0, []]);
    console.log(`measured: retention ${JSON.stringify({ goneAfterMs })}`);
  }, 60_000);

  it("embedded node: deletes an idle board from SQLite, keeps a connected one", async () => {
    const server = await startServer({ env: RETENTION });
    stops.push(() => server.stop());
    const kept = newId();
    const watcher = await pool.join(server.url, kept);
    expect(await watcher.submit(strokeOp())).toMatchObject({ ok: true });
    const idle = await idleBoard(server.url);
    await waitFor(() => deletions([server], idle) === 1, { timeoutMs: 5_000, what: "idle board deleted" });
    const reopened = await pool.join(server.url, idle);
    expect(reopened.model.head).toBe(0);
    expect(deletions([server], kept)).toBe(0);
    expect(await watcher.submit(strokeOp())).toMatchObject({ ok: true, seq: 2 });
  }, 30_000);
});
