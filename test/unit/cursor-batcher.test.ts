import { describe, expect, it } from "vitest";
import { CursorBatcher } from "../../src/server/realtime/cursor-batcher.js";
import type { PeerCursor } from "../../src/shared/protocol.js";
import { manualTimers } from "../helpers/manual-timers.js";

function harness(now = 1_000_000) {
  const sent: Array<{ boardId: string; cursors: PeerCursor[] }> = [];
  const delays: number[] = [];
  const { timers, setTimer, clearTimer, fire } = manualTimers();
  const batcher = new CursorBatcher({
    periodMs: 40,
    phaseMs: 10,
    now: () => now,
    deliver: (boardId, cursors) => sent.push({ boardId, cursors }),
    setTimer: (fn, ms) => (delays.push(ms), setTimer(fn)),
    clearTimer,
  });
  return { batcher, sent, delays, timers, fire };
}

describe("CursorBatcher", () => {
  it("sends each board's latest cursor per session once per tick, on the tick's lag", () => {
    const { batcher, sent, delays, timers, fire } = harness(1_000_005);
    batcher.move("b1", "alice", { x: 1, y: 1 });
    batcher.move("b1", "bob", { x: 5, y: 5 });
    batcher.move("b1", "alice", { x: 2, y: 2 });
    batcher.move("b2", "carol", null);
    expect(sent).toEqual([]);
    expect(timers.size).toBe(1);
    expect(delays).toEqual([5]); // the tick 1_000_000's flush is at 1_000_010
    fire();
    expect(sent).toEqual([
      { boardId: "b1", cursors: [{ sessionId: "alice", cursor: { x: 2, y: 2 } }, { sessionId: "bob", cursor: { x: 5, y: 5 } }] },
      { boardId: "b2", cursors: [{ sessionId: "carol", cursor: null }] },
    ]);
    // Nothing moves: nothing is sent, no timer runs.
    expect(timers.size).toBe(0);
  });
});
