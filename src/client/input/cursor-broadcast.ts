/** Sends this pointer's position to peers at most ~30 times a second (the last position always goes out). */
import type { Cursor } from "../../shared/protocol.js";

const INTERVAL_MS = 33;

export class CursorBroadcast {
  private lastSent = 0;
  private pending: Cursor | undefined;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastValue: Cursor = null;

  constructor(private readonly send: (c: Cursor) => void) {}

  update(c: Cursor): void {
    if (c === null && this.lastValue === null && this.pending === undefined) return;
    this.pending = c;
    const wait = this.lastSent + INTERVAL_MS - performance.now();
    // Leaving the board is sent at once so the cursor never lingers.
    if (wait <= 0 || c === null) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending === undefined) return;
    const c = this.pending;
    this.pending = undefined;
    this.lastSent = performance.now();
    this.lastValue = c;
    this.send(c);
  }
}
