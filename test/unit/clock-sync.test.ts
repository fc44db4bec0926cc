import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ClockSync, CLOCK_SCHEDULE_MS, type ClockReading } from "../../src/shared/client/clock-sync.js";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A server 100 ms ahead; each answer's round trip is the next of `trips`. */
function server(trips: number[]) {
  let i = 0;
  return () => {
    const trip = trips[Math.min(i++, trips.length - 1)];
    const sentAt = 1_000;
    return Promise.resolve({ sentAt, serverNow: sentAt + 100 + trip / 2, receivedAt: sentAt + trip });
  };
}

describe("ClockSync", () => {
  it("asks after joining, then on its schedule, and keeps the reading with the shortest trip", async () => {
    const seen: ClockReading[] = [];
    const sync = new ClockSync(server([40, 6, 20, 2, 30]), (r) => seen.push(r));
    sync.start();
    await vi.advanceTimersByTimeAsync(CLOCK_SCHEDULE_MS.at(-1)! + 1);
    expect(seen.map((r) => r.tripMs)).toEqual([20, 3, 3, 1]);
    expect(seen.every((r) => r.offsetMs === 100)).toBe(true);
    // Then every 30 s.
    await vi.advanceTimersByTimeAsync(30_000);
    expect(seen).toHaveLength(5);
    sync.stop();
  });

  it("forgets a short trip after five newer readings (the path may have changed)", async () => {
    const seen: ClockReading[] = [];
    const sync = new ClockSync(server([2, 10, 10, 10, 10, 10, 10]), (r) => seen.push(r));
    sync.start();
    await vi.advanceTimersByTimeAsync(CLOCK_SCHEDULE_MS.at(-1)! + 3 * 30_000 + 1);
    expect(seen.map((r) => r.tripMs)).toEqual([1, 1, 1, 1, 1, 5, 5]);
    sync.stop();
  });

  it("takes a refused ask (an answer without a time) for no reading", async () => {
    const seen: ClockReading[] = [];
    // What `r.now` is when the ack carries `{ ok: false, error }`.
    const refused = () => Promise.resolve({ sentAt: 0, serverNow: ({ ok: false } as unknown as { now: number }).now, receivedAt: 4 });
    const sync = new ClockSync(refused, (r) => seen.push(r));
    sync.start();
    await vi.advanceTimersByTimeAsync(CLOCK_SCHEDULE_MS.at(-1)! + 1);
    expect(seen).toEqual([]);
    sync.stop();
  });

  it("stops asking when stopped, and ignores an answer that comes after", async () => {
    let answer: (v: { sentAt: number; serverNow: number; receivedAt: number }) => void = () => undefined;
    const asked = vi.fn(() => new Promise<{ sentAt: number; serverNow: number; receivedAt: number }>((r) => (answer = r)));
    const seen: ClockReading[] = [];
    const sync = new ClockSync(asked, (r) => seen.push(r));
    sync.start();
    await vi.advanceTimersByTimeAsync(1);
    expect(asked).toHaveBeenCalledTimes(1);
    sync.stop();
    answer({ sentAt: 0, serverNow: 5, receivedAt: 10 });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(asked).toHaveBeenCalledTimes(1);
    expect(seen).toEqual([]);
  });
});
