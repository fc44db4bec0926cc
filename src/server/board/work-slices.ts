/**
 * Long work in slices: a loop over a big board calls `slice.due()` between
 * steps, and awaits `slice.yield()` when it says so, so the event loop gets to
 * answer probes, acks and other boards at least every SLICE_MS.
 */
import { setImmediate as nextTurn } from "node:timers/promises";

/** The longest a request's work runs without letting the event loop turn. */
export const SLICE_MS = 8;

export class WorkSlice {
  private started = performance.now();

  /** True once this slice has run its share. */
  due(): boolean {
    return performance.now() - this.started >= SLICE_MS;
  }

  /** Lets timers and I/O run (setImmediate), then starts a new slice. */
  async yield(): Promise<void> {
    await nextTurn();
    this.started = performance.now();
  }

  /** Yields if the slice is due. */
  async maybeYield(): Promise<void> {
    if (this.due()) await this.yield();
  }
}

/**
 * A counting semaphore: at most `limit` holders at once, the rest wait in order.
 * Bounds how many large reads a node holds in memory at a time.
 */
export class Gate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
