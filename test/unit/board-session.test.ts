/**
 * The headless client (src/shared/client) against a fake socket: the outbox's
 * resend and backoff rules, adoption of a closed tab's work, rollback, the ink
 * clock. Real parts throughout (outbox, sequencer, pacer, storage, the lock
 * logic); only the connection and the browser's lock manager are stand-ins.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BoardSession, type SessionOptions } from "../../src/shared/client/board-session.js";
import type { OutboxState } from "../../src/shared/client/outbox.js";
import { memoryStorage, type KeyValueStorage } from "../../src/shared/client/storage.js";
import { leasePresence, webLocksPresence } from "../../src/shared/client/tab-presence.js";
import type { BoardOp, Draft, SequencedOp } from "../../src/shared/protocol.js";
import { FakeLocks } from "../helpers/fake-locks.js";
import { FakeWire } from "../helpers/fake-wire.js";

const BOARD = "board-1";
const CLIENT = "client-aaaaaaaaaaaa";
let n = 0;
const id = () => `id-${String(++n).padStart(10, "0")}`;
function stroke(): BoardOp {
  return { type: "add", opId: id(), item: { kind: "stroke", id: id(), color: "#000000", width: 2, points: [0, 0, 1, 1] } };
}
function seqd(seq: number, op: BoardOp = stroke(), author = "someone-elseeeee"): SequencedOp {
  return { seq, op, author, at: 0 };
}

const sessions: BoardSession[] = [];
function session(extra: Partial<SessionOptions> = {}): { s: BoardSession; wires: FakeWire[]; wire: () => FakeWire } {
  const factory = FakeWire.factory();
  const s = new BoardSession({ boardId: BOARD, clientId: CLIENT, name: "t", wire: factory, outbox: { random: () => 0.5 }, ...extra });
  sessions.push(s);
  return { s, wires: factory.wires, wire: () => factory.wires.at(-1)! };
}
/** Lets promise callbacks (lock grants) run. */
const settle = () => vi.advanceTimersByTimeAsync(0);

/** A started session on a node whose ink clock ticks every `periodMs`, its first clock answer in (same clocks, no trip), and a draft to send. */
async function pacedOnInkClock(periodMs: number): Promise<{ s: BoardSession; w: FakeWire; draft: Draft }> {
  const { s, wire } = session();
  s.start();
  const w = wire();
  w.connect({ ink: { periodMs } });
  await settle();
  w.calls.find((c) => c.event === "clock")!.answer({ now: Date.now(), ink: { periodMs } });
  await settle();
  return { s, w, draft: { itemId: "item-0000001", color: "#000000", width: 2, from: 0, points: [1, 1] } };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(1_000_000);
});
afterEach(() => {
  for (const s of sessions.splice(0)) s.dispose();
  vi.useRealTimers();
});

