/**
 * The ink clock on a real node: clients learn its period and the server's time,
 * and a board's drafts of one tick reach each watcher as one message.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Draft } from "../../src/shared/protocol.js";
import { ClientPool, newId } from "../helpers/board-client.js";
import { startServer, type ServerProcess } from "../helpers/server-process.js";
import { waitFor } from "../helpers/wait.js";

// A slow clock, so that drafts sent one after the other certainly share a tick.
const TICK_MS = 400;
let server: ServerProcess;
const clients = new ClientPool();

beforeAll(async () => {
  server = await startServer({ env: { INK_TICK_MS: String(TICK_MS), INK_FLUSH_LAG_MS: "20" } });
});
afterAll(async () => {
  clients.closeAll();
  await server?.stop();
});

const ink = (itemId: string, from: number, points: number[]): Draft => ({ itemId, color: "#1e1e1e", width: 2, from, points });

describe("the ink clock", () => {
  it("is announced in welcome, and `clock` answers with the server's time", async () => {
    const a = await clients.join(server.url, newId());
    expect(a.welcome?.ink).toEqual({ periodMs: TICK_MS });
    const before = Date.now();
    const reading = await a.socket.timeout(5_000).emitWithAck("clock", {});
    expect(reading.now).toBeGreaterThanOrEqual(before - 5);
    expect(reading.now).toBeLessThanOrEqual(Date.now() + 5);
    // A fixed clock (INK_TICK_MS set): every answer carries the same period.
    expect(reading.ink).toEqual({ periodMs: TICK_MS });
  });

  it("relays a board's drafts of one tick as one message", async () => {
    const board = newId();
    const [alice, bob, watcher] = await Promise.all([0, 1, 2].map(() => clients.join(server.url, board)));
    const aliceItem = newId();
    const bobItem = newId();
    // Wait for the start of a tick, so that all three drafts fall in this one.
    await waitFor(() => Date.now() % TICK_MS > 30 && Date.now() % TICK_MS < 100, { what: "early in a tick", intervalMs: 2 });
    alice.socket.emit("draft", ink(aliceItem, 0, [1, 1, 2, 2]));
    bob.socket.emit("draft", ink(bobItem, 0, [5, 5]));
    alice.socket.emit("draft", ink(aliceItem, 2, [3, 3]));
    await waitFor(() => watcher.drafts.length >= 2 && alice.drafts.length >= 1 && bob.drafts.length >= 1, { what: "the tick's ink everywhere" });
    // The watcher: one message, alice's two drafts merged, in arrival order.
    expect(watcher.draftMessages).toBe(1);
    expect(watcher.drafts.map((d) => [d.itemId, d.from, d.points])).toEqual([
      [aliceItem, 0, [1, 1, 2, 2, 3, 3]],
      [bobItem, 0, [5, 5]],
    ]);
    // Each drawer gets the same one message: the other's ink, and its own, which its client skips by session id.
    expect([alice.draftMessages, bob.draftMessages]).toEqual([1, 1]);
    expect(alice.drafts.filter((d) => d.sessionId !== alice.welcome!.sessionId).map((d) => d.itemId)).toEqual([bobItem]);
    expect(bob.drafts.filter((d) => d.sessionId !== bob.welcome!.sessionId).map((d) => d.itemId)).toEqual([aliceItem]);
    expect(new Set(watcher.drafts.map((d) => d.sessionId)).size).toBe(2);
  });

  it("relays a board's cursor moves of one tick as one message: each mover's latest position", async () => {
    const board = newId();
    const [alice, bob, watcher] = await Promise.all([0, 1, 2].map(() => clients.join(server.url, board)));
    await waitFor(() => Date.now() % TICK_MS > 30 && Date.now() % TICK_MS < 100, { what: "early in a tick", intervalMs: 2 });
    for (let i = 1; i <= 5; i++) {
      alice.socket.emit("cursor", { x: i, y: i });
      bob.socket.emit("cursor", { x: 100 + i, y: 100 + i });
    }
    await waitFor(() => watcher.cursors.length >= 2, { what: "the tick's cursors" });
    expect(watcher.cursorMessages).toBe(1);
    const latest = Object.fromEntries(watcher.cursors.map((c) => [c.sessionId, c.cursor]));
    expect(latest).toEqual({ [alice.welcome!.sessionId]: { x: 5, y: 5 }, [bob.welcome!.sessionId]: { x: 105, y: 105 } });
    // Leaving hides the cursor: a null for bob in a later tick.
    bob.close();
    await waitFor(() => watcher.cursors.some((c) => c.sessionId === bob.welcome!.sessionId && c.cursor === null), { what: "bob's cursor hidden" });
  });
});
