import { describe, expect, it } from "vitest";
import { peerSchema, presenceDeltaSchema, type Peer, type PresenceDelta } from "../../src/shared/protocol.js";
import { PresenceCoalescer, PresenceFeed, type PresenceFlush } from "../../src/server/realtime/presence-feed.js";
import { MemoryPresence, type PresenceRegistry, type PresenceWatcher } from "../../src/server/realtime/presence.js";
import { PresenceState } from "../../src/shared/client/presence-state.js";
import { manualTimers } from "../helpers/manual-timers.js";

function peer(sessionId: string, name = sessionId): Peer {
  return { sessionId: `s-${sessionId}-xxxx`.slice(0, 12).padEnd(8, "x"), clientId: `c-${sessionId}-client`, name, color: "#1971c2", node: "node1", readOnly: false };
}
const id = (s: string) => peer(s).sessionId;

/** A coalescer on a hand-driven clock. */
function harness(flushMs = 200) {
  const flushed: PresenceFlush[] = [];
  const { timers, setTimer, clearTimer, fire } = manualTimers();
  const coalescer = new PresenceCoalescer({ flushMs, deliver: (f) => flushed.push(f), setTimer, clearTimer });
  return { coalescer, flushed, timers, fire };
}

describe("PresenceCoalescer", () => {
  it("sends a board's joins of one window as one delta, once", () => {
    const { coalescer, flushed, timers, fire } = harness();
    for (const s of ["a", "b", "c"]) coalescer.joined("b1", peer(s));
    expect(flushed).toEqual([]);
    expect(timers.size).toBe(1);
    fire();
    expect(flushed).toEqual([{ boardId: "b1", delta: { joined: [peer("a"), peer("b"), peer("c")], left: [] } }]);
    expect(presenceDeltaSchema.safeParse(flushed[0].delta).success).toBe(true);
    expect(coalescer.pendingBoards).toBe(0);
    // Nothing pending: no timer, no empty delta.
    expect(timers.size).toBe(0);
    fire();
    expect(flushed).toHaveLength(1);
  });

  it("uses one timer for the node and flushes every board together, each board its own delta", () => {
    const { coalescer, flushed, timers, fire } = harness();
    coalescer.joined("b1", peer("a"));
    coalescer.joined("b2", peer("b"));
    coalescer.left("b3", id("c"));
    coalescer.joined("b1", peer("d"));
    expect(timers.size).toBe(1);
    fire();
    expect(flushed).toEqual([
      { boardId: "b1", delta: { joined: [peer("a"), peer("d")], left: [] } },
      { boardId: "b2", delta: { joined: [peer("b")], left: [] } },
      { boardId: "b3", delta: { joined: [], left: [id("c")] } },
    ]);
  });

  it("nets a session's changes within a window: the last one wins, each session appears once", () => {
    const { coalescer, flushed, fire } = harness();
    // join + renames → one joined with the last name
    coalescer.joined("b1", peer("a", "Ann"));
    coalescer.joined("b1", peer("a", "Anna"));
    coalescer.joined("b1", peer("a", "Annie"));
    // join + leave → only the leave, without the peer (a snapshot read in between may list it)
    coalescer.joined("b1", peer("b"));
    coalescer.left("b1", id("b"));
    // leave twice → once
    coalescer.left("b1", id("c"));
    coalescer.left("b1", id("c"));
    fire();
    expect(flushed).toHaveLength(1);
    expect(flushed[0].delta).toEqual({ joined: [peer("a", "Annie")], left: [id("b"), id("c")] });
  });

  it("starts a new window after a flush: a leave after an announced join is sent", () => {
    const { coalescer, flushed, fire } = harness();
    coalescer.joined("b1", peer("a"));
    fire();
    coalescer.joined("b1", peer("a", "renamed"));
    fire();
    coalescer.left("b1", id("a"));
    fire();
    expect(flushed.map((f) => f.delta)).toEqual([
      { joined: [peer("a")], left: [] },
      { joined: [peer("a", "renamed")], left: [] },
      { joined: [], left: [id("a")] },
    ]);
  });

  it("keeps a member's traffic linear: 40 joins in one window are one delta of 40 peers", () => {
    const { coalescer, flushed, fire } = harness();
    for (let i = 0; i < 40; i++) coalescer.joined("big", peer(`p${i}`));
    fire();
    expect(flushed).toHaveLength(1);
    expect(flushed[0].delta.joined).toHaveLength(40);
  });
});

/** A registry whose writes the test completes by hand, to order them against session ends. */
class ManualRegistry implements PresenceRegistry {
  readonly inner = new MemoryPresence();
  readonly waiting: Array<{ op: string; go: () => void; fail: (e: Error) => void }> = [];
  watcher: PresenceWatcher | null = null;
  private later(op: string, run: () => Promise<void>): Promise<void> {
    return new Promise((resolve, reject) => this.waiting.push({ op, go: () => void run().then(resolve), fail: reject }));
  }
  upsert(boardId: string, p: Peer) {
    return this.later(`upsert ${p.sessionId}`, () => this.inner.upsert(boardId, p));
  }
  remove(boardId: string, sessionId: string) {
    return this.later(`remove ${sessionId}`, () => this.inner.remove(boardId, sessionId));
  }
  snapshot(boardId: string) {
    return this.inner.snapshot(boardId);
  }
  watch(w: PresenceWatcher) {
    this.watcher = w;
  }
  async close() {}
  next() {
    this.waiting.shift()!.go();
  }
}

