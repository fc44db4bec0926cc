/**
 * The confirmed board: sequenced ops folded strictly in seq order.
 *
 * Ops that arrive ahead of a gap wait in a buffer; ops at or below the head are
 * ignored (duplicates from catch-up overlapping live traffic). When the head stops
 * short of a seq known to exist for GAP_TIMEOUT_MS, the owner is asked to `sync`.
 */
import { BoardModel } from "../board-model.js";
import type { SequencedOp, SnapshotItem } from "../protocol.js";

const GAP_TIMEOUT_MS = 1_000;

export interface SequencerListener {
  /** Ops were applied to the model, in order. */
  applied(ops: SequencedOp[]): void;
  /** The head is stuck below a known seq: fetch what follows `since`. */
  behind(since: number): void;
}

export class OpSequencer {
  model = new BoardModel();
  private readonly ahead = new Map<number, SequencedOp>();
  /** Highest seq known to exist on the board (from welcome, sync results or buffered ops). */
  private known = 0;
  private gapTimer: ReturnType<typeof setTimeout> | null = null;
  private headWhenArmed = 0;

  constructor(private readonly listener: SequencerListener) {}

  get head(): number {
    return this.model.head;
  }

  /** Applies what can be applied now, buffers the rest. */
  receive(batch: readonly SequencedOp[]): void {
    const applied: SequencedOp[] = [];
    for (const s of batch) {
      if (s.seq <= this.model.head) continue;
      if (this.model.apply(s)) {
        applied.push(s);
        this.drainBuffer(applied);
      } else {
        this.ahead.set(s.seq, s);
        this.known = Math.max(this.known, s.seq);
      }
    }
    this.known = Math.max(this.known, this.model.head);
    if (applied.length) this.listener.applied(applied);
    this.checkGap();
  }

  /** The board is known to reach at least `head` (welcome, sync result). */
  expect(head: number): void {
    this.known = Math.max(this.known, head);
    this.checkGap();
  }

  /**
   * A compacted board's snapshot (protocol 3): the board becomes its items at
   * `seq`; buffered ops after it then apply.
   */
  load(seq: number, opId: string, items: readonly SnapshotItem[]): void {
    this.model = new BoardModel();
    this.model.load(seq, opId, items);
    const applied: SequencedOp[] = [];
    this.drainBuffer(applied);
    this.known = Math.max(this.known, this.model.head);
    if (applied.length) this.listener.applied(applied);
    this.checkGap();
  }

  /** The server's board is behind us (lost or reset): start over from seq 0. */
  reset(): void {
    this.model = new BoardModel();
    this.ahead.clear();
    this.known = 0;
    this.disarm();
  }

  isBehind(): boolean {
    return this.model.head < this.known;
  }

  dispose(): void {
    this.disarm();
  }

  private drainBuffer(applied: SequencedOp[]): void {
    for (;;) {
      const next = this.ahead.get(this.model.head + 1);
      if (!next) break;
      this.ahead.delete(next.seq);
      this.model.apply(next);
      applied.push(next);
    }
    // Anything still buffered at or below the head can never apply.
    for (const seq of this.ahead.keys()) if (seq <= this.model.head) this.ahead.delete(seq);
  }

  private checkGap(): void {
    if (!this.isBehind()) {
      this.disarm();
      return;
    }
    if (this.gapTimer) return;
    this.headWhenArmed = this.model.head;
    this.gapTimer = setTimeout(() => {
      this.gapTimer = null;
      if (!this.isBehind()) return;
      if (this.model.head > this.headWhenArmed) {
        this.checkGap(); // progressing: give it another period
        return;
      }
      this.listener.behind(this.model.head);
    }, GAP_TIMEOUT_MS);
  }

  private disarm(): void {
    if (this.gapTimer) clearTimeout(this.gapTimer);
    this.gapTimer = null;
  }
}