describe("BoardSession outbox", () => {
  it("resends an unacknowledged op exactly once after a reconnect, and never after its ack", () => {
    const { s, wire } = session();
    s.start();
    const w = wire();
    w.connect();
    const op = stroke();
    s.submit(op);
    expect(w.opIds()).toEqual([op.opId]);
    w.drop();
    // The answer to the old session's send arrives late: ignored.
    w.openOps()[0].answer({ ok: true, seq: 1, duplicate: false });
    expect(s.outbox.size).toBe(1);
    w.connect();
    expect(w.opIds()).toEqual([op.opId, op.opId]);
    w.openOps()[0].answer({ ok: true, seq: 1, duplicate: false });
    expect(s.outbox.size).toBe(0);
    w.drop();
    w.connect();
    expect(w.opIds()).toEqual([op.opId, op.opId]);
  });

  it("keeps ops made offline and sends each once when welcomed", () => {
    const { s, wire } = session();
    const events: OutboxState[] = [];
    s.on("outbox", (st) => events.push(st));
    s.start();
    const ops = [stroke(), stroke(), stroke()];
    for (const op of ops) s.submit(op);
    expect(events.at(-1)).toEqual({ unsent: 3, adopted: 0, held: null, stored: true });
    wire().connect();
    expect(wire().opIds()).toEqual(ops.map((o) => o.opId));
  });

  it("confirms an op seen in the sequenced stream under the server-issued client id", () => {
    const { s, wire } = session();
    s.start();
    const w = wire();
    w.connect({ self: { clientId: "issued-by-server-1" } });
    expect(s.clientId).toBe("issued-by-server-1");
    // The handshake still carries the stored id.
    expect(w.handshakes[0].clientId).toBe(CLIENT);
    const op = stroke();
    s.submit(op);
    w.deliver("ops", [seqd(1, op, "issued-by-server-1")]);
    expect(s.outbox.size).toBe(0);
  });

  it("retries transient refusals with per-op backoff that no new op bypasses", async () => {
    const { s, wire } = session();
    const states: OutboxState[] = [];
    s.on("outbox", (st) => states.push(st));
    s.start();
    const w = wire();
    w.connect();
    const first = stroke();
    s.submit(first);
    w.openOps()[0].answer({ ok: false, error: { code: "rate_limited", message: "slow down" } });
    expect(states.at(-1)).toMatchObject({ unsent: 1, held: "rate_limited" });
    // New ops queue behind the op in backoff: they neither leave nor wake it early.
    const later = [stroke(), stroke()];
    for (const op of later) s.submit(op);
    expect(w.opIds()).toEqual([first.opId]);
    await vi.advanceTimersByTimeAsync(999);
    expect(w.opIds()).toEqual([first.opId]);
    await vi.advanceTimersByTimeAsync(1);
    // One resend, alone (the window shrank to one).
    expect(w.opIds()).toEqual([first.opId, first.opId]);
    w.openOps()[0].answer({ ok: false, error: { code: "storage_full", message: "full" } });
    expect(states.at(-1)?.held).toBe("storage_full");
    // The second step is twice as long.
    await vi.advanceTimersByTimeAsync(1_999);
    expect(w.opIds()).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(w.opIds()).toEqual([first.opId, first.opId, first.opId]);
    w.openOps()[0].answer({ ok: true, seq: 1, duplicate: false });
    // Accepted: the window grows back and the queue moves.
    expect(w.opIds().slice(3)).toEqual(later.map((o) => o.opId));
    for (const c of w.openOps()) c.answer({ ok: true, seq: 2, duplicate: false });
    expect(states.at(-1)).toEqual({ unsent: 0, adopted: 0, held: null, stored: true });
  });

  it("treats a missing ack like a transient refusal", async () => {
    const { s, wire } = session();
    s.start();
    const w = wire();
    w.connect();
    const op = stroke();
    s.submit(op);
    w.openOps()[0].timeOut();
    expect(s.outbox.state().held).toBe("timeout");
    await vi.advanceTimersByTimeAsync(1_000);
    expect(w.opIds()).toEqual([op.opId, op.opId]);
  });

  it("drops an op refused for good and says so in plain words", () => {
    const { s, wire } = session();
    const problems: string[] = [];
    s.on("problem", (p) => problems.push(p.message));
    s.start();
    const w = wire();
    w.connect();
    s.submit(stroke());
    w.openOps()[0].answer({ ok: false, error: { code: "board_full", message: "full" } });
    expect(s.outbox.size).toBe(0);
    expect(problems).toEqual([expect.stringContaining("This board is full")]);
  });

  it("drains a refused backlog at a bounded rate: each op sent once per backoff step", async () => {
    const { s, wire } = session({ outbox: { random: () => 0.5, window: 8 } });
    s.start();
    const ops = Array.from({ length: 40 }, stroke);
    for (const op of ops) s.submit(op);
    const w = wire();
    w.connect();
    expect(w.opIds()).toHaveLength(8);
    for (const c of w.openOps()) c.answer({ ok: false, error: { code: "rate_limited", message: "" } });
    expect(w.openOps()).toHaveLength(0);
    // Every step: answer what is open (accepting one op in two), then let the backoffs run.
    let seq = 0;
    for (let round = 0; round < 200 && s.outbox.size > 0; round++) {
      const open = w.openOps();
      expect(open.length).toBeLessThanOrEqual(8);
      open.forEach((c, i) => c.answer(i % 2 === 0 ? { ok: true, seq: ++seq, duplicate: false } : { ok: false, error: { code: "rate_limited", message: "" } }));
      if (!w.openOps().length) await vi.advanceTimersByTimeAsync(1_000);
    }
    expect(s.outbox.size).toBe(0);
    // No op left more often than its refusals allow: sends = refusals + 1.
    const sends = new Map<string, number>();
    for (const opId of w.opIds()) sends.set(opId, (sends.get(opId) ?? 0) + 1);
    expect(sends.size).toBe(40);
    // Each op is refused at most a few times here (one ack in two succeeds): a storm would show as dozens.
    expect(Math.max(...sends.values())).toBeLessThan(10);
  });
});

