import { describe, expect, it } from "vitest";
import type { PeerDraft } from "../../src/shared/protocol.js";
import { DraftBatcher, deliverDrafts, type DraftFlush } from "../../src/server/realtime/draft-batcher.js";
import { CONGESTED_ROOM } from "../../src/server/realtime/slow-clients.js";
import type { MeshServer, MeshSocket } from "../../src/server/realtime/types.js";
import { manualTimers } from "../helpers/manual-timers.js";

function draft(sessionId: string, from: number, points: number[], itemId = `item-${sessionId}-1`): PeerDraft {
  return { sessionId, itemId, color: "#1e1e1e", width: 2, from, points, t: 1000 + from };
}

/** A batcher on hand-driven timers, its clock 20 ms before a tick (too early for an early flush). */
function harness() {
  const flushed: Array<DraftFlush<string>> = [];
  const { timers, setTimer, clearTimer, fire } = manualTimers();
  const batcher = new DraftBatcher<string>({ flushMs: 40, phaseMs: 10, now: () => 1_000_020, deliver: (f) => flushed.push(f), setTimer, clearTimer });
  return { batcher, flushed, timers, fire };
}

describe("DraftBatcher", () => {
  it("holds a board's drafts until the flush, then delivers them once", () => {
    const { batcher, flushed, timers, fire } = harness();
    batcher.add("b1", draft("alice", 0, [1, 1]), "sock-a");
    batcher.add("b1", draft("bob", 0, [5, 5]), "sock-b");
    expect(flushed).toHaveLength(0);
    expect(timers.size).toBe(1);
    fire();
    expect(flushed).toHaveLength(1);
    expect(flushed[0].boardId).toBe("b1");
    expect(flushed[0].drafts.map((d) => d.sessionId)).toEqual(["alice", "bob"]);
    expect([...flushed[0].senders]).toEqual([
      ["alice", "sock-a"],
      ["bob", "sock-b"],
    ]);
    expect(batcher.pendingBoards).toBe(0);
  });

  it("keeps boards apart, flushing them together on one timer", () => {
    const { batcher, flushed, timers, fire } = harness();
    batcher.add("b1", draft("alice", 0, [1, 1]), "a");
    batcher.add("b2", draft("carol", 0, [2, 2]), "c");
    expect(timers.size).toBe(1);
    fire();
    expect(flushed.map((f) => [f.boardId, f.drafts.length])).toEqual([
      ["b1", 1],
      ["b2", 1],
    ]);
  });

  it("merges contiguous drafts of one item into one draft, keeping the first sample time", () => {
    const { batcher, flushed, fire } = harness();
    const first = draft("alice", 0, [1, 1]);
    batcher.add("b1", first, "a");
    batcher.add("b1", draft("alice", 1, [2, 2]), "a");
    batcher.add("b1", draft("alice", 2, [3, 3, 4, 4]), "a");
    fire();
    expect(flushed[0].drafts).toEqual([{ ...first, points: [1, 1, 2, 2, 3, 3, 4, 4] }]);
    // The caller's object is not modified.
    expect(first.points).toEqual([1, 1]);
  });

  it("does not merge across a gap, another item or another session", () => {
    const { batcher, flushed, fire } = harness();
    batcher.add("b1", draft("alice", 0, [1, 1]), "a");
    batcher.add("b1", draft("alice", 2, [3, 3]), "a"); // point 1 was lost
    batcher.add("b1", draft("alice", 0, [9, 9], "item-alice-2"), "a");
    batcher.add("b1", draft("bob", 3, [7, 7], "item-alice-2"), "b");
    fire();
    expect(flushed[0].drafts.map((d) => [d.sessionId, d.itemId, d.from, d.points.length])).toEqual([
      ["alice", "item-alice-1", 0, 2],
      ["alice", "item-alice-1", 2, 2],
      ["alice", "item-alice-2", 0, 2],
      ["bob", "item-alice-2", 3, 2],
    ]);
  });

  it("starts a new batch after a flush", () => {
    const { batcher, flushed, fire } = harness();
    batcher.add("b1", draft("alice", 0, [1, 1]), "a");
    fire();
    batcher.add("b1", draft("alice", 1, [2, 2]), "a");
    fire();
    expect(flushed.map((f) => f.drafts[0].from)).toEqual([0, 1]);
  });

  it("flushAll delivers every waiting board", () => {
    const { batcher, flushed, timers } = harness();
    batcher.add("b1", draft("alice", 0, [1, 1]), "a");
    batcher.add("b2", draft("bob", 0, [1, 1]), "b");
    batcher.flushAll();
    expect(flushed).toHaveLength(2);
    expect(timers.size).toBe(0);
  });
});

/** Records what deliverDrafts asks of Socket.IO. */
function fakeIo() {
  const emitted: Array<{ to: string; except: string[]; event: string; payload: unknown }> = [];
  const io = {
    to: (to: string) => ({
      except: (except: string | string[]) => ({
        emit: (event: string, payload: unknown) => emitted.push({ to, except: [except].flat(), event, payload }),
      }),
    }),
  } as unknown as MeshServer;
  // A sender's own emits are recorded too: none are expected (one message per flush, to the room).
  const socket = (id: string) => ({ id, emit: (event: string, payload: unknown) => emitted.push({ to: id, except: [], event, payload }) }) as unknown as MeshSocket;
  return { io, emitted, socket };
}

