/**
 * Per-address limits over the whole cluster, in Redis (issue 16): open
 * connections, event rates and new boards. Each node keeps its own limits too
 * (guards.ts); these make N nodes not multiply them.
 *
 * - Connections: one hash per address, a field per node holding "count:expiry".
 *   A Lua script sums the live fields and takes a slot atomically; each node
 *   rewrites its own fields from its real counts every CONNECTION_REFRESH_MS, so a
 *   node that died stops counting after CONNECTION_TTL_MS and a slot reserved by a
 *   handshake that never completed is given back.
 * - Event rates: rate-limiter-flexible's Redis limiter (a fixed window of `burst`
 *   events per `burst / rate` seconds per address and class). Events are decided
 *   at once from the node's own state and reported to Redis in batches; once the
 *   cluster's window is used up the address is blocked on every node until it ends.
 * - New boards: the same limiter, asked before the first op on an empty board.
 *
 * When Redis refuses (down, at maxmemory) the limits fall back to each node's own.
 */
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { Logger } from "../observability/logger.js";
import { RATE_CLASSES, type Rate, type RateClass } from "../realtime/rate-limit.js";

export interface AddressLimitRedis {
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

export const CONNECTION_TTL_MS = 30_000;
const CONNECTION_REFRESH_MS = 10_000;
/** How often a node reports its addresses' events to Redis. */
const REPORT_MS = 100;

const NOW = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** KEYS: the address's hash. ARGV: node, max, ttl. 1: admitted (and counted), 0: at the limit. */
const OPEN = `#!lua flags=allow-oom
${NOW}
local node, max, ttl = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local total, mine = 0, 0
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local c, exp = string.match(all[i + 1], '^(%d+):(%d+)$')
  if not c or tonumber(exp) <= now then
    redis.call('HDEL', KEYS[1], all[i])
  elseif all[i] == node then
    mine = tonumber(c)
  else
    total = total + tonumber(c)
  end
end
if total + mine >= max then return 0 end
redis.call('HSET', KEYS[1], node, (mine + 1) .. ':' .. (now + ttl))
redis.call('PEXPIRE', KEYS[1], ttl)
return 1
`;

/** KEYS: the address's hash. ARGV: node, count (this node's real count), ttl. */
const SET_COUNT = `#!lua flags=allow-oom
${NOW}
local count, ttl = tonumber(ARGV[2]), tonumber(ARGV[3])
if count <= 0 then
  redis.call('HDEL', KEYS[1], ARGV[1])
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], count .. ':' .. (now + ttl))
redis.call('PEXPIRE', KEYS[1], ttl)
return 1
`;

export interface ClusterLimitOptions {
  nodeId: string;
  connectionsPerAddress: number | null;
  /** Per address and class, over the cluster (RATE_IP_*). */
  rates: Record<RateClass, Rate | null>;
  newBoards: Rate | null;
  log: Logger;
}

/** A rate as a fixed window: `burst` points per `burst / perSecond` seconds (at least 1 s). */
export function windowOf(rate: Rate): { points: number; duration: number } {
  return { points: rate.burst, duration: Math.max(1, Math.ceil(rate.burst / rate.perSecond)) };
}

function limiter(redis: AddressLimitRedis | null, keyPrefix: string, rate: Rate): RateLimiterAbstract {
  const window = windowOf(rate);
  const local = new RateLimiterMemory({ ...window, keyPrefix });
  if (!redis) return local;
  // The node's own limiter stands in while Redis refuses.
  return new RateLimiterRedis({ storeClient: redis, useRedisPackage: true, keyPrefix, ...window, insuranceLimiter: local });
}

/** The new-board limit alone (an embedded node: in process). */
export function newBoardLimiter(rate: Rate | null, redis: AddressLimitRedis | null = null): RateLimiterAbstract | null {
  return rate ? limiter(redis, "mb:rl:newboard", rate) : null;
}

/**
 * How long a limit waits for Redis. A reconnecting client queues commands rather
 * than failing them, and a handshake or op must not wait for Redis to come back:
 * past this the node's own limits stand in, as when Redis refuses.
 */
export const REDIS_LIMIT_TIMEOUT_MS = 2_000;

function within<T>(work: Promise<T>, ms = REDIS_LIMIT_TIMEOUT_MS): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer from Redis within ${ms} ms`)), ms);
    work.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (err: unknown) => {
        clearTimeout(timer);
        // Passed on as it came: a refusal is a RateLimiterRes, not an Error.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        reject(err);
      },
    );
  });
}

/** Asks a limiter for one point; true when granted. */
export async function take(l: RateLimiterAbstract | null, key: string): Promise<boolean> {
  if (!l) return true;
  try {
    await within(l.consume(key, 1));
    return true;
  } catch (err) {
    if (err instanceof RateLimiterRes) return false;
    throw err;
  }
}

export class ClusterAddressLimits {
  /** This node's open connections counted in Redis, by address. */
  private readonly counted = new Map<string, number>();
  private readonly rates: Partial<Record<RateClass, RateLimiterAbstract>> = {};
  /** Events seen since the last report, by class and address. */
  private readonly unreported = new Map<RateClass, Map<string, number>>();
  /** Addresses over a cluster-wide window, until (Date.now()) it ends, by class. */
  private readonly blockedUntil = new Map<RateClass, Map<string, number>>();
  private readonly timers: NodeJS.Timeout[] = [];
  readonly newBoards: RateLimiterAbstract | null;

  constructor(
    private readonly redis: AddressLimitRedis,
    private readonly opts: ClusterLimitOptions,
  ) {
    for (const c of RATE_CLASSES) {
      const r = opts.rates[c];
      if (r) this.rates[c] = limiter(redis, `mb:rl:${c}`, r);
      this.unreported.set(c, new Map());
      this.blockedUntil.set(c, new Map());
    }
    this.newBoards = newBoardLimiter(opts.newBoards, redis);
    const every = (ms: number, fn: () => Promise<void>) => {
      const t = setInterval(() => void fn().catch((err) => opts.log.debug({ err }, "cluster limits: Redis refused")), ms);
      t.unref();
      this.timers.push(t);
    };
    every(REPORT_MS, () => this.report());
    every(CONNECTION_REFRESH_MS, () => this.refresh());
  }

  private key(address: string): string {
    return `mb:conns:${address}`;
  }

  /** Takes a connection slot for the address over the cluster; false: the address is at the limit. */
  async openConnection(address: string): Promise<boolean> {
    const max = this.opts.connectionsPerAddress;
    if (max === null) return true;
    let ok: boolean;
    try {
      ok = Number(await within(this.redis.eval(OPEN, { keys: [this.key(address)], arguments: [this.opts.nodeId, String(max), String(CONNECTION_TTL_MS)] }))) === 1;
    } catch (err) {
      this.opts.log.debug({ err }, "cluster connection count unavailable; this node's own limit applies");
      return true;
    }
    if (ok) this.counted.set(address, (this.counted.get(address) ?? 0) + 1);
    return ok;
  }

  /** A connection from the address closed: this node now holds `stillOpen` of its connections. */
  closeConnection(address: string, stillOpen: number): void {
    if (this.opts.connectionsPerAddress === null) return;
    this.syncCount(address, stillOpen);
    void this.writeCount(address, stillOpen).catch(() => undefined);
  }

  private writeCount(address: string, count: number): Promise<unknown> {
    return this.redis.eval(SET_COUNT, { keys: [this.key(address)], arguments: [this.opts.nodeId, String(count), String(CONNECTION_TTL_MS)] });
  }

  /** Rewrites this node's counts (keeps them alive; corrects slots of handshakes that never completed). */
  private async refresh(): Promise<void> {
    await Promise.all([...this.counted].map(([address, n]) => this.writeCount(address, n)));
  }

  /** Sets the node's real open count for an address (from the node's own bookkeeping). */
  syncCount(address: string, open: number): void {
    if (open > 0) this.counted.set(address, open);
    else this.counted.delete(address);
  }

  /** Records one event; true when the address is over its cluster-wide window for the class. */
  blocked(address: string, cls: RateClass): boolean {
    if (!this.rates[cls]) return false;
    const until = this.blockedUntil.get(cls)!.get(address);
    if (until !== undefined) {
      if (until > Date.now()) return true;
      this.blockedUntil.get(cls)!.delete(address);
    }
    const pending = this.unreported.get(cls)!;
    pending.set(address, (pending.get(address) ?? 0) + 1);
    return false;
  }

  private async report(): Promise<void> {
    const work: Array<Promise<void>> = [];
    for (const [cls, pending] of this.unreported) {
      const l = this.rates[cls];
      if (!l || pending.size === 0) continue;
      const batch = [...pending];
      pending.clear();
      for (const [address, points] of batch) {
        work.push(
          l.consume(address, points).then(
            () => undefined,
            (res: unknown) => {
              if (res instanceof RateLimiterRes) this.blockedUntil.get(cls)!.set(address, Date.now() + res.msBeforeNext);
            },
          ),
        );
      }
    }
    await Promise.all(work);
  }

  close(): void {
    for (const t of this.timers) clearInterval(t);
  }
}
