/**
 * The `order` op through real processes: two nodes sharing a real Redis. An op
 * accepted on one node reorders the board for a client of the other, and the
 * other node's GET /b/<id>.svg paints in the new order; a malformed one is
 * refused and changes nothing; a late joiner served from a compaction snapshot
 * gets the same paint order (z kept in the snapshot).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis, type RedisProcess } from "../../scripts/lib/redis-process.js";
import { ClientPool, newId, shapeOp, type BoardClient } from "../helpers/board-client.js";
import { startServer, type ServerProcess } from "../helpers/server-process.js";
import { waitFor } from "../helpers/wait.js";

let redis: RedisProcess;
let nodes: ServerProcess[] = [];
const pool = new ClientPool();

beforeAll(async () => {
  redis = await startRedis();
  nodes = await Promise.all(["one", "two"].map((nodeId) => startServer({ nodeId, env: { REDIS_URL: redis.url } })));
});

afterAll(async () => {
  pool.closeAll();
  await Promise.all(nodes.map((n) => n.stop()));
  await redis?.stop();
});

const colors = (c: BoardClient): string[] => c.model.visibleItems().map((i) => i.color);
const svgColors = async (node: ServerProcess, board: string): Promise<string[]> =>
  [...(await (await fetch(`${node.url}/b/${board}.svg`)).text()).matchAll(/stroke="(#[0-9a-f]{6})"/g)].map((m) => m[1]);

describe("paint order across nodes", () => {
  const board = `order-${newId()}`;
  const ops = [shapeOp("rect", [0, 0, 100, 100], "#e03131"), shapeOp("rect", [50, 50, 150, 150], "#2f9e44"), shapeOp("ellipse", [80, 0, 180, 90], "#1c7ed6")];
  let alice: BoardClient;
  let bob: BoardClient;

  it("an order op accepted on one node reorders the board on the other, and in its SVG", async () => {
    [alice, bob] = await Promise.all([pool.join(nodes[0].url, board), pool.join(nodes[1].url, board)]);
    for (const op of ops) expect((await alice.submit(op)).ok).toBe(true);
    await bob.waitForHead(3);
    expect(colors(bob)).toEqual(["#e03131", "#2f9e44", "#1c7ed6"]);
    const ack = await alice.submit({ type: "order", opId: newId(), changes: [{ itemId: ops[0].item.id, z: 4 }] });
    expect(ack.ok).toBe(true);
    await bob.waitForHead(4);
    expect(colors(bob)).toEqual(["#2f9e44", "#1c7ed6", "#e03131"]);
    expect(await svgColors(nodes[1], board)).toEqual(["#2f9e44", "#1c7ed6", "#e03131"]);
    // The inverse (back to creation order) restores it everywhere.
    expect((await alice.submit({ type: "order", opId: newId(), changes: [{ itemId: ops[0].item.id, z: null }] })).ok).toBe(true);
    await bob.waitForHead(5);
    expect(colors(bob)).toEqual(["#e03131", "#2f9e44", "#1c7ed6"]);
    expect(await svgColors(nodes[1], board)).toEqual(["#e03131", "#2f9e44", "#1c7ed6"]);
  });

  it("a malformed order op is refused and changes nothing", async () => {
    for (const changes of [[], [{ itemId: ops[1].item.id, z: 1.5 }], [{ itemId: ops[1].item.id, z: Number.MAX_SAFE_INTEGER * 2 }]]) {
      const ack = await alice.submit({ type: "order", opId: newId(), changes });
      expect(ack.ok).toBe(false);
      if (!ack.ok) expect(ack.error.code).toBe("invalid_payload");
    }
    expect(alice.model.head).toBe(5);
  });

  it("a late joiner served from a compaction snapshot paints in the same order", async () => {
    // Send the ellipse to the back, with enough weight (one per named item) that a late joiner's catch-up is compacted.
    const padding = Array.from({ length: 250 }, () => ({ itemId: newId(), z: 0 }));
    const ack = await alice.submit({ type: "order", opId: newId(), changes: [{ itemId: ops[2].item.id, z: -1 }, ...padding] });
    expect(ack.ok).toBe(true);
    await bob.waitForHead(6);
    expect(colors(bob)).toEqual(["#1c7ed6", "#e03131", "#2f9e44"]);
    const carol = await pool.join(nodes[1].url, board);
    await waitFor(() => carol.model.head === 6, { what: "carol caught up" });
    expect(carol.welcome?.snapshot ?? 0, "carol's catch-up started with a snapshot").toBeGreaterThan(0);
    expect(carol.snapshots).toBeGreaterThan(0);
    expect(colors(carol)).toEqual(["#1c7ed6", "#e03131", "#2f9e44"]);
    expect(carol.model.items.get(ops[2].item.id)?.z).toBe(-1);
  });
});