describe("PresenceFeed", () => {
  /** A coalescer whose window the test closes (`flushed()`) before looking. */
  const flushNow = () => {
    const delivered: PresenceFlush[] = [];
    const coalescer = new PresenceCoalescer({ flushMs: 60_000, deliver: (f) => delivered.push(f) });
    const flushed = () => {
      coalescer.flushAll();
      return delivered;
    };
    return { flushed, coalescer };
  };

  it("announces a join only after the registry has it, and not at all if the session ended meanwhile", async () => {
    const registry = new ManualRegistry();
    const { flushed, coalescer } = flushNow();
    const feed = new PresenceFeed(registry, coalescer);
    let live = true;
    const joining = feed.upsert("b1", peer("a"), () => live);
    expect(flushed()).toEqual([]);
    registry.next();
    await joining;
    expect(flushed().map((f) => f.delta)).toEqual([{ joined: [peer("a")], left: [] }]);
    expect(await feed.snapshot("b1")).toEqual([peer("a")]);

    const renaming = feed.upsert("b1", peer("a", "late"), () => live);
    live = false;
    registry.next();
    await renaming;
    expect(flushed()).toHaveLength(1);
  });

  it("announces a leave even when the registry failed to remove it", async () => {
    const registry = new ManualRegistry();
    const { flushed, coalescer } = flushNow();
    const feed = new PresenceFeed(registry, coalescer);
    const leaving = feed.remove("b1", id("a"));
    registry.waiting.shift()!.fail(new Error("redis down"));
    await expect(leaving).rejects.toThrow("redis down");
    expect(flushed().map((f) => f.delta)).toEqual([{ joined: [], left: [id("a")] }]);
  });

  it("turns the registry's expiries and restorations into deltas", () => {
    const registry = new ManualRegistry();
    const { flushed, coalescer } = flushNow();
    new PresenceFeed(registry, coalescer);
    registry.watcher!.expired("b1", [id("x"), id("y")]);
    registry.watcher!.restored("b1", [peer("z")]);
    expect(flushed().map((f) => f.delta)).toEqual([{ joined: [peer("z")], left: [id("x"), id("y")] }]);
  });

  it("settles a drain: removes its sessions still listed, waits for the writes, then flushes", async () => {
    const registry = new MemoryPresence();
    const flushed: PresenceFlush[] = [];
    const coalescer = new PresenceCoalescer({ flushMs: 60_000, deliver: (f) => flushed.push(f) });
    const feed = new PresenceFeed(registry, coalescer);
    await feed.upsert("b1", peer("a"), () => true);
    await feed.upsert("b1", peer("b"), () => true);
    await feed.remove("b1", id("b"));
    await feed.upsert("b2", peer("c"), () => true);
    expect(flushed).toEqual([]);
    await feed.settle();
    expect(flushed).toEqual([
      { boardId: "b1", delta: { joined: [], left: [id("b"), id("a")] } },
      { boardId: "b2", delta: { joined: [], left: [id("c")] } },
    ]);
    expect(await registry.snapshot("b1")).toEqual([]);
  });
});

describe("PresenceState (client)", () => {
  const delta = (joined: Peer[], left: string[] = []): PresenceDelta => ({ joined, left });

  it("applies deltas on the snapshot: joined upserts by session (rename in place), left removes", () => {
    const s = new PresenceState();
    s.snapshot([peer("a"), peer("b")]);
    expect(s.delta(delta([peer("c")]))).toBe(true);
    expect(s.delta(delta([peer("a", "Ann")]))).toBe(true);
    expect(s.delta(delta([], [id("b")]))).toBe(true);
    expect(s.list()).toEqual([peer("a", "Ann"), peer("c")]);
  });

  it("is idempotent: a repeated join, or a leave of an unknown session, changes nothing", () => {
    const s = new PresenceState();
    s.snapshot([peer("a")]);
    expect(s.delta(delta([peer("a")]))).toBe(false);
    expect(s.delta(delta([], [id("nobody")]))).toBe(false);
    expect(s.list()).toEqual([peer("a")]);
  });

  it("holds deltas that arrive before the snapshot and applies them after it, in order", () => {
    const s = new PresenceState();
    expect(s.delta(delta([peer("x")]))).toBe(false);
    expect(s.delta(delta([], [id("a")]))).toBe(false);
    expect(s.delta(delta([peer("x", "X2")]))).toBe(false);
    expect(s.list()).toEqual([]);
    // The snapshot was read before a's leave and x's join reached the registry.
    s.snapshot([peer("a"), peer("b")]);
    expect(s.list()).toEqual([peer("b"), peer("x", "X2")]);
  });

  it("after a disconnect keeps showing the list, and waits for the next snapshot again", () => {
    const s = new PresenceState();
    s.snapshot([peer("a"), peer("b")]);
    s.disconnected();
    expect(s.hasSnapshot).toBe(false);
    expect(s.list()).toEqual([peer("a"), peer("b")]);
    expect(s.delta(delta([peer("c")]))).toBe(false);
    s.snapshot([peer("b")]);
    expect(s.list()).toEqual([peer("b"), peer("c")]);
  });

  it("peers and deltas satisfy the protocol's schemas", () => {
    expect(peerSchema.safeParse(peer("a")).success).toBe(true);
    expect(presenceDeltaSchema.safeParse(delta([peer("a")], [id("b")])).success).toBe(true);
    expect(presenceDeltaSchema.safeParse({ joined: [{ ...peer("a"), color: "red" }], left: [] }).success).toBe(false);
    expect(presenceDeltaSchema.safeParse({ joined: [], left: ["no spaces allowed"] }).success).toBe(false);
  });
});
