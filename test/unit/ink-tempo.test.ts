/**
 * The ink tempo (ink-tempo.ts): the node's tick follows its load, with fake
 * load readings and a fake interval. Short when idle, longer when busy, never
 * past the maximum, and stable under steady load (no swinging between rungs).
 */
import { describe, expect, it } from "vitest";
import { DOWN_AFTER, InkTempo, SAMPLE_MS, TempoController, UP_AFTER, tickLadder } from "../../src/server/realtime/ink-tempo.js";

const settings = { minMs: 5, maxMs: 33, flushLagMs: 12 };

/** Feeds the same reading n times; returns the periods seen. */
function feed(c: TempoController, load: number, n: number): number[] {
  const seen: number[] = [];
  for (let i = 0; i < n; i++) {
    c.observe(load);
    seen.push(c.periodMs);
  }
  return seen;
}

describe("ink tempo", () => {
  it("climbs a ladder from the shortest tick to the longest", () => {
    expect(tickLadder(5, 33)).toEqual([5, 10, 20, 33]);
    expect(tickLadder(33, 33)).toEqual([33]);
  });

  it("starts short on an idle node and stays there", () => {
    const c = new TempoController(settings);
    expect(c.periodMs).toBe(5);
    expect(feed(c, 0.05, 20).every((p) => p === 5)).toBe(true);
    // The flush lag shrinks with the tick, always below it.
    expect(c.flushLagMs).toBeLessThan(5);
  });

  it("lengthens the tick one rung at a time under load, up to the maximum", () => {
    const c = new TempoController(settings);
    const seen = feed(c, 0.9, 20);
    expect([...new Set(seen)]).toEqual([5, 10, 20, 33]);
    expect(c.periodMs).toBe(33);
    expect(c.flushLagMs).toBe(12);
  });

  it("ignores a single busy reading (hysteresis)", () => {
    const c = new TempoController(settings);
    feed(c, 0.02, 5);
    c.observe(0.6);
    feed(c, 0.02, 5);
    expect(c.periodMs).toBe(5);
  });

  it("does not oscillate under steady load whose level falls when the tick lengthens", () => {
    // A node whose load halves each time the tick doubles (fewer frames), from 0.4 at 5 ms.
    const c = new TempoController(settings);
    const loadAt = (period: number) => 0.4 * (5 / period);
    const seen: number[] = [];
    for (let i = 0; i < 200; i++) {
      c.observe(loadAt(c.periodMs));
      seen.push(c.periodMs);
    }
    const changes = seen.filter((p, i) => i > 0 && p !== seen[i - 1]).length;
    // It settles (0.4 -> 0.2 at 10 ms: below LOAD_HIGH, above LOAD_LOW) and stays.
    expect(seen.at(-1)).toBe(10);
    expect(changes).toBe(1);
  });

  it("shortens the tick again, slower than it lengthened, when the load goes", () => {
    const c = new TempoController(settings);
    feed(c, 0.9, 20);
    const down = feed(c, 0.02, 40);
    const firstDrop = down.findIndex((p) => p < 33);
    expect(firstDrop + 1).toBeGreaterThanOrEqual(DOWN_AFTER);
    expect(firstDrop + 1).toBeGreaterThan(UP_AFTER);
    expect(c.periodMs).toBe(5);
  });

  it("takes its thresholds from the settings", () => {
    const c = new TempoController({ ...settings, loadHigh: 0.6, loadLow: 0.2 });
    feed(c, 0.5, 20);
    expect(c.periodMs).toBe(5);
    feed(c, 0.9, 20);
    expect(c.periodMs).toBe(33);
  });

  it("samples the node's load on an interval and tells of each change; a fixed clock never samples", () => {
    const intervals: Array<{ fn: () => void; ms: number }> = [];
    const readings = [0.9, 0.9, 0.9, 0.9];
    const changes: number[] = [];
    const tempo = new InkTempo(settings, {
      readLoad: () => readings.shift() ?? 0.9,
      setInterval: (fn, ms) => intervals.push({ fn, ms }),
      clearInterval: () => undefined,
      changed: (p) => changes.push(p),
    });
    tempo.start();
    expect(intervals).toHaveLength(1);
    expect(intervals[0].ms).toBe(SAMPLE_MS);
    for (let i = 0; i < 10; i++) intervals[0].fn();
    expect(changes).toEqual([10, 20, 33]);
    expect(tempo.periodMs).toBe(33);

    const fixedIntervals: unknown[] = [];
    const fixed = new InkTempo({ minMs: 25, maxMs: 25, flushLagMs: 10 }, { setInterval: (fn) => fixedIntervals.push(fn) });
    fixed.start();
    expect(fixedIntervals).toHaveLength(0);
    expect([fixed.periodMs, fixed.flushLagMs, fixed.adaptive]).toEqual([25, 10, false]);
  });
});
