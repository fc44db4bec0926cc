/**
 * The node's ink tempo: the ink clock's period, following the node's ink work.
 * Idle, a short tick (INK_TICK_MIN_MS) relays ink almost at once; busy, longer
 * ticks batch more points per message (fewer frames to write), up to
 * INK_TICK_MAX_MS, which bounds what the clock adds to latency.
 *
 * The work is the ink points this node relays per second times the watchers
 * each reaches (point deliveries), counted at each flush, read every second. Unlike
 * the event loop's utilisation (what the first version read), it does not fall
 * when the tick lengthens, and it does not rise because other processes share
 * the machine: on a contended 2-core machine the utilisation of a node serving
 * 5 quiet boards read like a busy one and lengthened its ticks (BENCHMARKS.md).
 *
 * The period is a rung of a ladder (the minimum, doubled until the maximum).
 * Below INK_QUIET_DELIVERIES per second the shortest tick is used, from
 * INK_BUSY_DELIVERIES the longest, the rungs between at thresholds spaced
 * evenly (geometrically) from the one to the other. The tick
 * moves up after UP_AFTER readings in a row that call for a higher rung, to the
 * lowest of them; down after DOWN_AFTER readings in a row under the current
 * rung's threshold by DOWN_MARGIN, to the highest they call for (see
 * docs/protocol.md, "The tick follows load"). The work does not depend on the
 * tick, so a move never undoes itself. A fixed clock (min = max) never samples.
 */

export interface InkTempoSettings {
  /** Shortest tick (idle node). */
  minMs: number;
  /** Longest tick (busy node); also the tick a fixed clock keeps. */
  maxMs: number;
  /** The flush lag at the longest tick; shorter ticks scale it down in proportion. */
  flushLagMs: number;
  /** Point deliveries per second below which the shortest tick is used (default QUIET_DELIVERIES). */
  quietDeliveries?: number;
  /** Point deliveries per second from which the longest tick is used (default BUSY_DELIVERIES). */
  busyDeliveries?: number;
}

/** Chosen with `npm run bench` (BENCHMARKS.md, "Issue 14, fifth session"): 33 ms batches classroom load within the p99 budget. */
export const DEFAULT_TEMPO: InkTempoSettings = { minMs: 5, maxMs: 33, flushLagMs: 12 };

/**
 * Point deliveries per second below which a node relays on its shortest tick,
 * and from which on its longest. The bench's `light` load is ~1,100 per board (2
 * people drawing at 60 Hz, 9 watchers each), up to ~3,300 on a node; `classroom`
 * ~10,000 per node: light stays on the shortest tick, classroom batches on the
 * longest (BENCHMARKS.md, "Issue 14, fifth session").
 */
export const QUIET_DELIVERIES = 4_000;
export const BUSY_DELIVERIES = 8_000;
/** Consecutive readings past a threshold before a rung changes: up soon (frames), down slowly (stability). */
export const UP_AFTER = 2;
export const DOWN_AFTER = 5;
/** A rung is left downwards only when the work is this far under its threshold (no flapping at the edge). */
export const DOWN_MARGIN = 0.8;
/** How often the node reads its work. */
export const SAMPLE_MS = 1_000;

/** The ticks a tempo may use: min, doubled while below max, then max. */
export function tickLadder(minMs: number, maxMs: number): number[] {
  const ladder: number[] = [];
  for (let t = minMs; t < maxMs; t *= 2) ladder.push(t);
  ladder.push(maxMs);
  return ladder;
}

/** The controller alone: work readings in, period out (no timers; unit tested with fake readings). */
export class TempoController {
  private readonly ladder: number[];
  private readonly quiet: number;
  private readonly busy: number;
  private rung = 0;
  private above = 0;
  private below = 0;
  private upTo = Number.POSITIVE_INFINITY;
  private downTo = Number.NEGATIVE_INFINITY;