describe("deliverDrafts", () => {
  const a1 = draft("alice", 0, [1, 1]);
  const b1 = draft("bob", 0, [5, 5]);

  it("one sender's drafts: one `drafts` to everyone but that sender", () => {
    const { io, emitted, socket } = fakeIo();
    const a2 = draft("alice", 0, [2, 2], "item-alice-2");
    deliverDrafts(io, { boardId: "b1", drafts: [a1, a2], senders: new Map([["alice", socket("sa")]]) });
    expect(emitted).toEqual([{ to: "board:b1", except: [CONGESTED_ROOM, "sa"], event: "drafts", payload: [a1, a2] }]);
  });

  it("several senders' drafts: one `drafts` to the whole room, senders included (they skip their own)", () => {
    const { io, emitted, socket } = fakeIo();
    const senders = new Map([
      ["alice", socket("sa")],
      ["bob", socket("sb")],
    ]);
    deliverDrafts(io, { boardId: "b1", drafts: [a1, b1], senders });
    // One message, one encoding; congested members go without (the room's except), senders as anyone.
    expect(emitted).toEqual([{ to: "board:b1", except: [CONGESTED_ROOM], event: "drafts", payload: [a1, b1] }]);
  });

  it("a flush of one is a plain `draft`", () => {
    const { io, emitted, socket } = fakeIo();
    deliverDrafts(io, { boardId: "b1", drafts: [a1], senders: new Map([["alice", socket("sa")]]) });
    expect(emitted).toEqual([{ to: "board:b1", except: [CONGESTED_ROOM, "sa"], event: "draft", payload: a1 }]);
  });
});

describe("DraftBatcher on the ink clock", () => {
  it("flushes at the tick's lag, whenever the first draft arrives", () => {
    const delays: number[] = [];
    let now = 1_000_000; // a multiple of 40
    const batcher = new DraftBatcher<string>({
      flushMs: 40,
      phaseMs: 6,
      now: () => now,
      deliver: () => undefined,
      setTimer: (fn, ms) => {
        delays.push(ms);
        return fn;
      },
      clearTimer: () => undefined,
    });
    for (const [at, expected] of [
      [1_000_000, 6], // on the tick: its flush is 6 ms later
      [1_000_005, 1],
      [1_000_006, 40], // just flushed: the next tick's
      [1_000_039, 7],
    ]) {
      now = at;
      batcher.add("b1", draft("alice", 0, [1, 1]), "a");
      batcher.flushAll();
      expect(delays.pop(), `first draft at ${at}`).toBe(expected);
    }
  });
});

describe("DraftBatcher early flush on the ink clock", () => {
  /** Period 40, lag 10: tick 1_000_000's drafts may arrive until 1_000_010, when the timer flushes them. */
  function clocked() {
    let now = 0;
    const flushed: Array<{ at: number; sessions: string[] }> = [];
    let timer: (() => void) | null = null;
    const batcher = new DraftBatcher<string>({
      flushMs: 40,
      phaseMs: 10,
      now: () => now,
      deliver: (f) => flushed.push({ at: now, sessions: f.drafts.map((d) => d.sessionId) }),
      setTimer: (fn) => (timer = fn),
      clearTimer: () => (timer = null),
    });
    const at = (t: number) => (now = t);
    const fireTimer = () => {
      const fn = timer;
      timer = null;
      fn?.();
    };
    return { batcher, flushed, at, fireTimer };
  }

  it("flushes a board as soon as everyone who drew last tick has sent for this one", () => {
    const { batcher, flushed, at, fireTimer } = clocked();
    // Tick 1_000_000: alice and bob draw; nobody is expected yet, so the timer flushes them.
    at(1_000_001);
    batcher.add("b1", draft("alice", 0, [1, 1]), "a");
    batcher.add("b1", draft("bob", 0, [5, 5]), "b");
    expect(flushed).toHaveLength(0);
    at(1_000_010);
    fireTimer();
    expect(flushed).toEqual([{ at: 1_000_010, sessions: ["alice", "bob"] }]);
    // Tick 1_000_040: both expected; the board leaves the moment bob's draft is in.
    at(1_000_039);
    batcher.add("b1", draft("alice", 1, [2, 2]), "a");
    expect(flushed).toHaveLength(1);
    at(1_000_040);
    batcher.add("b1", draft("bob", 1, [6, 6]), "b");
    expect(flushed[1]).toEqual({ at: 1_000_040, sessions: ["alice", "bob"] });
  });

  it("waits for the lag when someone expected is missing, or when the tick is not near yet", () => {
    const { batcher, flushed, at, fireTimer } = clocked();
    at(1_000_001);
    batcher.add("b1", draft("alice", 0, [1, 1]), "a");
    batcher.add("b1", draft("bob", 0, [5, 5]), "b");
    at(1_000_010);
    fireTimer();
    // Bob lifted his pen: alice alone waits for the timer.
    at(1_000_040);
    batcher.add("b1", draft("alice", 1, [2, 2]), "a");
    expect(flushed).toHaveLength(1);
    at(1_000_050);
    fireTimer();
    expect(flushed[1]).toEqual({ at: 1_000_050, sessions: ["alice"] });
    // Only alice is expected now, but her draft comes 20 ms before the tick (not paced): it waits.
    at(1_000_060);
    batcher.add("b1", draft("alice", 2, [3, 3]), "a");
    expect(flushed).toHaveLength(2);
    at(1_000_090);
    fireTimer();
    expect(flushed[2]).toEqual({ at: 1_000_090, sessions: ["alice"] });
  });
});
