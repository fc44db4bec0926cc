/**
 * Long work in slices: a loop over a big board calls `slice.maybeYield()`
 * between steps, and the heavy steps of a request (reading a page, writing one)
 * wait for `turn()` first. Turns are handed out one per event-loop iteration,
 * to all of a node's requests together: however many catch-ups, syncs and
 * renders run at once, the node polls for I/O (probes, acks, other boards)
 * after every slice of at most about SLICE_MS, not after one slice of each.
 */

/** The longest a request's work runs without letting the event loop turn. */
export const SLICE_MS = 8;

export class WorkSlice {
  private started = performance.now();

  /** True once this slice has run its share. */
  due(): boolean {
    return performance.now() - this.started >= SLICE_MS;
  }

  /** Lets timers and I/O run, waits for this request's turn, then starts a new slice. */
  async yield(): Promise<void> {
    await turn();
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

/** Slices waiting for their turn, in order. */
const turns: Array<() => void> = [];
let pumping = false;

/**
 * Resolves at this caller's turn: one waiting slice runs per event-loop
 * iteration (setImmediate), so I/O is polled between any two heavy slices of
 * the node, whoever they belong to.
 */
export function turn(): Promise<void> {
  return new Promise((resolve) => {
    turns.push(resolve);
    if (!pumping) {
      pumping = true;
      setImmediate(pump);
    }
  });
}

function pump(): void {
  // The resolved caller's slice runs in the microtasks right after this callback.
  turns.shift()?.();
  if (turns.length > 0) setImmediate(pump);
  else pumping = false;
}
