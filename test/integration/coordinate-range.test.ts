/**
 * Issue 17, finding 9, against a real node: repeated `move` ops used to push an
 * item past the documented ±1,000,000. Now the move that would leave the range
 * is refused with `out_of_range`, the moves before it are stored, and every
 * client (a late joiner included) and the SVG export see the item in range.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { coordinateExtent } from "../../src/shared/item-layout.js";
import { LIMITS } from "../../src/shared/protocol.js";
import { ClientPool, moveOp, newId, shapeOp, textOp } from "../helpers/board-client.js";
import { startServer, type ServerProcess } from "../helpers/server-process.js";

let server: ServerProcess;
const clients = new ClientPool();

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  clients.closeAll();
  await server?.stop();
});

describe("moves stay within the board (finding 9)", () => {
  it("refuses the move that would leave ±maxCoordinate, and only that one", async () => {
    const board = newId();
    const a = await clients.join(server.url, board);
    const rect = shapeOp("rect", [0, 0, 100, 100]);
    const label = textOp("far", 10, 10);
    expect((await a.submit(rect)).ok).toBe(true);
    expect((await a.submit(label)).ok).toBe(true);
    const answers: string[] = [];
    for (let i = 0; i < 5; i++) {
      const ack = await a.submit(moveOp([rect.item.id, label.item.id], 300_000, -300_000));
      answers.push(ack.ok ? "ok" : ack.error.code);
      if (!ack.ok) expect(ack.error.message).toContain("1,000,000");
    }
    // 3 × 300,000 puts the rectangle's far corner at 900,100; a fourth would pass 1,000,000.
    expect(answers).toEqual(["ok", "ok", "ok", "out_of_range", "out_of_range"]);
    // Within range, and moving back is exact.
    expect((await a.submit(moveOp([rect.item.id], 99_900, 0))).ok).toBe(true);
    expect((await a.submit(moveOp([rect.item.id], -99_900, 0))).ok).toBe(true);

    const late = await clients.join(server.url, board);
    for (const b of late.model.items.values()) {
      const e = coordinateExtent(b.item);
      expect(Math.max(Math.abs(e.minX), Math.abs(e.maxX), Math.abs(e.minY), Math.abs(e.maxY))).toBeLessThanOrEqual(LIMITS.maxCoordinate);
    }
    expect(late.model.items.get(rect.item.id)!.item).toMatchObject({ x1: 900_000, y1: -900_000, x2: 900_100, y2: -899_900 });
    expect(late.model.items).toEqual(a.model.items);
    const svg = await (await fetch(`${server.url}/b/${board}.svg`)).text();
    expect(svg).toContain('<rect x="900000" y="-900000" width="100" height="100"');
  });
});
