/**
 * When a late joiner gets the board compacted first (compaction-policy.ts): a long
 * tail, or a tail that names many items (what a stale snapshot still carries), but
 * not a short tail of adds, which costs the joiner the same bytes folded or not.
 */
import { describe, expect, it } from "vitest";
import { CLEAR_WEIGHT, JOIN_COMPACT_AT_NAMED, JOIN_COMPACT_AT_WEIGHT, joinShouldCompact, opWeight } from "../../src/server/board/compaction-policy.js";
import type { BoardOp } from "../../src/shared/protocol.js";

const add = (i: number): BoardOp => ({ type: "add", opId: `a${i}`, item: { kind: "stroke", id: `s${i}`, color: "#000000", width: 2, points: [0, 0, 1, 1] } });
const erase = (n: number): BoardOp => ({ type: "remove", opId: `r${n}`, itemIds: Array.from({ length: n }, (_, i) => `s${i}`) });
const clear: BoardOp = { type: "clear", opId: "c" };

/** The board state after `tail` on top of a snapshot at seq 1,000. */
function after(tail: BoardOp[]) {
  return { snapshotSeq: 1_000, head: 1_000 + tail.length, tailWeight: tail.reduce((w, op) => w + opWeight(op), 0) };
}

describe("joinShouldCompact", () => {
  it("leaves a short tail of adds alone, and folds a long one", () => {
    expect(joinShouldCompact(after([]))).toBe(false);
    expect(joinShouldCompact(after(Array.from({ length: JOIN_COMPACT_AT_WEIGHT - 1 }, (_, i) => add(i))))).toBe(false);
    expect(joinShouldCompact(after(Array.from({ length: JOIN_COMPACT_AT_WEIGHT }, (_, i) => add(i))))).toBe(true);
  });

  it("folds as soon as the tail names enough items: one large erase, or a clear", () => {
    expect(joinShouldCompact(after([add(1), erase(JOIN_COMPACT_AT_NAMED - 1)]))).toBe(false);
    expect(joinShouldCompact(after([add(1), erase(JOIN_COMPACT_AT_NAMED)]))).toBe(true);
    expect(CLEAR_WEIGHT - 1).toBeGreaterThanOrEqual(JOIN_COMPACT_AT_NAMED);
    expect(joinShouldCompact(after([clear]))).toBe(true);
  });
});
