/**
 * Keeps an estimate of the server's clock for the ink clock: asks `clock` a few
 * times after joining and then now and again, and trusts the reading with the
 * shortest round trip among the last few (a reading taken while the network or
 * the server was busy has a long trip and a skewed offset).
 */
import { readClock } from "../ink-clock.js";

export interface ClockReading {
  offsetMs: number;
  tripMs: number;
}

/** One round trip: local send time, the server's stamp, local receive time. */
export type AskClock = () => Promise<{ sentAt: number; serverNow: number; receivedAt: number }>;

/** After joining, then every 30 s. */
export const CLOCK_SCHEDULE_MS = [0, 1_000, 3_000, 10_000];
const REPEAT_MS = 30_000;
const KEPT = 5;

export class ClockSync {
  private readings: ClockReading[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private generation = 0;

  constructor(
    private readonly ask: AskClock,
    private readonly changed: (best: ClockReading) => void,
  ) {}

  /** Starts afresh (a new session, perhaps on another node). */
  start(): void {
    this.stop();
    const generation = this.generation;
    let step = 0;
    const next = () => {
      const wait = step < CLOCK_SCHEDULE_MS.length ? CLOCK_SCHEDULE_MS[step] - (CLOCK_SCHEDULE_MS[step - 1] ?? 0) : REPEAT_MS;
      step++;
      this.timer = setTimeout(() => {
        this.ask().then(
          (r) => {
            if (generation === this.generation) this.add(readClock(r.sentAt, r.serverNow, r.receivedAt));
          },
          () => undefined, // no answer: keep what we have, ask again later
        );
        if (generation === this.generation) next();
      }, wait);
    };
    next();
  }

  stop(): void {
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.readings = [];
  }

  /** The reading trusted now (the shortest trip of the last few), null before the first. */
  get best(): ClockReading | null {
    return this.readings.length ? this.readings.reduce((a, b) => (b.tripMs < a.tripMs ? b : a)) : null;
  }

  private add(reading: ClockReading): void {
    // A refused ask (rate limited) answers without a time: not a reading.
    if (!Number.isFinite(reading.offsetMs) || !Number.isFinite(reading.tripMs)) return;
    this.readings.push(reading);
    if (this.readings.length > KEPT) this.readings.shift();
    this.changed(this.best!);
  }
}
