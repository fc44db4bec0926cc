/**
 * Live ink on the ink clock: this client's drafts wait for the next tick of
 * the server's clock and leave then, contiguous ones merged. Whatever the
 * display's frame rate, a drawer sends one message per tick, and every drawer
 * of a board sends on the same instants, just before the server relays the
 * board's ink (see docs/protocol.md, "Live ink"). Until the clock is known,
 * drafts leave at once.
 */
import { continuesDraft } from "../draft-merge.js";
import { nextTick, type InkClock } from "../ink-clock.js";
import type { Draft, Preview } from "../protocol.js";
import { previewSlot, type PreviewKind } from "../preview-kinds.js";

export interface PacerTimers {
  /** Local time, ms since the epoch. */
  now(): number;
  set(fn: () => void, ms: number): unknown;
  clear(timer: unknown): void;
}

const realTimers: PacerTimers = {
  now: () => Date.now(),
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (t) => clearTimeout(t as ReturnType<typeof setTimeout>),
};

export class InkPacer {
  private pending: Draft[] = [];
  /** Live previews wait for the same tick; a later one of a kind replaces the earlier. */
  private previews = new Map<PreviewKind, Preview>();
  private timer: unknown = null;
  private clock: { periodMs: number; offsetMs: number; phaseMs: number } | null = null;

  constructor(
    private readonly send: (d: Draft) => void,
    private readonly timers: PacerTimers = realTimers,
    private readonly sendPreview: (p: Preview) => void = () => undefined,
  ) {}

  /**
   * Ticks fall on multiples of `clock.periodMs` on the server's clock, which is
   * `offsetMs` ahead of ours; ink leaves `leadMs` (the trip to the server) before
   * each, so that it arrives on the tick. null: send at once.
   */
  setClock(clock: InkClock | null, offsetMs = 0, leadMs = 0): void {
    if (!clock) {
      this.clock = null;
      this.flush();
      return;
    }
    const { periodMs } = clock;
    this.clock = { periodMs, offsetMs, phaseMs: (((-leadMs % periodMs) + periodMs) % periodMs) };
  }

  push(d: Draft): void {
    if (!this.clock) return this.send(d);
    const last = this.pending.at(-1);
    if (last && continuesDraft(last, d)) {
      for (const v of d.points) last.points.push(v);
    } else {
      // Our own copy: merging extends it.
      this.pending.push({ ...d, points: [...d.points] });
    }
    this.schedule();
  }

  /** A live preview: leaves on the next tick unless another of its kind replaces it first. */
  pushPreview(p: Preview): void {
    if (!this.clock) return this.sendPreview(p);
    const slot = previewSlot(p);
    this.previews.delete(slot);
    this.previews.set(slot, p);
    this.schedule();
  }

  /** Sends what waits now (before a commit, so that a stroke's last points precede its `add`). */
  flush(): void {
    this.cancel();
    const out = this.pending;
    this.pending = [];
    for (const d of out) this.send(d);
    const previews = [...this.previews.values()];
    this.previews.clear();
    for (const p of previews) this.sendPreview(p);
  }

  /** Forgets what waits (disconnected: live ink is never queued). */
  drop(): void {
    this.cancel();
    this.pending = [];
    this.previews.clear();
  }

  private schedule(): void {
    if (this.timer !== null || !this.clock) return;
    const { periodMs, offsetMs, phaseMs } = this.clock;
    const local = this.timers.now();
    const due = nextTick(local + offsetMs, periodMs, phaseMs) - offsetMs;
    this.timer = this.timers.set(() => {
      this.timer = null;
      this.flush();
    }, due - local);
  }

  private cancel(): void {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
  }
}
