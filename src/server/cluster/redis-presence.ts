/**
 * Presence shared through Redis, per board (one hash tag, so one shard):
 * - hash `mb:{board}:presence`: sessionId → peer (JSON, with its expiry `exp`);
 * - sorted set `mb:{board}:presence:exp`: sessionId → expiry (ms since the epoch).
 *
 * Each node refreshes its own peers on a heartbeat (PEER_TTL_MS / 3), so the
 * peers of a node that died expire within PEER_TTL_MS without anyone asking
 * every node. On the same heartbeat each node sweeps the boards it has members
 * on: one script takes the expired sessions out of both keys and returns them,
 * atomically, so exactly one node reports each of them (as a `left` delta to the
 * whole board).
 *
 * Joins, renames and leaves write one session and read nothing back; only a
 * joining session's snapshot reads the hash, and concurrent snapshots of one
 * board share a read.
 *
 * After Redis comes back (a restart replays its append-only file, with sessions
 * that ended while it was down, and loses what was not yet written), each node
 * `reconcile`s: it removes the entries of its own that it no longer holds and
 * writes back the ones it does, at once rather than at the next heartbeat or expiry.
 */
import type { Peer } from "../../shared/protocol.js";
import type { PresenceRegistry, PresenceWatcher } from "../realtime/presence.js";

export const DEFAULT_PEER_TTL_MS = 30_000;
/** At most this many expired sessions per sweep call (the sweep repeats while it finds more). */
const SWEEP_BATCH = 500;

interface StoredPeer extends Peer {
  exp: number;
}

export interface PresenceRedis {
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  hGetAll(key: string): Promise<Record<string, string>>;
}

/**
 * KEYS: hash, expiries. ARGV: the keys' ttl (ms), then (sessionId, json, exp) triples.
 * Returns the sessions that had no expiry entry: new ones, or ones a sweep had taken out.
 */
const WRITE = `
local missing = {}
for i = 2, #ARGV, 3 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  if redis.call('ZADD', KEYS[2], ARGV[i + 2], ARGV[i]) == 1 then missing[#missing + 1] = ARGV[i] end
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return missing
`;

/** KEYS: hash, expiries. ARGV: sessionId. */
const REMOVE = `
redis.call('HDEL', KEYS[1], ARGV[1])
return redis.call('ZREM', KEYS[2], ARGV[1])
`;

/** KEYS: hash, expiries. ARGV: sessionIds. Returns how many were there. */
const REMOVE_MANY = `
redis.call('HDEL', KEYS[1], unpack(ARGV))
return redis.call('ZREM', KEYS[2], unpack(ARGV))
`;

/** KEYS: hash, expiries. ARGV: now (ms), batch size. Takes expired sessions out and returns them. */
const SWEEP = `
local gone = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
if #gone > 0 then
  redis.call('ZREM', KEYS[2], unpack(gone))
  redis.call('HDEL', KEYS[1], unpack(gone))
end
return gone
`;

export interface RedisPresenceOptions {
  prefix?: string;
  /** How long a peer outlives its node's last heartbeat (heartbeats every third of it). */
  ttlMs?: number;
  /** This node's id (Peer.node): entries with it are this node's to keep or remove when reconciling. */
  nodeId?: string;
}

/** A reconcile that failed (Redis still loading its data, or gone again) is tried again this soon. */
const RECONCILE_RETRY_MS = 500;

interface BoardReads {
  /** The read in flight, and how many of this node's writes had completed when it was sent. */
  running: { peers: Promise<Peer[]>; writes: number } | null;
  /** The read that starts when `running` is done: shared by every caller that came meanwhile. */
  next: Promise<Peer[]> | null;
}