  constructor(private readonly settings: InkTempoSettings) {
    this.ladder = tickLadder(settings.minMs, settings.maxMs);
    this.busy = settings.busyDeliveries ?? BUSY_DELIVERIES;
    this.quiet = Math.min(settings.quietDeliveries ?? QUIET_DELIVERIES, this.busy);
  }

  get periodMs(): number {
    return this.ladder[this.rung];
  }

  /** The flush lag at the current period (at least 1 ms below it). */
  get flushLagMs(): number {
    const { flushLagMs, maxMs } = this.settings;
    return Math.min(this.periodMs - 1, Math.round((flushLagMs * this.periodMs) / maxMs));
  }

  /** Point deliveries per second from which `rung` is used (rung 0: always; the first above it: quiet; the top: busy). */
  threshold(rung: number): number {
    const top = this.ladder.length - 1;
    if (rung === 0) return 0;
    if (top === 1) return this.busy;
    return this.quiet * (this.busy / this.quiet) ** ((rung - 1) / (top - 1));
  }

  /** The highest rung whose threshold `deliveriesPerS` reaches. */
  rungFor(deliveriesPerS: number): number {
    let r = 0;
    while (r < this.ladder.length - 1 && deliveriesPerS >= this.threshold(r + 1)) r++;
    return r;
  }

  /** Takes one reading (point deliveries per second); returns true when the period changed. */
  observe(deliveriesPerS: number): boolean {
    if (!Number.isFinite(deliveriesPerS)) return false;
    const up = this.rungFor(deliveriesPerS);
    const down = this.rungFor(deliveriesPerS / DOWN_MARGIN);
    // Readings in a row that call for a higher (lower) rung; the move goes as far as the least (most) of them asked.
    this.upTo = up > this.rung ? Math.min(this.upTo, up) : Number.POSITIVE_INFINITY;
    this.above = up > this.rung ? this.above + 1 : 0;
    this.downTo = down < this.rung ? Math.max(this.downTo, down) : Number.NEGATIVE_INFINITY;
    this.below = down < this.rung ? this.below + 1 : 0;
    if (this.above >= UP_AFTER) return this.moveTo(this.upTo);
    if (this.below >= DOWN_AFTER) return this.moveTo(this.downTo);
    return false;
  }

  private moveTo(rung: number): boolean {
    this.rung = rung;
    this.above = 0;
    this.below = 0;
    this.upTo = Number.POSITIVE_INFINITY;
    this.downTo = Number.NEGATIVE_INFINITY;
    return true;
  }
}

/** Counts point deliveries as flushes happen; each read returns the rate since the previous one. */
export class DeliveryMeter {
  private count = 0;
  private since: number;

  constructor(private readonly now: () => number = () => performance.now()) {
    this.since = now();
  }

  /** A flush relayed `points` ink points to `watchers` sockets. */
  note(points: number, watchers: number): void {
    if (points > 0 && watchers > 0) this.count += points * watchers;
  }

  /** Deliveries per second since the previous read. */
  read(): number {
    const now = this.now();
    const seconds = Math.max(1e-3, (now - this.since) / 1000);
    const rate = this.count / seconds;
    this.count = 0;
    this.since = now;
    return rate;
  }
}

export interface InkTempoOptions {
  /** Reads point deliveries per second (tests); by default the tempo's own meter, fed by `note`. */
  readWork?: () => number;
  setInterval?: (fn: () => void, ms: number) => unknown;
  clearInterval?: (timer: unknown) => void;
  /** Told of each new period (logs, metrics). */
  changed?: (periodMs: number) => void;
}

/** A node's tempo: counts its ink deliveries, and reads their rate every SAMPLE_MS while started. */
export class InkTempo {
  private readonly controller: TempoController;
  private readonly meter = new DeliveryMeter();
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

  /** A flush relayed `points` ink points to `watchers` sockets. */
  note(points: number, watchers: number): void {
    this.meter.note(points, watchers);
  }

  start(): void {
    if (this.timer !== null || !this.adaptive) return;
    const read = this.options.readWork ?? (() => this.meter.read());
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
