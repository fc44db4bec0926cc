/**
 * Per-board batching of in-progress ink. A watcher's cost is paid per message
 * (balancer, WebSocket, Socket.IO, Redis), not per point, so drafts arriving on
 * this node for one board wait for the next flush and leave together. Flushes
 * follow the ink clock: clients send on its ticks, the node flushes a short lag
 * after each (docs/protocol.md, "Live ink"). Drafts of one item from one session
 * that follow each other are merged into a single draft (more points, the first
 * one's sample time).
 *
 * One timer serves every board of the node: all boards flush together, so the
 * node, the balancer and Redis see one burst of writes per tick instead of a
 * wake-up per board (on a loaded machine, wake-ups cost more than bytes).
 */
import { continuesDraft } from "../../shared/draft-merge.js";
import { nextTick } from "../../shared/ink-clock.js";
import { previewSlot, type PeerDraft, type PeerPreview } from "../../shared/protocol.js";
import { CONGESTED_ROOM } from "./slow-clients.js";
import { boardRoom, type BoardFanout, type MeshSocket } from "./types.js";
import { FlushTimer, type TimerHooks } from "./flush-timer.js";

export interface DraftFlush<S> {
  boardId: string;
  /** In arrival order; contiguous drafts of one item merged. */
  drafts: PeerDraft[];
  /** Local sockets whose drafts are in the batch, by session id: they must not get their own back. */
  senders: ReadonlyMap<string, S>;
  /**
   * Live previews of the tick (shapes, moves, texts, selections): each author's
   * latest per kind. Absent when there are none.
   */
  previews?: PeerPreview[];
}

export interface DraftBatcherOptions<S> extends TimerHooks {
  /** The ink clock's period: the node flushes once per tick. */
  flushMs: number;
  /** Each tick's flush is `phaseMs` past a multiple of `flushMs` on the wall clock (the tick's lag). */
  phaseMs: number;
  deliver(flush: DraftFlush<S>): void;
  /** Injected in tests (with the timers). */
  now?: () => number;
}

/** A board's drafts waiting for a flush. */
export interface PendingDrafts<S> {
  drafts: PeerDraft[];
  senders: Map<string, S>;
  /** Per session, the index of its last draft in `drafts`. */
  last: Map<string, number>;
  /** Live previews by author and kind: the latest replaces the one before. */
  previews: Map<string, PeerPreview>;
}

/**
 * The drafts waiting on this node, per board, contiguous drafts of one item
 * from one session merged into one (more points, the first one's sample time).
 */
export class BoardDrafts<S> {
  private readonly boards = new Map<string, PendingDrafts<S>>();

  /** Boards with drafts waiting. */
  get size(): number {
    return this.boards.size;
  }

  /** Adds a draft to its board's batch; returns the batch. */
  add(boardId: string, draft: PeerDraft, sender: S): PendingDrafts<S> {
    const pending = this.pendingFor(boardId);
    pending.senders.set(draft.sessionId, sender);
    const index = pending.last.get(draft.sessionId);
    const previous = index === undefined ? undefined : pending.drafts[index];
    if (index !== undefined && previous && continuesDraft(previous, draft)) {
      // Copy on first merge: the caller's object may be shared.
      const merged = mergedDrafts.has(previous) ? previous : { ...previous, points: [...previous.points] };
      for (const v of draft.points) merged.points.push(v);
      pending.drafts[index] = merged;
      mergedDrafts.add(merged);
    } else {
      pending.last.set(draft.sessionId, pending.drafts.push(draft) - 1);
    }
    return pending;
  }

  /** A live preview replaces its author's previous one of the same kind (delete first: it goes to the end, in arrival order). */
  preview(boardId: string, preview: PeerPreview): void {
    const pending = this.pendingFor(boardId);
    const key = `${preview.sessionId}:${previewSlot(preview)}`;
    pending.previews.delete(key);
    pending.previews.set(key, preview);
  }

  private pendingFor(boardId: string): PendingDrafts<S> {
    let pending = this.boards.get(boardId);
    if (!pending) {
      pending = { drafts: [], senders: new Map(), last: new Map(), previews: new Map() };
      this.boards.set(boardId, pending);
    }
    return pending;
  }

  /** Drops one board's batch (its caller delivers it). */
  take(boardId: string): void {
    this.boards.delete(boardId);
  }

  /** Removes and returns every board's batch. */
  takeAll(): Array<[string, PendingDrafts<S>]> {
    const all = [...this.boards];
    this.boards.clear();
    return all;
  }
}

/**
 * On the ink clock, a board whose expected drawers have all sent for the coming
 * tick is flushed at once if the tick is at most this close (its drafts were
 * sent on the tick, a trip early); otherwise, or if someone is missing, it waits
 * for the tick's lag.
 */