export class RedisPresence implements PresenceRegistry {
  /** This node's peers by board, refreshed on every heartbeat. */
  private readonly local = new Map<string, Map<string, Peer>>();
  private readonly reads = new Map<string, BoardReads>();
  private readonly timer: NodeJS.Timeout;
  private readonly prefix: string;
  readonly ttlMs: number;
  private readonly nodeId: string | undefined;
  private watcher: PresenceWatcher | null = null;
  /** This node's completed writes, counted: a read sent after the last one sees them all. */
  private writes = 0;
  private beating: Promise<void> | null = null;
  /** Boards where a remove of this node's failed (Redis down): cleaned up by the next reconcile. */
  private readonly unconfirmed = new Set<string>();
  private reconciling: Promise<void> | null = null;
  private retry: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly redis: PresenceRedis,
    options: RedisPresenceOptions = {},
  ) {
    this.prefix = options.prefix ?? "mb";
    this.ttlMs = options.ttlMs ?? DEFAULT_PEER_TTL_MS;
    this.nodeId = options.nodeId;
    this.timer = setInterval(() => void this.heartbeat().catch(() => undefined), Math.max(1, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
  }

  private keys(boardId: string): string[] {
    const hash = `${this.prefix}:{${boardId}}:presence`;
    return [hash, `${hash}:exp`];
  }

  watch(watcher: PresenceWatcher): void {
    this.watcher = watcher;
  }

  /** Writes peers of one board; returns the sessionIds Redis did not have. */
  private async write(boardId: string, peers: Iterable<Peer>): Promise<string[]> {
    const exp = Date.now() + this.ttlMs;
    const args = [String(this.ttlMs * 2)];
    for (const peer of peers) {
      const stored: StoredPeer = { ...peer, exp };
      args.push(peer.sessionId, JSON.stringify(stored), String(exp));
    }
    return (await this.redis.eval(WRITE, { keys: this.keys(boardId), arguments: args })) as string[];
  }

  async upsert(boardId: string, peer: Peer): Promise<void> {
    let peers = this.local.get(boardId);
    if (!peers) this.local.set(boardId, (peers = new Map<string, Peer>()));
    peers.set(peer.sessionId, peer);
    await this.write(boardId, [peer]);
    this.writes++;
  }

  async remove(boardId: string, sessionId: string): Promise<void> {
    const peers = this.local.get(boardId);
    peers?.delete(sessionId);
    if (peers?.size === 0) this.local.delete(boardId);
    try {
      await this.redis.eval(REMOVE, { keys: this.keys(boardId), arguments: [sessionId] });
    } catch (err) {
      this.unconfirmed.add(boardId);
      throw err;
    }
    this.writes++;
  }

  /**
   * Makes Redis agree with this node about its own sessions, on every board it has
   * members on or failed to remove one from: entries of this node that it no longer
   * holds are removed and reported as expired (the board hears `left`); the ones it
   * holds are written back, and reported as restored if Redis had lost them. Called
   * whenever Redis is (back) up; retried until it goes through.
   */
  reconcile(): Promise<void> {
    this.reconciling ??= this.reconcileAll()
      .catch(() => {
        if (this.closed) return;
        this.retry ??= setTimeout(() => {
          this.retry = null;
          void this.reconcile();
        }, RECONCILE_RETRY_MS);
        this.retry.unref();
      })
      .finally(() => (this.reconciling = null));
    return this.reconciling;
  }

  private async reconcileAll(): Promise<void> {
    const nodeId = this.nodeId;
    if (nodeId === undefined) return;
    const boards = new Set([...this.local.keys(), ...this.unconfirmed]);
    await Promise.all(
      [...boards].map(async (boardId) => {
        const [hash, exp] = this.keys(boardId);
        const stored = await this.redis.hGetAll(hash);
        const held = this.local.get(boardId);
        const ghosts = Object.entries(stored)
          .filter(([sessionId, json]) => !held?.has(sessionId) && (JSON.parse(json) as StoredPeer).node === nodeId)
          .map(([sessionId]) => sessionId);
        if (ghosts.length) {
          await this.redis.eval(REMOVE_MANY, { keys: [hash, exp], arguments: ghosts });
          this.watcher?.expired(boardId, ghosts);
        }
        this.unconfirmed.delete(boardId);
        const peers = this.local.get(boardId);
        if (!peers?.size) return;
        const missing = await this.write(boardId, [...peers.values()]);
        const restored = missing.map((id) => peers.get(id)).filter((p): p is Peer => p !== undefined);
        if (restored.length) this.watcher?.restored(boardId, restored);
      }),
    );
  }

  snapshot(boardId: string): Promise<Peer[]> {
    let r = this.reads.get(boardId);
    if (!r) this.reads.set(boardId, (r = { running: null, next: null }));
    // A read sent after this node's last completed write, or one not sent yet, sees
    // every write completed before this call (the caller's join among them).
    if (r.running?.writes === this.writes) return r.running.peers;
    if (r.next) return r.next;
    if (!r.running) return this.startRead(boardId, r);
    const reads = r;
    const idle = () => undefined;
    r.next = r.running.peers.then(idle, idle).then(() => {
      reads.next = null;
      return this.startRead(boardId, reads);
    });
    return r.next;
  }

  private startRead(boardId: string, r: BoardReads): Promise<Peer[]> {
    const p = this.list(boardId);
    r.running = { peers: p, writes: this.writes };
    const done = () => {
      if (r.running?.peers === p) r.running = null;
      if (!r.running && !r.next && this.reads.get(boardId) === r) this.reads.delete(boardId);
    };
    p.then(done, done);
    return p;
  }

  private async list(boardId: string): Promise<Peer[]> {
    const all = await this.redis.hGetAll(this.keys(boardId)[0]);
    const now = Date.now();
    const peers: Peer[] = [];
    // Expired entries stay until a sweep reports them (a snapshot only leaves them out).
    for (const json of Object.values(all)) {
      const { exp, ...peer } = JSON.parse(json) as StoredPeer;
      if (exp > now) peers.push(peer);
    }
    return peers;
  }

  /** Refreshes this node's peers, then reports the expired peers of its boards. Runs on the timer; tests may call it. */
  heartbeat(): Promise<void> {
    this.beating ??= this.beat().finally(() => (this.beating = null));
    return this.beating;
  }

  private async beat(): Promise<void> {
    await Promise.all(
      [...this.local].map(async ([boardId, peers]) => {
        const missing = await this.write(boardId, [...peers.values()]);
        // Back after a sweep took them out (this node stalled past the ttl, or Redis lost them): announce them again.
        const restored = missing.map((id) => peers.get(id)).filter((p): p is Peer => p !== undefined);
        if (restored.length) this.watcher?.restored(boardId, restored);
        await this.sweep(boardId);
      }),
    );
  }

  private async sweep(boardId: string): Promise<void> {
    for (;;) {
      const gone = (await this.redis.eval(SWEEP, { keys: this.keys(boardId), arguments: [String(Date.now()), String(SWEEP_BATCH)] })) as string[];
      if (gone.length) this.watcher?.expired(boardId, gone);
      if (gone.length < SWEEP_BATCH) return;
    }
  }

  /**
   * Stops heartbeating. A draining node has removed (and announced) its peers
   * already (PresenceFeed.settle); any left over are not deleted silently here,
   * which would keep them listed on the other nodes' clients: they expire, and a
   * sweep reports them.
   */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    if (this.retry) clearTimeout(this.retry);
    await this.beating?.catch(() => undefined);
    await this.reconciling;
    this.local.clear();
  }
}
