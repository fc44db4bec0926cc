import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InkPacer, type PacerTimers } from "../../src/shared/client/ink-pacer.js";
import { continuesDraft } from "../../src/shared/draft-merge.js";
import { nextTick, readClock } from "../../src/shared/ink-clock.js";
import { LIMITS, type Draft } from "../../src/shared/protocol.js";

describe("nextTick", () => {
  it("is the first instant after now on the clock's grid", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 45 }), fc.integer({ min: 1, max: 1000 }), fc.nat(999), (now, period, rawPhase) => {
        const phase = rawPhase % period;
        const t = nextTick(now, period, phase);
        expect(t).toBeGreaterThan(now);
        expect(t - now).toBeLessThanOrEqual(period);
        expect((((t - phase) % period) + period) % period).toBe(0);
      }),
    );
  });

  it("reads the offset of a clock and the trip to it from one round trip", () => {
    // Sent at 100 (local), stamped 5,060 by the server, back at 120: the server is ~4,950 ahead, 10 ms away.
    expect(readClock(100, 5_060, 120)).toEqual({ offsetMs: 4_950, tripMs: 10 });
  });
});

describe("continuesDraft", () => {
  const d = (from: number, n: number, extra: Partial<Draft> = {}): Draft => ({ itemId: "item-0001", color: "#000000", width: 2, from, points: Array(2 * n).fill(1), ...extra });
  it("joins the next points of the same item drawn the same way, up to one draft's limit", () => {
    expect(continuesDraft(d(0, 3), d(3, 2))).toBe(true);
    expect(continuesDraft(d(0, 3), d(4, 2))).toBe(false);
    expect(continuesDraft(d(0, 3), d(3, 2, { itemId: "item-0002" }))).toBe(false);
    expect(continuesDraft(d(0, 3), d(3, 2, { color: "#ff0000" }))).toBe(false);
    expect(continuesDraft(d(0, 3), d(3, 2, { width: 3 }))).toBe(false);
    expect(continuesDraft(d(0, LIMITS.maxDraftPoints - 1), d(LIMITS.maxDraftPoints - 1, 2))).toBe(false);
  });
});

/** An InkPacer on a hand-driven clock: `advance` runs the timers that fall due. */
function pacer() {
  let now = 10_000;
  const timers = new Map<number, { at: number; fn: () => void }>();
  let id = 0;
  const clock: PacerTimers = {
    now: () => now,
    set: (fn, ms) => {
      timers.set(++id, { at: now + ms, fn });
      return id;
    },
    clear: (t) => timers.delete(t as number),
  };
  const sent: Array<{ at: number; draft: Draft }> = [];
  const ink = new InkPacer((draft) => sent.push({ at: now, draft }), clock);
  const advance = (ms: number) => {
    const end = now + ms;
    for (;;) {
      const due = [...timers].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      timers.delete(due[0]);
      now = due[1].at;
      due[1].fn();
    }
    now = end;
  };
  return { ink, sent, advance, pendingTimers: () => timers.size };
}

const draft = (from: number, points: number[], itemId = "item-0001"): Draft => ({ itemId, color: "#1e1e1e", width: 2, from, points, t: 1 });

describe("InkPacer", () => {
  it("sends at once until the clock is known", () => {
    const { ink, sent } = pacer();
    ink.push(draft(0, [1, 1]));
    expect(sent.map((s) => s.at)).toEqual([10_000]);
  });

  it("sends on the server's ticks, one merged draft per stretch of ink", () => {
    const { ink, sent, advance } = pacer();
    // The server's clock is 7 ms ahead: its ticks (multiples of 25) fall at local 10_018, 10_043, ...
    ink.setClock({ periodMs: 25 }, 7);
    ink.push(draft(0, [1, 1]));
    advance(5);
    ink.push(draft(1, [2, 2]));
    advance(5);
    ink.push(draft(2, [3, 3]));
    ink.push(draft(0, [9, 9], "item-0002"));
    expect(sent).toHaveLength(0);
    advance(10);
    expect(sent.map((s) => s.at)).toEqual([10_018, 10_018]);
    expect(sent.map((s) => s.draft.points)).toEqual([[1, 1, 2, 2, 3, 3], [9, 9]]);
    expect(sent[0].draft.t).toBe(1);
    // Nothing waits: no timer runs.
    advance(100);
    expect(sent).toHaveLength(2);
    ink.push(draft(3, [4, 4]));
    advance(30);
    expect(sent.at(-1)!.at).toBe(10_143);
  });

  it("sends a trip early, so that the ink reaches the server on its tick", () => {
    const { ink, sent, advance } = pacer();
    // Server 7 ms ahead, 30 ms away, ticks every 25 ms.
    ink.setClock({ periodMs: 25 }, 7, 30);
    ink.push(draft(0, [1, 1]));
    advance(100);
    // Local 10_000 is server 10_007; sends fall on server instants ≡ -30 ≡ 20 (mod 25): 10_020, i.e. local 10_013.
    expect(sent.map((s) => s.at)).toEqual([10_013]);
  });

  it("flushes on demand and forgets on drop", () => {
    const { ink, sent, advance, pendingTimers } = pacer();
    ink.setClock({ periodMs: 40 }, 0);
    ink.push(draft(0, [1, 1]));
    ink.flush();
    expect(sent).toHaveLength(1);
    expect(pendingTimers()).toBe(0);
    ink.push(draft(1, [2, 2]));
    ink.drop();
    advance(100);
    expect(sent).toHaveLength(1);
  });

  it("does not change the drafts it is given", () => {
    const { ink, advance } = pacer();
    ink.setClock({ periodMs: 40 }, 0);
    const first = draft(0, [1, 1]);
    ink.push(first);
    ink.push(draft(1, [2, 2]));
    advance(50);
    expect(first.points).toEqual([1, 1]);
  });
});