describe("BoardSession across tabs", () => {
  function tab(storage: KeyValueStorage, locks: FakeLocks, tabId: string) {
    return session({ storage, tabs: webLocksPresence(locks), tabId });
  }

  /** A tab ("tab-closed") that made one op offline and closed: its lock went, its record stays. */
  async function closedTabWithWork() {
    const storage = memoryStorage();
    const locks = new FakeLocks();
    const closed = tab(storage, locks, "tab-closed");
    closed.s.start();
    await settle();
    const op = stroke();
    closed.s.submit(op); // offline: never connected
    closed.s.dispose();
    await settle();
    return { storage, locks, op };
  }

  it("adopts at once, on start, the work of a tab that is gone", async () => {
    const { storage, locks, op } = await closedTabWithWork();

    const next = tab(storage, locks, "tab-next");
    const adopted: BoardOp[][] = [];
    const badge: OutboxState[] = [];
    next.s.on("adopted", (ops) => adopted.push(ops));
    next.s.on("outbox", (st) => badge.push(st));
    next.s.start();
    await settle();
    expect(adopted).toEqual([[op]]);
    expect(badge.at(-1)).toEqual({ unsent: 1, adopted: 1, held: null, stored: true });
    expect([...storage.map.keys()]).toEqual([`meshboard:outbox:${BOARD}:tab-next`]);
    next.wire().connect();
    expect(next.wire().opIds()).toEqual([op.opId]);
  });

  it("leaves a live tab's work alone and adopts it the moment that tab closes", async () => {
    const storage = memoryStorage();
    const locks = new FakeLocks();
    const open = tab(storage, locks, "tab-open");
    open.s.start();
    await settle();
    const op = stroke();
    open.s.submit(op);
    // A page opened while the other tab lives: its record is not orphaned.
    const late = tab(storage, locks, "tab-late");
    late.s.start();
    await settle();
    expect(late.s.outbox.size).toBe(0);
    expect(open.s.outbox.size).toBe(1);
    open.s.dispose();
    await settle();
    expect(late.s.outbox.ops()).toEqual([op]);
  });

  it("without Web Locks, adopts a tab's work once its heartbeat lease has run out", async () => {
    const storage = memoryStorage();
    const gone = session({ storage, tabs: leasePresence(storage), tabId: "tab-gone" });
    gone.s.start();
    const op = stroke();
    gone.s.submit(op);
    const watcher = session({ storage, tabs: leasePresence(storage), tabId: "tab-watcher" });
    watcher.s.start();
    await settle();
    expect(watcher.s.outbox.size).toBe(0);
    gone.s.dispose(); // its heartbeat stops
    await vi.advanceTimersByTimeAsync(29_000);
    expect(watcher.s.outbox.size).toBe(0);
    await vi.advanceTimersByTimeAsync(11_000);
    expect(watcher.s.outbox.ops()).toEqual([op]);
    expect([...storage.map.keys()].filter((k) => k.includes("tab-gone"))).toEqual([]);
  });

  it("says when storage refuses its record, and leaves a gone tab's record until its own holds the ops", async () => {
    const { storage, locks, op } = await closedTabWithWork();

    // The quota is used up: every write is refused from now on.
    let full = true;
    const quota: KeyValueStorage = { ...storage, write: (key, value) => !full && storage.write(key, value) };
    const next = tab(quota, locks, "tab-next");
    const states: OutboxState[] = [];
    next.s.on("outbox", (st) => states.push(st));
    next.s.start();
    await settle();
    expect(next.s.outbox.ops()).toEqual([op]);
    expect(states.at(-1)).toMatchObject({ unsent: 1, stored: false });
    // The gone tab's record is still the only durable copy: it stays.
    expect([...storage.map.keys()]).toEqual([`meshboard:outbox:${BOARD}:tab-closed`]);
    const mine = stroke();
    next.s.submit(mine);
    expect(states.at(-1)).toMatchObject({ unsent: 2, stored: false });

    full = false;
    const more = stroke();
    next.s.submit(more);
    expect(states.at(-1)).toMatchObject({ unsent: 3, stored: true });
    // Ours holds them all now: the gone tab's record goes.
    expect([...storage.map.keys()]).toEqual([`meshboard:outbox:${BOARD}:tab-next`]);
    expect(JSON.parse(storage.map.get(`meshboard:outbox:${BOARD}:tab-next`)!)).toEqual({ ops: [op, mine, more] });
  });

  it("restores its own record after a reload of the same tab", async () => {
    const storage = memoryStorage();
    const locks = new FakeLocks();
    const before = tab(storage, locks, "tab-1");
    before.s.start();
    const op = stroke();
    before.s.submit(op);
    before.s.dispose();
    await settle();
    const after = tab(storage, locks, "tab-1");
    after.s.start();
    expect(after.s.outbox.ops()).toEqual([op]);
  });
});

