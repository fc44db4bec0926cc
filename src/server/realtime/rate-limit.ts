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

// `clock` is answered from memory at once, like relaying a cursor: live, not control.
const EVENT_CLASS: Record<string, RateClass> = { op: "op", draft: "live", preview: "live", cursor: "live", clock: "live" };

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

  /** Takes `n` tokens after the fact, even into debt (the bucket refuses until it has refilled past 1). */
  debit(n: number): void {
    this.refill();
    this.tokens -= n;
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

/** Where a socket's state keeps its buckets: [last refill, flood, op, live, control] (tokens). */
const LAST = 0;
const FLOOD = 1;
const SLOT: Record<RateClass, number> = { op: 2, live: 3, control: 4 };

/** How often sockets whose buckets are full again (or that are gone) are forgotten. */
const SOCKET_SWEEP_MS = 1_000;
/** Addresses are swept every this many socket sweeps. */
const ADDRESS_SWEEPS = 30;

export interface RateLimiterOptions {
  now?: () => number;
  /** Most addresses remembered at once; past it, the oldest are forgotten. */
  maxAddresses?: number;
  /** False once a socket is gone: its state is dropped at the next sweep (default: kept until its buckets are full). */
  alive?: (socket: object) => boolean;
}

/**
 * Sockets and addresses are tracked per node; nothing is shared through Redis.
 *
 * A socket's buckets are five numbers in one array (one refill time for all
 * its classes), made on its first event and forgotten within a second of being
 * full again: an idle socket costs the limiter nothing.
 */
export class RateLimiter {
  private readonly sockets = new Map<object, number[]>();
  private readonly addresses = new Map<string, Buckets>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly now: () => number;
  private readonly maxAddresses: number;
  private readonly alive: (socket: object) => boolean;
  /** Socket bucket rates by slot (undefined: unlimited). */
  private readonly rates: Array<Rate | null | undefined>;
  private sweeps = 0;

  constructor(
    private readonly limits: RateLimits,
    options: RateLimiterOptions = {},
  ) {
    this.now = options.now ?? performance.now.bind(performance);
    this.maxAddresses = options.maxAddresses ?? 100_000;
    this.alive = options.alive ?? (() => true);
    this.rates = [undefined, limits.flood, limits.socket.op, limits.socket.live, limits.socket.control];
    // Buckets full again hold no information: forget them.
    this.sweeper = setInterval(() => this.sweep(), SOCKET_SWEEP_MS);
    this.sweeper.unref();
  }

  /** Judges one inbound event of `socket` (any object identifying it) from `address`. */
  check(socket: object, address: string, event: string): Verdict {
    const t = this.now();
    let s = this.sockets.get(socket);
    if (s) this.refill(s, t);
    else this.sockets.set(socket, (s = this.full(t)));
    if (this.rates[FLOOD]) {
      if (s[FLOOD] < 1) return "flood";
      s[FLOOD] -= 1;
    }
    const c = rateClassOf(event);
    const slot = SLOT[c];
    if (this.rates[slot]) {
      if (s[slot] < 1) return "rate_limited";
      s[slot] -= 1;
    }
    const a = this.addressBuckets(address);
    if (a[c] && !a[c].take()) return "rate_limited";
    return "ok";
  }

  /**
   * Takes `tokens` more of `event`'s class from the socket and its address, after
   * the fact (an answer that turned out large): the buckets may go into debt, and
   * refuse that class until they have refilled. The flood ceiling is not touched.
   */
  charge(socket: object, address: string, event: string, tokens: number): void {
    if (!(tokens > 0)) return;
    const c = rateClassOf(event);
    const slot = SLOT[c];
    if (this.rates[slot]) {
      const t = this.now();
      let s = this.sockets.get(socket);
      if (s) this.refill(s, t);
      else this.sockets.set(socket, (s = this.full(t)));
      s[slot] -= tokens;
    }
    this.addressBuckets(address)[c]?.debit(tokens);
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  /** A socket's state with every bucket at its burst (unlimited classes: 0, never read). */
  private full(t: number): number[] {
    const r = this.rates;
    return [t, r[1]?.burst ?? 0, r[2]?.burst ?? 0, r[3]?.burst ?? 0, r[4]?.burst ?? 0];
  }

  /** Refills every bucket of a socket up to `t`; true when all are full. */
  private refill(s: number[], t: number): boolean {
    const seconds = (t - s[LAST]) / 1000;
    s[LAST] = t;
    let full = true;
    for (let i = FLOOD; i < s.length; i++) {
      const rate = this.rates[i];
      if (!rate) continue;
      s[i] = Math.min(rate.burst, s[i] + seconds * rate.perSecond);
      if (s[i] < rate.burst) full = false;
    }
    return full;
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

  /** Sockets currently remembered (for tests). */
  get trackedSockets(): number {
    return this.sockets.size;
  }

  sweep(): void {
    const t = this.now();
    for (const [socket, s] of this.sockets) {
      if (!this.alive(socket) || this.refill(s, t)) this.sockets.delete(socket);
    }
    if (++this.sweeps % ADDRESS_SWEEPS !== 0) return;
    for (const [address, buckets] of this.addresses) {
      if (Object.values(buckets).every((b) => b.full())) this.addresses.delete(address);
    }
  }
}
