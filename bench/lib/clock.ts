/**
 * A millisecond clock shared by every process on the machine: CLOCK_MONOTONIC
 * (process.hrtime), so a drawer's sample time and a watcher's receive time can
 * be subtracted even when they live in different load-generator processes.
 */
export function monoMs(): number {
  const [s, ns] = process.hrtime();
  return s * 1e3 + ns / 1e6;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
