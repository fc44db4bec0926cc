/**
 * The one timer of a node's batcher (drafts, presence): armed by the first
 * change after a flush, disarmed by any flush. Real timers never keep the
 * process up; tests inject their own.
 */
export interface TimerHooks {
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

export class FlushTimer {
  private timer: unknown = undefined;
  private readonly set: (fn: () => void, ms: number) => unknown;
  private readonly clear: (timer: unknown) => void;

  constructor(hooks: TimerHooks) {
    this.set =
      hooks.setTimer ??
      ((fn, ms) => {
        const t = setTimeout(fn, ms);
        t.unref();
        return t;
      });
    this.clear = hooks.clearTimer ?? ((t) => clearTimeout(t as NodeJS.Timeout));
  }

  /** Calls `flush` in `ms` (evaluated now), unless already armed. */
  arm(ms: () => number, flush: () => void): void {
    if (this.timer !== undefined) return;
    this.timer = this.set(() => {
      this.timer = undefined;
      flush();
    }, ms());
  }

  disarm(): void {
    if (this.timer !== undefined) this.clear(this.timer);
    this.timer = undefined;
  }
}
