import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { RateLimiter, TokenBucket, rateClassOf, type Rate, type RateClass, type RateLimits } from "../../src/server/realtime/rate-limit.js";

// Rates in powers of two and times in 1/64 s keep every token count exact in floating point,
// so the comparison with the reference below cannot hinge on rounding.
const limits: RateLimits = {
  socket: { op: { perSecond: 2, burst: 5 }, live: { perSecond: 8, burst: 20 }, control: null },
  address: { op: { perSecond: 4, burst: 8 }, live: null, control: { perSecond: 1, burst: 3 } },
  flood: { perSecond: 16, burst: 30 },
};
const TICK_MS = 1000 / 64;

const made: RateLimiter[] = [];
afterEach(() => {
  for (const l of made.splice(0)) l.close();
});

function limiter(opts: { alive?: (s: object) => boolean } = {}) {
  const clock = { t: 1_000 };
  const l = new RateLimiter(limits, { now: () => clock.t, ...opts });
  made.push(l);
  return { l, clock };
}

/** The limiter's rules written plainly: a token bucket per socket class, per address class, and a flood bucket per socket. */
class Reference {
  private readonly sockets = new Map<object, { flood?: TokenBucket; buckets: Partial<Record<RateClass, TokenBucket>> }>();
  private readonly addresses = new Map<string, Partial<Record<RateClass, TokenBucket>>>();
  constructor(private readonly now: () => number) {}
  private buckets(rates: Record<RateClass, Rate | null>) {
    const out: Partial<Record<RateClass, TokenBucket>> = {};
    for (const c of ["op", "live", "control"] as const) if (rates[c]) out[c] = new TokenBucket(rates[c], this.now);
    return out;
  }
  check(socket: object, address: string, event: string) {
    let s = this.sockets.get(socket);
    if (!s) this.sockets.set(socket, (s = { flood: limits.flood ? new TokenBucket(limits.flood, this.now) : undefined, buckets: this.buckets(limits.socket) }));
    if (s.flood && !s.flood.take()) return "flood";
    const c = rateClassOf(event);
    if (s.buckets[c] && !s.buckets[c].take()) return "rate_limited";
    let a = this.addresses.get(address);
    if (!a) this.addresses.set(address, (a = this.buckets(limits.address)));
    if (a[c] && !a[c].take()) return "rate_limited";
    return "ok";
  }
}

describe("RateLimiter", () => {
  it("gives each socket its burst, then its rate; the flood ceiling counts every event", () => {
    const { l, clock } = limiter();
    const s = {};
    const ops = Array.from({ length: 7 }, () => l.check(s, "a", "op"));
    expect(ops).toEqual(["ok", "ok", "ok", "ok", "ok", "rate_limited", "rate_limited"]);
    clock.t += 1_000; // 2 op tokens back
    expect([l.check(s, "a", "op"), l.check(s, "a", "op"), l.check(s, "a", "op")]).toEqual(["ok", "ok", "rate_limited"]);
    // control is unlimited per socket, limited per address (burst 3).
    expect(Array.from({ length: 4 }, () => l.check({}, "b", "sync"))).toEqual(["ok", "ok", "ok", "rate_limited"]);
    // 30 events in a burst pass the flood bucket, the 31st does not, whatever their class.
    const flooder = {};
    const verdicts = Array.from({ length: 31 }, () => l.check(flooder, `f`, "cursor"));
    expect(verdicts.slice(0, 20).every((v) => v === "ok")).toBe(true);
    expect(verdicts[30]).toBe("flood");
  });

  it("forgets a socket once its buckets are full again, or once it is gone, and an idle socket costs nothing", () => {
    const gone = new Set<object>();
    const { l, clock } = limiter({ alive: (s) => !gone.has(s) });
    const idle = {};
    const busy = {};
    const left = {};
    l.check(idle, "a", "profile");
    for (let i = 0; i < 5; i++) l.check(busy, "a", "op");
    l.check(left, "a", "op");
    expect(l.trackedSockets).toBe(3);
    clock.t += 100;
    gone.add(left);
    l.sweep();
    // idle refilled its one flood token (16/s) in 100 ms; busy still misses op tokens; left is gone.
    expect(l.trackedSockets).toBe(1);
    clock.t += 3_000;
    l.sweep();
    expect(l.trackedSockets).toBe(0);
    // Forgotten means full: a new burst is allowed.
    expect(Array.from({ length: 5 }, () => l.check(busy, "c", "op")).every((v) => v === "ok")).toBe(true);
  });

  it("decides exactly like one token bucket per socket class, per address class and per socket flood, sweeps or not", () => {
    const step = fc.record({
      socket: fc.integer({ min: 0, max: 3 }),
      address: fc.constantFrom("a", "b"),
      event: fc.constantFrom("op", "draft", "cursor", "sync", "profile", "nonsense"),
      advanceMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 5, max: 320 })).map((ticks) => ticks * TICK_MS),
      sweep: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 300 }), (steps) => {
        const clock = { t: 5_000 };
        const l = new RateLimiter(limits, { now: () => clock.t });
        made.push(l);
        const ref = new Reference(() => clock.t);
        const sockets = [{}, {}, {}, {}];
        for (const s of steps) {
          clock.t += s.advanceMs;
          if (s.sweep) l.sweep();
          expect(l.check(sockets[s.socket], s.address, s.event)).toBe(ref.check(sockets[s.socket], s.address, s.event));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("charging large answers after the fact", () => {
  it("puts the socket's and the address's buckets into debt, refusing until they refill", () => {
    const { l, clock } = limiter();
    const socket = {};
    // op: socket burst 5 at 2/s, address burst 8 at 4/s.
    expect(l.check(socket, "a", "op")).toBe("ok");
    l.charge(socket, "a", "op", 6);
    expect(l.check(socket, "a", "op")).toBe("rate_limited");
    // 5 - 1 - 6 = -2 tokens: back to 1 after 1.5 s at 2/s.
    clock.t += 1_400;
    expect(l.check(socket, "a", "op")).toBe("rate_limited");
    clock.t += 200;
    expect(l.check(socket, "a", "op")).toBe("ok");
    // Another socket of the same address pays for the address's debt too.
    const other = {};
    l.charge(other, "b", "control", 5);
    expect(l.check(other, "b", "control")).toBe("rate_limited");
    expect(l.check({}, "c", "control")).toBe("ok");
  });
});