describe("BoardSession stream", () => {
  /** A session that has applied ops 1..`seqs`, then lost its connection; what it reports is recorded. */
  function reconnecting(seqs: number) {
    const { s, wire } = session();
    const rollbacks: unknown[] = [];
    const problems: string[] = [];
    s.on("rollback", (r) => rollbacks.push(r));
    s.on("problem", (p) => problems.push(p.message));
    s.start();
    const w = wire();
    w.connect({ head: seqs });
    w.deliver("ops", Array.from({ length: seqs }, (_, i) => seqd(i + 1)));
    expect(s.head).toBe(seqs);
    w.drop();
    return { s, w, rollbacks, problems };
  }

  it("starts over when the server rolls back (welcome.from 0)", () => {
    const { s, w, rollbacks, problems } = reconnecting(3);
    w.connect({ head: 2, from: 0 });
    expect(w.handshakes[1]).toMatchObject({ lastSeq: 3, lastOpId: expect.any(String) });
    expect(rollbacks).toEqual([{ from: 0, serverHead: 2, clientHead: 3 }]);
    expect(problems).toEqual(["The board was reset on the server; reloading it."]);
    expect(s.head).toBe(0);
    w.deliver("ops", [seqd(1), seqd(2)]);
    expect(s.head).toBe(2);
    expect(s.model.visibleIds()).toHaveLength(2);
  });

  it("keeps its board when live ops arrive between the handshake and the welcome", () => {
    const { s, w, rollbacks, problems } = reconnecting(2);
    // The node reads the head (3) after joining the room; ops 3 and 4 reach the client first.
    w.connect({ head: 3, from: 2 }, () => w.deliver("ops", [seqd(3), seqd(4)]));
    expect(w.handshakes[1]).toMatchObject({ lastSeq: 2 });
    expect(rollbacks).toEqual([]);
    expect(problems).toEqual([]);
    expect(s.head).toBe(4);
    expect(s.model.visibleIds()).toHaveLength(4);
  });

  it("ops that came before a welcome that never came are not part of the next handshake's history", () => {
    const { s, w } = reconnecting(2);
    w.open();
    w.deliver("ops", [seqd(3)]);
    w.drop();
    w.connect();
    expect(w.handshakes.map((h) => h.lastSeq)).toEqual([0, 2, 2]);
    expect(s.head).toBe(2);
  });

  it("starting over keeps the live ops that came before the welcome, past the head it reports", () => {
    const { s, w, rollbacks } = reconnecting(3);
    // The store lost seq 3; the node read head 4 after joining the room, and op 5 came live first.
    w.connect({ head: 4, from: 0 }, () => w.deliver("ops", [seqd(5)]));
    expect(rollbacks).toHaveLength(1);
    w.deliver("ops", [seqd(1), seqd(2), seqd(3), seqd(4)]);
    expect(s.head).toBe(5);
  });

  it("starts over from a compacted board's snapshot without calling it a reset", () => {
    const { s, w, rollbacks, problems } = reconnecting(1);
    w.connect({ head: 9, from: 0, snapshot: 8 });
    expect(rollbacks).toEqual([{ from: 0, serverHead: 9, clientHead: 1 }]);
    expect(problems).toEqual([]);
    expect(s.head).toBe(0);
  });

  it("asks for the missing ops when the stream has a gap", async () => {
    const { s, wire } = session();
    s.start();
    const w = wire();
    w.connect();
    w.deliver("ops", [seqd(1), seqd(3)]);
    expect(s.head).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    const sync = w.calls.find((c) => c.event === "sync");
    expect(sync?.payload).toEqual({ since: 1 });
    sync!.answer({ ops: [seqd(2)], head: 3, more: false });
    expect(s.head).toBe(3);
  });

  it("reads the server's clock and sends live ink on its ticks", async () => {
    const { s, wire } = session();
    s.start();
    const w = wire();
    w.connect({ ink: { periodMs: 50 } });
    const draft = { itemId: "item-0000001", color: "#000000", width: 2, from: 0, points: [1, 1] };
    // Before a reading, ink leaves at once.
    s.sendDraft(draft);
    expect(w.sent.filter((m) => m.event === "draft")).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(0);
    const ask = w.calls.find((c) => c.event === "clock")!;
    // The server is 120 ms ahead; the answer is instant (no trip).
    ask.answer({ now: Date.now() + 120 });
    await settle();
    vi.setSystemTime(2_000_007);
    s.sendDraft({ ...draft, from: 1 });
    s.sendDraft({ ...draft, from: 2 });
    expect(w.sent.filter((m) => m.event === "draft")).toHaveLength(1);
    // Server time 2_000_127: next tick at 2_000_150, i.e. 2_000_030 here; the two drafts merged.
    await vi.advanceTimersByTimeAsync(22);
    expect(w.sent.filter((m) => m.event === "draft")).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    const drafts = w.sent.filter((m) => m.event === "draft");
    expect(drafts).toHaveLength(2);
    expect(drafts[1].payload).toMatchObject({ from: 1, points: [1, 1, 1, 1] });
  });

  it("follows the node's tick as clock answers announce it (the tick follows the node's ink work)", async () => {
    // Same clocks, no trip: ticks on multiples of 40 ms here.
    const { s, w, draft } = await pacedOnInkClock(40);
    vi.setSystemTime(3_000_001);
    s.sendDraft(draft);
    await vi.advanceTimersByTimeAsync(38);
    expect(w.sent.filter((m) => m.event === "draft")).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(w.sent.filter((m) => m.event === "draft")).toHaveLength(1);
    // The node went idle: its next answer (a second later) announces a 5 ms tick.
    await vi.advanceTimersByTimeAsync(1_000);
    const second = w.calls.filter((c) => c.event === "clock")[1];
    second.answer({ now: Date.now(), ink: { periodMs: 5 } });
    await settle();
    vi.setSystemTime(3_002_001);
    s.sendDraft({ ...draft, from: 1 });
    await vi.advanceTimersByTimeAsync(3);
    expect(w.sent.filter((m) => m.event === "draft")).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(w.sent.filter((m) => m.event === "draft")).toHaveLength(2);
  });

  it("follows a tick the node announces (`ink`) at once, without waiting for a clock answer", async () => {
    const { s, w, draft } = await pacedOnInkClock(5);
    // The node got busy: 33 ms ticks, announced to every session on it.
    w.deliver("ink", { periodMs: 33 });
    vi.setSystemTime(3_300_001);
    s.sendDraft(draft);
    await vi.advanceTimersByTimeAsync(31);
    expect(w.sent.filter((m) => m.event === "draft")).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(w.sent.filter((m) => m.event === "draft")).toHaveLength(1);
  });

  it("leaves its own drafts and cursors out of what it reports", () => {
    const { s, wire } = session();
    const seen: string[] = [];
    s.on("drafts", (b) => seen.push(...b.map((d) => d.sessionId)));
    s.on("cursors", (b) => seen.push(...b.map((c) => c.sessionId)));
    s.start();
    const w = wire();
    const me = w.connect().sessionId;
    const draft = { itemId: "item-0000001", color: "#000000", width: 2, from: 0, points: [1, 1] };
    w.deliver("drafts", [{ ...draft, sessionId: me }, { ...draft, sessionId: "other-session" }]);
    w.deliver("cursors", [{ sessionId: me, cursor: { x: 1, y: 1 } }, { sessionId: "other-session", cursor: null }]);
    expect(seen).toEqual(["other-session", "other-session"]);
  });

  it("emits nothing before start", () => {
    const storage = memoryStorage();
    storage.write(`meshboard:outbox:${BOARD}:tab-x`, JSON.stringify({ ops: [stroke()] }));
    const { s } = session({ storage, tabId: "tab-x" });
    const heard: string[] = [];
    s.on("outbox", () => heard.push("outbox"));
    expect(heard).toEqual([]);
    s.start();
    expect(heard).toEqual(["outbox"]);
  });
});

