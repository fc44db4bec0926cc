/**
 * The node's ink tempo: the ink clock's period, following the node's own load.
 * Idle, a short tick (INK_TICK_MIN_MS) relays ink almost at once; busy, longer
 * ticks batch more points per message (fewer frames to write), up to
 * INK_TICK_MAX_MS, which bounds what the clock adds to latency.
 *
 * Load is the event loop's utilisation (perf_hooks) over each sampling
 * interval, smoothed. The period moves on a ladder (the minimum, doubled until
 * the maximum), one rung at a time, with hysteresis: up when the smoothed load
 * is above LOAD_HIGH for UP_AFTER samples in a row, down when below LOAD_LOW for
 * DOWN_AFTER samples. A rung up roughly halves the frames, so the load after it
 * stays above LOAD_LOW and the tempo does not swing back (see docs/protocol.md,
 * "Live ink"). A fixed clock (min = max) never samples.
 */
import { performance, type EventLoopUtilization } from "node:perf_hooks";

export interface InkTempoSettings {
  /** Shortest tick (idle node). */
  minMs: number;
  /** Longest tick (busy node); also the tick a fixed clock keeps. */
  maxMs: number;
  /** The flush lag at the longest tick; shorter ticks scale it down in proportion. */
  flushLagMs: number;
  /** Smoothed event-loop utilisation above which the tick lengthens (default LOAD_HIGH). */
  loadHigh?: number;
  /** ... and below which it shortens (default LOAD_LOW); keep it under half of loadHigh, so a doubled tick does not swing back. */
  loadLow?: number;
}

/** Chosen with `npm run bench` (BENCHMARKS.md, "The ink clock"): 33 ms batches classroom load within the p99 budget. */
export const DEFAULT_TEMPO: InkTempoSettings = { minMs: 5, maxMs: 33, flushLagMs: 12 };

/**
 * Smoothed event-loop utilisation above which the tick lengthens, below which it
 * shortens. A node near a quarter busy already pays more in writes than batching
 * costs in latency; the bench (light against classroom) is where to tune these.
 */
export const LOAD_HIGH = 0.25;
export const LOAD_LOW = 0.1;
/** Consecutive samples past a threshold before a rung changes: up soon (latency), down slowly (stability). */
export const UP_AFTER = 2;
export const DOWN_AFTER = 5;
/** Weight of the newest sample in the smoothed load. */
const SMOOTHING = 0.5;
/** How often the node reads its load. */
export const SAMPLE_MS = 1_000;

/** The ticks a tempo may use: min, doubled while below max, then max. */
export function tickLadder(minMs: number, maxMs: number): number[] {
  const ladder: number[] = [];
  for (let t = minMs; t < maxMs; t *= 2) ladder.push(t);
  ladder.push(maxMs);
  return ladder;
}

/** The controller alone: load readings in, period out (no timers; unit tested with fake readings). */
export class TempoController {
  private readonly ladder: number[];
  private rung = 0;
  private smoothed = 0;
  private above = 0;
  private below = 0;

  constructor(private readonly settings: InkTempoSettings) {
    this.ladder = tickLadder(settings.minMs, settings.maxMs);
  }

  get periodMs(): number {
    return this.ladder[this.rung];
  }

  /** The flush lag at the current period (at least 1 ms below it). */
  get flushLagMs(): number {
    const { flushLagMs, maxMs } = this.settings;
    return Math.min(this.periodMs - 1, Math.round((flushLagMs * this.periodMs) / maxMs));
  }

  /** Takes one load reading (0..1); returns true when the period changed. */
  observe(load: number): boolean {
    if (!Number.isFinite(load)) return false;
    this.smoothed = this.smoothed * (1 - SMOOTHING) + Math.min(1, Math.max(0, load)) * SMOOTHING;
    this.above = this.smoothed > (this.settings.loadHigh ?? LOAD_HIGH) ? this.above + 1 : 0;
    this.below = this.smoothed < (this.settings.loadLow ?? LOAD_LOW) ? this.below + 1 : 0;
    if (this.above >= UP_AFTER && this.rung < this.ladder.length - 1) return this.move(1);
    if (this.below >= DOWN_AFTER && this.rung > 0) return this.move(-1);
    return false;
  }

  private move(step: number): boolean {
    this.rung += step;
    this.above = 0;
    this.below = 0;
    return true;
  }
}

/** Event-loop utilisation since the previous call (the first call: since the process started). */
export function eventLoopLoad(): () => number {
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const delta = performance.eventLoopUtilization(now, last);
    last = now;
    return delta.utilization;
  };
}

export interface InkTempoOptions {
  readLoad?: () => number;
  setInterval?: (fn: () => void, ms: number) => unknown;
  clearInterval?: (timer: unknown) => void;
  /** Told of each new period (logs, metrics). */
  changed?: (periodMs: number) => void;
}

/** A node's tempo: samples its load every SAMPLE_MS while started. */
export class InkTempo {
  private readonly controller: TempoController;
  private timer: unknown = null;

  constructor(
    readonly settings: InkTempoSettings,
    private readonly options: InkTempoOptions = {},
  ) {
    this.controller = new TempoController(settings);
  }

  get periodMs(): number {
    return this.controller.periodMs;
  }

  get flushLagMs(): number {
    return this.controller.flushLagMs;
  }

  /** Whether the period follows load (min below max). */
  get adaptive(): boolean {
    return this.settings.minMs < this.settings.maxMs;
  }

  start(): void {
    if (this.timer !== null || !this.adaptive) return;
    const read = this.options.readLoad ?? eventLoopLoad();
    const tick = () => {
      if (this.controller.observe(read())) this.options.changed?.(this.controller.periodMs);
    };
    const set =
      this.options.setInterval ??
      ((fn: () => void, ms: number) => {
        const t = setInterval(fn, ms);
        t.unref();
        return t;
      });
    this.timer = set(tick, SAMPLE_MS);
  }

  stop(): void {
    if (this.timer === null) return;
    (this.options.clearInterval ?? ((t) => clearInterval(t as NodeJS.Timeout)))(this.timer);
    this.timer = null;
  }
}
