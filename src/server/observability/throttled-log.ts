/**
 * Repeated failures logged as a count, not one line each. A full or failing store
 * refuses every write: one error line with a stack trace per refused op made
 * ~62 MB of logs across 3 nodes in 20 s. Here the first failure of a kind is
 * logged at once (its message, no stack), and repeats are counted and logged once
 * per interval while they last.
 */
import type { Logger } from "./logger.js";

export const THROTTLE_INTERVAL_MS = 10_000;

interface Window {
  repeats: number;
  fields: Record<string, unknown>;
  timer: NodeJS.Timeout;
}

export class ThrottledLog {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly log: Logger,
    private readonly level: "error" | "warn" = "error",
    private readonly intervalMs = THROTTLE_INTERVAL_MS,
  ) {}

  /**
   * Logs `message` at the log's level: at once the first time for `key`, then at most
   * once per interval, with `repeated` (failures since the last line) and the latest
   * failure's fields. An `err` in fields is reduced to its message and code.
   */
  report(key: string, fields: Record<string, unknown>, message: string): void {
    const brief = briefFields(fields);
    const open = this.windows.get(key);
    if (open) {
      open.repeats++;
      open.fields = brief;
      return;
    }
    this.log[this.level](brief, message);
    this.openWindow(key, message);
  }

  /** Stops the timers (the node is closing); counts not logged yet are dropped. */
  close(): void {
    for (const w of this.windows.values()) clearTimeout(w.timer);
    this.windows.clear();
  }

  private openWindow(key: string, message: string): void {
    this.windows.set(key, { repeats: 0, fields: {}, timer: this.openTimer(key, message) });
  }

  private openTimer(key: string, message: string): NodeJS.Timeout {
    const t = setTimeout(() => {
      const w = this.windows.get(key);
      this.windows.delete(key);
      if (!w || w.repeats === 0) return;
      this.log[this.level]({ ...w.fields, repeated: w.repeats, intervalMs: this.intervalMs }, `${message} (repeated)`);
      this.windows.set(key, { repeats: 0, fields: w.fields, timer: this.openTimer(key, message) });
    }, this.intervalMs);
    t.unref();
    return t;
  }
}

function briefFields(fields: Record<string, unknown>): Record<string, unknown> {
  const err = fields.err;
  if (!(err instanceof Error)) return fields;
  const code = (err as Error & { code?: unknown }).code;
  return { ...fields, err: err.message.slice(0, 300), ...(code !== undefined ? { code } : {}) };
}
