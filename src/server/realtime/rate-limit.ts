/**
 * Per-socket and per-client-address rate limits on inbound Socket.IO events:
 * token buckets per class of event, plus a flood ceiling on everything a socket
 * sends, past which the socket is cut off. Plugs into SessionDeps.admit.
 */

/** Sustained events per second and the burst allowed on top. */
export interface Rate {
  perSecond: number;
  burst: number;
}

/**
 * What an event costs: `op` appends to storage, `live` is relayed ink and cursors,
 * `control` is everything else (catch-up reads, profile changes, unknown events).
 */
export type RateClass = "op" | "live" | "control";
export const RATE_CLASSES: readonly RateClass[] = ["op", "live", "control"];

export interface RateLimits {
  /** Per socket; null: unlimited. */
  socket: Record<RateClass, Rate | null>;
  /** Per client address, summed over its sockets on this node; null: unlimited. */
  address: Record<RateClass, Rate | null>;
  /** Every event a socket sends, whatever its class; past it the socket is disconnected. */
  flood: Rate | null;
}

const EVENT_CLASS: Record<string, RateClass> = { op: "op", draft: "live", cursor: "live" };

export function rateClassOf(event: string): RateClass {
  return Object.hasOwn(EVENT_CLASS, event) ? EVENT_CLASS[event] : "control";
}

/** Parses `"<per second>/<burst>"` (e.g. `"30/300"`) or `"off"`. */
export function parseRate(spec: string): Rate | null | undefined {
  if (spec.trim() === "off") return null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(\d+)\s*$/.exec(spec);
  if (!m) return undefined;
  const rate = { perSecond: Number(m[1]), burst: Number(m[2]) };
  return rate.perSecond > 0 && rate.burst >= 1 ? rate : undefined;
}

/** A classic token bucket, refilled lazily from a monotonic clock. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rate: Rate,
    private readonly now: () => number = performance.now.bind(performance),
  ) {
    this.tokens = rate.burst;
    this.last = now();
  }

  /** Takes one token if there is one. */
  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** True when the bucket has refilled completely (nothing to remember). */
  full(): boolean {
    this.refill();
    return this.tokens >= this.rate.burst;
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.rate.burst, this.tokens + ((t - this.last) / 1000) * this.rate.perSecond);
    this.last = t;
  }
}

type Buckets = Partial<Record<RateClass, TokenBucket>>;

function bucketsFor(rates: Record<RateClass, Rate | null>, now: () => number): Buckets {
  const out: Buckets = {};
  for (const c of RATE_CLASSES) {
    const r = rates[c];
    if (r) out[c] = new TokenBucket(r, now);
  }
  return out;
}

/** What the limiter decided about one event. */
export type Verdict = "ok" | "rate_limited" | "flood";

/** Sockets and addresses are tracked per node; nothing is shared through Redis. */
export class RateLimiter {
  private readonly sockets = new WeakMap<object, { buckets: Buckets; flood?: TokenBucket }>();
  private readonly addresses = new Map<string, Buckets>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly limits: RateLimits,
    private readonly now: () => number = performance.now.bind(performance),
    /** Most addresses remembered at once; past it, the oldest are forgotten. */
    private readonly maxAddresses = 100_000,
  ) {
    // Addresses whose buckets are full again hold no information: forget them.
    this.sweeper = setInterval(() => this.sweep(), 30_000);
    this.sweeper.unref();
  }

  /** Judges one inbound event of `socket` (any object identifying it) from `address`. */
  check(socket: object, address: string, event: string): Verdict {
    let s = this.sockets.get(socket);
    if (!s) {
      s = {
        buckets: bucketsFor(this.limits.socket, this.now),
        flood: this.limits.flood ? new TokenBucket(this.limits.flood, this.now) : undefined,
      };
      this.sockets.set(socket, s);
    }
    if (s.flood && !s.flood.take()) return "flood";
    const c = rateClassOf(event);
    if (s.buckets[c] && !s.buckets[c].take()) return "rate_limited";
    const a = this.addressBuckets(address);
    if (a[c] && !a[c].take()) return "rate_limited";
    return "ok";
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private addressBuckets(address: string): Buckets {
    let a = this.addresses.get(address);
    if (!a) {
      if (this.addresses.size >= this.maxAddresses) this.addresses.delete(this.addresses.keys().next().value!);
      a = bucketsFor(this.limits.address, this.now);
      this.addresses.set(address, a);
    }
    return a;
  }

  /** Addresses currently remembered (for tests). */
  get trackedAddresses(): number {
    return this.addresses.size;
  }

  sweep(): void {
    for (const [address, buckets] of this.addresses) {
      if (Object.values(buckets).every((b) => b.full())) this.addresses.delete(address);
    }
  }
}

