/** Timer hooks (src/server/realtime/flush-timer.ts) that a test fires by hand. */
export function manualTimers() {
  const timers = new Map<number, () => void>();
  let next = 0;
  return {
    timers,
    setTimer: (fn: () => void) => {
      timers.set(++next, fn);
      return next;
    },
    clearTimer: (t: unknown) => void timers.delete(t as number),
    /** Runs every timer set so far. */
    fire: () => {
      const due = [...timers.values()];
      timers.clear();
      for (const fn of due) fn();
    },
  };
}