export const EARLY_FLUSH_MS = 4;

/** Who sent in a board's last flush, and for which tick. */
interface Expected {
  senders: Set<string>;
  tick: number;
}

export class DraftBatcher<S> {
  private readonly waiting = new BoardDrafts<S>();
  /** Per board: who is expected to send for the next tick. */
  private readonly expected = new Map<string, Expected>();
  private readonly timer: FlushTimer;

  constructor(private readonly options: DraftBatcherOptions<S>) {
    this.timer = new FlushTimer(options);
  }

  /** Until the next flush: the next tick's lag. */
  private delay(): number {
    const now = this.now();
    return nextTick(now, this.options.flushMs, this.options.phaseMs) - now;
  }

  /** Boards with drafts waiting. */
  get pendingBoards(): number {
    return this.waiting.size;
  }

  add(boardId: string, draft: PeerDraft, sender: S): void {
    if (this.waiting.size === 0) this.timer.arm(() => this.delay(), () => this.flushAll());
    this.flushIfComplete(boardId, this.waiting.add(boardId, draft, sender));
  }

  /**
   * A live preview: leaves with the board's next flush, replacing what the same
   * author sent of the same kind since the last one. Previews do not make their
   * author an expected drawer (a flush never waits for them).
   */
  preview(boardId: string, preview: PeerPreview): void {
    if (this.waiting.size === 0) this.timer.arm(() => this.delay(), () => this.flushAll());
    this.waiting.preview(boardId, preview);
  }

  /**
   * Drafts arriving up to `phaseMs` after a tick are that tick's. Flushes this
   * board now if everyone who sent for the previous tick has sent for this one
   * and the tick is near (paced clients all send just before it).
   */
  private flushIfComplete(boardId: string, pending: PendingDrafts<S>): void {
    const { flushMs, phaseMs } = this.options;
    const expected = this.expected.get(boardId);
    if (!expected) return;
    for (const s of expected.senders) if (!pending.senders.has(s)) return;
    const now = this.now();
    const tick = Math.ceil((now - phaseMs) / flushMs) * flushMs;
    if (now < tick - EARLY_FLUSH_MS) return;
    this.waiting.take(boardId);
    this.deliver(boardId, pending, tick);
  }

  private deliver(boardId: string, { drafts, senders, previews }: PendingDrafts<S>, tick: number): void {
    this.expected.set(boardId, { senders: new Set(senders.keys()), tick });
    this.options.deliver({ boardId, drafts, senders, ...(previews.size > 0 ? { previews: [...previews.values()] } : {}) });
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Delivers every board's waiting drafts now (the timer does; so may a shutdown). */
  flushAll(): void {
    this.timer.disarm();
    const { flushMs, phaseMs } = this.options;
    const tick = Math.round((this.now() - phaseMs) / flushMs) * flushMs;
    for (const [boardId, pending] of this.waiting.takeAll()) this.deliver(boardId, pending, tick);
    // Boards that sent nothing for two ticks expect nobody.
    for (const [boardId, e] of this.expected) if (e.tick < tick - flushMs) this.expected.delete(boardId);
  }
}

/** Drafts created by merging (owned by the batcher, safe to extend). */
const mergedDrafts = new WeakSet<PeerDraft>();

/**
 * Sends a flush to the board's room through `fanout` (the server, or its local
 * side when no other node has members) as one message, serialised once per
 * emit and once per node it crosses. A flush of one sender's ink goes to
 * everyone but that sender; a flush of several senders' ink goes to the whole
 * room as it is, and each sender drops its own drafts (a copy per sender
 * without its own would cost an encoding and a broadcast each, which measured
 * more than the bytes: BENCHMARKS.md, "Issue 14, sixth session"). A flush of
 * one draft is a plain `draft`. Ephemeral: a client that cannot keep up
 * (congested) goes without.
 */
export function deliverDrafts(fanout: BoardFanout, { boardId, drafts, senders, previews }: DraftFlush<MeshSocket>): void {
  const room = boardRoom(boardId);
  // Previews go to the whole board as one message (one encoding); authors skip their own.
  if (previews && previews.length > 0) fanout.to(room).except(CONGESTED_ROOM).emit("previews", previews);
  if (drafts.length === 0) return;
  const only = senders.size === 1 ? senders.values().next().value : undefined;
  const to = fanout.to(room).except(only ? [CONGESTED_ROOM, only.id] : CONGESTED_ROOM);
  if (drafts.length === 1) to.emit("draft", drafts[0]);
  else to.emit("drafts", drafts);
}