describe("BoardSession on a compacted board (protocol 3)", () => {
  it("replaces its board with the snapshot's pages, then applies the ops after it, buffered ones included", () => {
    const { s, wire } = session();
    const snapshots: unknown[] = [];
    s.on("snapshot", (e) => snapshots.push(e));
    s.start();
    const w = wire();
    w.connect({ head: 12, from: 0, snapshot: 10 });
    const kept = stroke() as BoardOp & { type: "add" };
    const erased = stroke() as BoardOp & { type: "add" };
    // An op after the snapshot may overtake the last page (live traffic): it waits.
    w.deliver("ops", [seqd(12)]);
    w.deliver("snapshot", { seq: 10, opId: "op-at-ten-xx", items: [{ item: kept.item, author: "a-author-xxxx", seq: 3, visible: true }], last: false });
    expect(s.head).toBe(0);
    w.deliver("snapshot", { seq: 10, opId: "op-at-ten-xx", items: [{ item: erased.item, author: "a-author-xxxx", seq: 7, visible: false }], last: true });
    expect(snapshots).toEqual([{ seq: 10, items: 2 }]);
    expect(s.head).toBe(10);
    w.deliver("ops", [seqd(11, { type: "restore", opId: id(), itemIds: [erased.item.id] })]);
    expect(s.head).toBe(12);
    expect(s.model.visibleIds()).toEqual([kept.item.id, erased.item.id, expect.any(String)]);
    // The next handshake proves the history it holds with the snapshot's opId chain.
    w.drop();
    w.connect();
    expect(w.handshakes.at(-1)?.lastSeq).toBe(12);
  });
});
