/**
 * The ink tempo (ink-tempo.ts): the node's tick follows its ink work (point
 * deliveries per second), with fake readings and a fake interval. Short when
 * idle, longer when busy, never past the maximum, and stable under steady work
 * (no swinging between rungs).
 */
import { describe, expect, it } from "vitest";
import { BUSY_DELIVERIES, DOWN_AFTER, QUIET_DELIVERIES, DeliveryMeter, InkTempo, SAMPLE_MS, TempoController, UP_AFTER, tickLadder } from "../../src/server/realtime/ink-tempo.js";

const settings = { minMs: 5, maxMs: 33, flushLagMs: 12 };

/** Feeds the same reading n times; returns the periods seen. */
function feed(c: TempoController, work: number, n: number): number[] {
  const seen: number[] = [];
  for (let i = 0; i < n; i++) {
    c.observe(work);
    seen.push(c.periodMs);
  }
  return seen;
}

describe("ink tempo", () => {
  it("climbs a ladder from the shortest tick to the longest", () => {
    expect(tickLadder(5, 33)).toEqual([5, 10, 20, 33]);
    expect(tickLadder(33, 33)).toEqual([33]);
  });

  it("uses the shortest tick below QUIET_DELIVERIES, the longest from BUSY_DELIVERIES, the rungs between spaced evenly", () => {
    const c = new TempoController(settings);
    const t = [0, 1, 2, 3].map((r) => c.threshold(r));
    expect([t[0], t[1], t[3]]).toEqual([0, QUIET_DELIVERIES, BUSY_DELIVERIES]);
    expect(t[2]).toBeCloseTo(Math.sqrt(QUIET_DELIVERIES * BUSY_DELIVERIES));
    expect(new TempoController({ minMs: 10, maxMs: 20, flushLagMs: 5 }).threshold(1)).toBe(BUSY_DELIVERIES);
  });

  it("starts short on a quiet node and stays there (a few boards drawing: light load)", () => {
    const c = new TempoController(settings);
    expect(c.periodMs).toBe(5);
    expect(feed(c, 3_300, 30).every((p) => p === 5)).toBe(true);
    // The flush lag shrinks with the tick, always below it.
    expect(c.flushLagMs).toBeLessThan(5);
  });

  it("goes to the rung its work calls for after UP_AFTER readings, up to the maximum", () => {
    const mid = new TempoController(settings);
    const seen = feed(mid, 6_000, 20);
    expect([...new Set(seen)]).toEqual([5, 20]);
    expect(seen.indexOf(20) + 1).toBe(UP_AFTER);
    const busy = new TempoController(settings);
    expect([...new Set(feed(busy, 50_000, 20))]).toEqual([5, 33]);
    expect(busy.flushLagMs).toBe(12);
    // Rising work: the move goes only as far as the least of the readings in a row asked.
    const rising = new TempoController(settings);
    rising.observe(4_500);
    rising.observe(50_000);
    expect(rising.periodMs).toBe(10);
  });

  it("ignores a single busy reading (hysteresis)", () => {
    const c = new TempoController(settings);
    feed(c, 100, 5);
    c.observe(40_000);
    feed(c, 100, 5);
    expect(c.periodMs).toBe(5);
  });

  it("does not flap under steady work that hovers at a rung's threshold", () => {
    // ±10 % noise around the 20 ms rung's threshold: it settles on a rung and stays.
    const c = new TempoController(settings);
    const seen: number[] = [];
    for (let i = 0; i < 300; i++) {
      c.observe(c.threshold(2) * (i % 2 === 0 ? 1.1 : 0.9));
      seen.push(c.periodMs);
    }
    expect(new Set(seen.slice(10)).size).toBe(1);
    // Noise that stays above the threshold for readings in a row moves it up, once.
    for (let i = 0; i < 300; i++) c.observe(c.threshold(2) * (i % 3 === 0 ? 0.9 : 1.1));
    expect(c.periodMs).toBe(20);
    const after: number[] = feed(c, c.threshold(2) * 0.85, 100);
    expect(new Set(after)).toEqual(new Set([20]));
  });

  it("shortens the tick again, slower than it lengthened, when the work goes", () => {
    const c = new TempoController(settings);
    feed(c, 50_000, 20);
    const down = feed(c, 0, 40);
    const firstDrop = down.findIndex((p) => p < 33);
    expect(firstDrop + 1).toBeGreaterThanOrEqual(DOWN_AFTER);
    expect(firstDrop + 1).toBeGreaterThan(UP_AFTER);
    expect(c.periodMs).toBe(5);
  });

  it("takes its busy rate from the settings", () => {
    const c = new TempoController({ ...settings, quietDeliveries: 25_000, busyDeliveries: 100_000 });
    feed(c, 20_000, 20);
    expect(c.periodMs).toBe(5);
    feed(c, 100_000, 20);
    expect(c.periodMs).toBe(33);
  });

  it("meters deliveries as points x watchers per second between reads", () => {
    let now = 0;
    const meter = new DeliveryMeter(() => now);
    meter.note(4, 9);
    meter.note(2, 9);
    meter.note(5, 0); // a board with nobody else on it reaches no one
    now = 500;
    expect(meter.read()).toBe(108);
    now = 1_500;
    expect(meter.read()).toBe(0);
  });

  it("samples its work on an interval and tells of each change; a fixed clock never samples", () => {
    const intervals: Array<{ fn: () => void; ms: number }> = [];
    const changes: number[] = [];
    const tempo = new InkTempo(settings, {
      readWork: () => 50_000,
      setInterval: (fn, ms) => intervals.push({ fn, ms }),
      clearInterval: () => undefined,
      changed: (p) => changes.push(p),
    });
    tempo.start();
    expect(intervals).toHaveLength(1);
    expect(intervals[0].ms).toBe(SAMPLE_MS);
    for (let i = 0; i < 10; i++) intervals[0].fn();
    expect(changes).toEqual([33]);
    expect(tempo.periodMs).toBe(33);

    const fixedIntervals: unknown[] = [];
    const fixed = new InkTempo({ minMs: 25, maxMs: 25, flushLagMs: 10 }, { setInterval: (fn) => fixedIntervals.push(fn) });
    fixed.start();
    expect(fixedIntervals).toHaveLength(0);
    expect([fixed.periodMs, fixed.flushLagMs, fixed.adaptive]).toEqual([25, 10, false]);
  });
});
