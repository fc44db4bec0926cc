/**
 * Issue 17, finding 9: repeated `move` ops pushed items past the documented
 * ±LIMITS.maxCoordinate. The fold skips a move that would take any of its items
 * out of range (all replicas alike), and a node refuses such a move before
 * storing it (`out_of_range`), judging from the board's log through the real store.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BoardModel } from "../../src/shared/board-model.js";
import { coordinateExtent } from "../../src/shared/item-layout.js";
import { LIMITS, boardOpSchema, type BoardOp, type Item } from "../../src/shared/protocol.js";
import { PageReader } from "../../src/server/board/page-reader.js";
import { MoveRange } from "../../src/server/board/move-range.js";
import { SqliteBoardStore } from "../../src/server/store/sqlite-store.js";
import { editOp, moveOp, newId, shapeOp, strokeOp, textOp } from "../helpers/board-client.js";

const MAX = LIMITS.maxCoordinate;

function fold(ops: BoardOp[]): BoardModel {
  const m = new BoardModel();
  ops.forEach((op, i) => m.apply({ seq: i + 1, op, author: "alice", at: 0 }));
  return m;
}

function inRange(item: Item): boolean {
  const e = coordinateExtent(item);
  return e.minX >= -MAX && e.minY >= -MAX && e.maxX <= MAX && e.maxY <= MAX;
}

describe("the fold keeps every item within ±maxCoordinate", () => {
  it("repeated moves by the largest offset stop at the edge (finding 9)", () => {
    const add = strokeOp([0, 0, 10, 10]);
    const ops: BoardOp[] = [add];
    for (let i = 0; i < 10; i++) ops.push(moveOp([add.item.id], 2 * MAX, 0));
    for (const op of ops) expect(boardOpSchema.safeParse(op).success).toBe(true);
    const m = fold(ops);
    expect(inRange(m.items.get(add.item.id)!.item)).toBe(true);
    expect(m.items.get(add.item.id)!.item).toEqual(add.item);
  });

  it("a move that would take one of its items out moves none of them, so undo stays exact", () => {
    const near = textOp("edge", MAX - 5, 0);
    const far = shapeOp("rect", [0, 0, 100, 100]);
    const m = fold([near, far, moveOp([near.item.id, far.item.id], 10, 0), moveOp([far.item.id], 10, 0), moveOp([far.item.id], -10, 0)]);
    expect(m.items.get(near.item.id)!.item).toEqual(near.item);
    expect(m.items.get(far.item.id)!.item).toEqual(far.item);
  });

  it("holds for any sequence of adds, moves and edits", () => {
    const coord = fc.double({ min: -MAX, max: MAX, noNaN: true });
    const offset = fc.double({ min: -2 * MAX, max: 2 * MAX, noNaN: true });
    fc.assert(
      fc.property(fc.array(fc.tuple(coord, coord)), fc.array(fc.tuple(fc.nat(), offset, offset, fc.boolean()), { maxLength: 40 }), (anchors, moves) => {
        const adds = anchors.map(([x, y], i) => (i % 2 ? textOp("t", x, y) : strokeOp([x, y, x / 2, y / 2])));
        const ids = adds.map((a) => a.item.id);
        const ops: BoardOp[] = [...adds];
        for (const [k, dx, dy, edit] of moves) {
          if (ids.length === 0) break;
          const id = ids[k % ids.length];
          ops.push(edit && k % 2 ? editOp(id, "edited") : moveOp([id, ids[(k + 1) % ids.length]], dx, dy));
        }
        const m = fold(ops);
        for (const b of m.items.values()) expect(inRange(b.item)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe("a node refuses a move that would leave the range", () => {
  it("judges each move against the board's log, as the fold would", async () => {
    const store = new SqliteBoardStore(mkdtempSync(path.join(tmpdir(), "meshboard-range-")), { maxItemsPerBoard: 1000 });
    const reader = new PageReader(store, { maxOps: 3, maxBytes: LIMITS.catchUpPageBytes });
    const range = new MoveRange((b, since) => reader.read(b, since));
    const board = newId();
    const add = strokeOp([0, 0, 10, 10]);
    const append = (op: BoardOp) => store.append(board, { op, author: "alice", at: 0 });
    await append(add);
    const stored: BoardOp[] = [add];
    for (let i = 0; i < 6; i++) {
      const move = moveOp([add.item.id], 400_000, -300_000);
      const refused = await range.refusal(board, move);
      // The fold would apply exactly the moves the node accepts.
      const before = fold(stored).items.get(add.item.id)!.item;
      const after = fold([...stored, move]).items.get(add.item.id)!.item;
      expect(refused === null, `move ${i}`).toBe(after !== before && JSON.stringify(after) !== JSON.stringify(before));
      if (refused) {
        expect(refused.code).toBe("out_of_range");
        expect(refused.message).toContain("1,000,000");
      } else {
        await append(move);
        stored.push(move);
      }
    }
    // Two moves of 400,000 fit (x 800,010), the third would not.
    expect(stored).toHaveLength(3);
    expect(await range.refusal(board, editOp(add.item.id, "x"))).toBeNull();
    expect(await range.refusal(board, moveOp([add.item.id], -800_000, 600_000))).toBeNull();
    await store.close();
  });
});
